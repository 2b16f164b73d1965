"""`generate`: build one sample world for a size and seed, and write its landing zone and truth.

Order matters only through data: companies -> stack and fit -> two years of buying cycle -> CRM
records -> territories and owners (a few reps left over capacity) -> opportunities and contacts ->
intent and engagement -> when each contact entered the CRM -> every record's edits -> dated CRM
exports -> truth. Each step draws from its own random stream, so a seed gives byte-identical files.

The CRM arrives as a real one does: a full export 24 weeks before as_of, then a delta every four
weeks (`deliveries`), so records have a history: contacts created as buying cycles start
(`contact_timeline`), accounts created at lead conversion and typed Customer only after their
first won deal (`account_history`), deals delivered open and later closed (`opportunity_history`),
contacts restated (`contact_history`), and marketing knows people at companies outside the CRM
(`leads`) whether or not they later buy. Linking anything through today's CRM at a past date learns
from the future here as it would on a customer's data.

The truth places every CRM account and vendor company with the generator's own rule engine
(`territories.assign_territories`) on the values written to the landing zone, the home country
being the most common one among CRM accounts. Every CRM Id in the truth is in the exports.
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pandas as pd

from sample_world import buying_cycle, crm_accounts, deliveries, engagement, intent, leads, opportunities, technographics, vendor
from sample_world.account_history import account_history, converted_with_first_deal, stale_resends
from sample_world.contact_history import contact_history
from sample_world.contact_timeline import creation_dates, private_addresses
from sample_world.contacts import build_contacts
from sample_world.locations import home_country
from sample_world.opportunity_history import opportunity_history
from sample_world.roster import build_roster, over_capacity
from sample_world.territories import ACCOUNT_RULE_FIELDS, UNASSIGNED, assign_territories, build_alignment, covered_countries
from sample_world.truth import write_truth
from sample_world.universe import build_companies
from sample_world.writers import write_csv, write_parquet

SIZES = {"S": 20_000, "M": 1_000_000, "L": 10_000_000}
HISTORY_WEEKS = 104
INTENT_WEEKS = 26
HORIZON_DAYS = 90
LATEST_INTENT_MONDAY = pd.Timestamp("2026-11-02")
VENDOR_PART_ROWS = 1_000_000
STREAMS = ("universe", "stack", "fit", "history", "accounts", "owners", "opportunities", "contacts", "vendor",
           "technographics", "bombora", "g2", "map", "scores", "outcomes", "redelivery", "contact_timeline",
           "opportunity_history", "contact_history", "leads")


def _streams(seed: int) -> dict[str, np.random.Generator]:
    children = np.random.SeedSequence(seed).spawn(len(STREAMS))
    return {name: np.random.default_rng(child) for name, child in zip(STREAMS, children)}


def _owners(rng: np.random.Generator, records: pd.DataFrame, territory: np.ndarray, definitions: pd.DataFrame,
            users: pd.DataFrame) -> np.ndarray:
    """Territory owner for most accounts; AMs on some customers, some misaligned, departed reps on a few."""
    owner_of = dict(zip(definitions["Territory_Id"], definitions["Owner_User_Id"]))
    chief = users["Id"].iloc[0]
    owner = pd.Series(territory).map(owner_of).fillna(chief).to_numpy(dtype=object)
    n = len(records)
    draw = rng.random(n)
    account_managers = users.loc[users["Sales_Role__c"] == "AM", "Id"].to_numpy()
    active_aes = users.loc[(users["Sales_Role__c"] == "AE") & (users["IsActive"] == "true"), "Id"].to_numpy()
    departed = users.loc[users["IsActive"] == "false", "Id"].to_numpy()
    customer = records["Type"].to_numpy() == "Customer"
    owner = np.where(customer & (draw < 0.3), account_managers[rng.integers(0, len(account_managers), n)], owner)
    owner = np.where((draw >= 0.3) & (draw < 0.35), active_aes[rng.integers(0, len(active_aes), n)], owner)
    owner = np.where((draw >= 0.35) & (draw < 0.36), departed[rng.integers(0, len(departed), n)], owner)
    return owner


def _named_account_rows(companies: pd.DataFrame, accounts: crm_accounts.CrmAccounts) -> np.ndarray:
    """The largest Enterprise accounts by revenue, in the countries the team sells in (1 in 400 accounts,
    5 to 40): the strategic named-account list."""
    records = accounts.records
    rows = companies.iloc[accounts.company_idx]
    enterprise = (~accounts.is_duplicate) & (rows["segment"].to_numpy() == "Enterprise") \
        & np.isin(rows["country"].to_numpy(), sorted(covered_countries()))
    n_named = int(np.clip(len(records) // 400, 5, 40))
    order = np.argsort(-rows["revenue"].to_numpy()[enterprise], kind="stable")
    return np.flatnonzero(enterprise)[order[:n_named]]


def vendor_placement(firmo: pd.DataFrame) -> pd.DataFrame:
    """Vendor companies in Account terms, so the same rules place them (State as BillingState, ...)."""
    return pd.DataFrame({"Id": pd.Series([None] * len(firmo), dtype=object), "BillingState": firmo["State"],
                         "BillingPostalCode": firmo["Postal_Code"], "BillingCountry": firmo["Country"],
                         "Industry": firmo["Industry"], "NumberOfEmployees": firmo["Employee_Count"],
                         "AnnualRevenue": firmo["Revenue_USD"]})


def generate(size: str, seed: int, out: Path) -> dict:
    """Write a landing zone and `_truth/` for size S, M or L into `out`; return counts and timing."""
    started = time.perf_counter()
    if size not in SIZES:
        raise ValueError(f"size must be one of {sorted(SIZES)}, got {size!r}")
    out = Path(out)
    rng = _streams(seed)
    as_of = LATEST_INTENT_MONDAY + pd.Timedelta(days=6)
    org_salt = seed * 7919 + 17
    n_vendor = SIZES[size]

    companies = build_companies(rng["universe"], n_vendor, max(5, n_vendor // 700), id_salt=seed * 104_729 + 11)
    stack = technographics.install_base(rng["stack"], companies)
    params = buying_cycle.cycle_parameters(rng["fit"], companies, stack.roles)
    history = buying_cycle.simulate_history(rng["history"], companies, params, HISTORY_WEEKS, INTENT_WEEKS)

    accounts = crm_accounts.build_accounts(rng["accounts"], companies, history, as_of, org_salt)
    records = accounts.records
    named_rows = _named_account_rows(companies, accounts)
    named_ids = list(records["Id"].to_numpy()[named_rows])
    n_named = len(named_ids)
    alignment = build_alignment(named_ids)
    users, definitions = build_roster(rng["owners"], alignment.definitions, as_of, org_salt, book_scale=SIZES[size] / SIZES["S"])

    home = home_country(records["BillingCountry"])
    crm_territory = assign_territories(records[list(ACCOUNT_RULE_FIELDS)], alignment.rules, home)
    records["OwnerId"] = _owners(rng["owners"], records, crm_territory, definitions, users)
    users = over_capacity(rng["owners"], users, records["OwnerId"])
    records.loc[named_rows, "Named_Account__c"] = "true"
    records.loc[named_rows[: max(1, n_named // 4)], "Exclude_From_Realign__c"] = "true"

    opps = opportunities.build_opportunities(rng["opportunities"], companies, history, accounts, as_of, org_salt)
    opps["OwnerId"] = opps["AccountId"].map(dict(zip(records["Id"], records["OwnerId"])))
    contacts, contact_company = build_contacts(rng["contacts"], companies, accounts, as_of, org_salt)
    firmo = vendor.firmographics(rng["vendor"], companies, as_of)
    vendor_territory = assign_territories(vendor_placement(firmo), alignment.rules, home)

    counts: dict[str, int] = {}
    land = out

    def record(path: Path, rows: int) -> None:
        counts[str(path.relative_to(out))] = rows

    stamp = as_of.strftime("%Y-%m-%d")
    exports = deliveries.calendar(as_of)
    deals = opportunity_history(rng["opportunity_history"], opps, as_of, exports)
    created = pd.DatetimeIndex(pd.to_datetime(records["CreatedDate"], utc=True).dt.tz_localize(None))
    created = converted_with_first_deal(rng["redelivery"], accounts, history, deals.records, created, as_of)
    account_exports = deliveries.with_same_day_fix(exports)
    account_versions = account_history(rng["redelivery"], accounts, records, created, history, deals.records, users,
                                       as_of, account_exports)
    account_files = account_exports.names("crm/accounts/accounts")
    account_files[-1] = f"crm/accounts/accounts_{stamp}_delta.csv"
    account_frames = deliveries.deliver(account_versions.edits, account_exports, account_versions.state_at)
    stale = stale_resends(rng["redelivery"], deliveries.split(account_versions.edits, account_exports),
                          account_versions.state_at)
    account_frames[-1] = pd.concat([account_frames[-1], stale], ignore_index=True)
    for name, frame in zip(account_files, account_frames):
        record(land / name, write_csv(frame, land / name, bom=not name.endswith("_delta.csv")))
    for name, frame in zip(exports.names("crm/opportunities/opportunities"),
                           deliveries.deliver(deals.edits, exports, deals.state_at)):
        record(land / name, write_csv(frame, land / name))
    record(land / f"crm/users/users_{stamp}.csv", write_csv(users, land / f"crm/users/users_{stamp}.csv"))
    record(land / "territories/definitions/territories.csv", write_csv(definitions, land / "territories/definitions/territories.csv"))
    record(land / "territories/rules/territory_rules.csv", write_csv(alignment.rules, land / "territories/rules/territory_rules.csv"))

    for part, start in enumerate(range(0, len(firmo), VENDOR_PART_ROWS), start=1):
        chunk = firmo.iloc[start:start + VENDOR_PART_ROWS]
        if size == "S":
            path = land / f"vendor/firmographics/firmographics_{stamp}_part{part:03d}.csv"
            record(path, write_csv(chunk, path, bom=True))
        else:
            path = land / f"vendor/firmographics/firmographics_{stamp}_part{part:03d}.parquet"
            record(path, write_parquet(chunk, path))
    tech_path = land / f"vendor/technographics/technographics_{stamp}.csv.gz"
    record(tech_path, write_csv(technographics.vendor_rows(rng["technographics"], companies, stack, as_of), tech_path))

    mondays = [LATEST_INTENT_MONDAY - pd.Timedelta(weeks=INTENT_WEEKS - 1 - w) for w in range(INTENT_WEEKS)]
    g2_parts: dict[str, list[pd.DataFrame]] = {}
    for week, monday in enumerate(mondays):
        state = history.recent_states[week]
        surge = intent.bombora_week(rng["bombora"], companies, state, monday, with_week=week % 2 == 0)
        path = land / f"intent/bombora/bombora_surge_{monday.strftime('%Y-%m-%d')}.csv"
        record(path, write_csv(surge, path))
        g2_parts.setdefault(monday.strftime("%Y-%m"), []).append(intent.g2_week(rng["g2"], companies, state, monday))
    for month, parts in g2_parts.items():
        path = land / f"intent/g2/g2_buyer_intent_{month}.csv"
        record(path, write_csv(pd.concat(parts, ignore_index=True), path))

    audience, systems = engagement.map_audience(rng["map"], contacts)
    activities, engaged = engagement.simulate_activity(rng["map"], contacts, contact_company, audience, systems,
                                                       history.recent_states, mondays)
    account_row = pd.Index(records["Id"]).get_indexer(contacts["AccountId"])
    reached = leads.reached_companies(rng["leads"], history)
    activities = leads.without_unreached_prehistory(activities, contact_company, account_row, account_versions.created,
                                                    history, reached)
    contact_created, known_first = creation_dates(rng["contact_timeline"], contacts, account_row, account_versions.created,
                                              contact_company, history.recent_states, mondays, activities,
                                              history.opportunities["company_idx"].to_numpy(), deals.created, as_of)
    contacts, activities = private_addresses(rng["contact_timeline"], contacts, known_first, activities)
    people = contact_history(rng["contact_history"], contacts, contact_created, activities, as_of)
    for name, frame in zip(exports.names("crm/contacts/contacts"), deliveries.deliver(people.edits, exports, people.state_at)):
        record(land / name, write_csv(frame, land / name, bom=True))
    outside = leads.lead_activities(rng["leads"], companies, history, reached, mondays, as_of, org_salt)
    outside = outside.loc[~outside["email"].str.lower().isin(set(contacts["Email"].dropna().str.lower()))]
    marketing = pd.concat([activities, outside], ignore_index=True).sort_values(["ts", "email"], kind="stable")
    for system in ("marketo", "pardot", "eloqua", "hubspot"):
        frame = engagement.format_activities(marketing, system)
        suffix = ".csv.gz" if system == "eloqua" else ".csv"
        path = land / f"map/activities/{system}_activities_{stamp}{suffix}"
        record(path, write_csv(frame, path))
    scores = engagement.lead_scores(rng["scores"], contacts, audience, systems, engaged,
                                    history.params.fit[contact_company[audience]], as_of + pd.Timedelta(hours=23))
    for system, frame in scores.groupby("source_system", sort=True):
        if system == "hubspot":
            path = land / f"map/scores/{system}_scores_{stamp}.parquet"
            record(path, write_parquet(frame.reset_index(drop=True).astype({"score": "float64"}), path))
        else:
            path = land / f"map/scores/{system}_scores_{stamp}.csv"
            record(path, write_csv(frame, path))

    propensity = buying_cycle.oracle_propensity(history, HORIZON_DAYS)
    outcome = buying_cycle.simulate_outcomes(rng["outcomes"], history, HORIZON_DAYS)
    counts.update(write_truth(out / "_truth", companies, history, accounts, contacts, propensity, outcome,
                              crm_territory, vendor_territory, firmo, as_of, HORIZON_DAYS))
    unassigned = int((crm_territory == UNASSIGNED).sum() + (vendor_territory == UNASSIGNED).sum())
    return {"size": size, "seed": seed, "out": str(out), "as_of": stamp, "files": counts,
            "companies": int(companies["in_vendor"].sum()), "crm_accounts": len(records), "unassigned": unassigned,
            "elapsed_seconds": round(time.perf_counter() - started, 2)}
