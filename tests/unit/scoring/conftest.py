"""A small synthetic market whose accounts go in and out of a buying cycle.

Each account has a hidden fit (sector, size, an installed CRM) that sets how often it enters an
in-market episode. While in market it surges on intent topics, its contacts engage more, and it
opens an opportunity a few weeks later with good odds. Signals are noisy and partly missing (a
third of accounts have no intent coverage, many contacts are unknown to the MAP), so a model that
combines them should beat any single signal without being perfect.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest

AS_OF = date(2026, 11, 22)
HISTORY_START = date(2025, 6, 2)
ACTIVITY_TYPES = ["email_open", "email_click", "web_visit", "form_fill", "webinar_attended",
                  "content_download"]
TITLES = {
    "executive buyer": ["Chief Revenue Officer", "VP of Sales", "Head of Marketing"],
    "technical evaluator": ["Salesforce Administrator", "IT Manager", "Solutions Architect"],
    "champion": ["Director, Revenue Operations", "Sales Operations Manager"],
    "end user": ["Account Executive", "Sales Development Representative", "Marketing Coordinator"],
    "other": ["Office Manager", "Paralegal"],
}


def make_world(n_accounts: int = 3000, seed: int = 7, as_of: date = AS_OF) -> dict[str, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    weeks = pd.date_range(HISTORY_START, pd.Timestamp(as_of) + pd.Timedelta(days=120), freq="W-MON")
    n_weeks = len(weeks)
    keys = np.array([f"ACC-{i:06d}" for i in range(n_accounts)])

    employees = np.round(np.exp(rng.normal(5.0, 1.4, n_accounts)))
    sectors = rng.choice(["51", "52", "54", "62", "31", "44"], n_accounts, p=[.2, .15, .2, .15, .15, .15])
    uses_crm_x = rng.random(n_accounts) < 0.3
    fit_logit = (-0.5 + 0.35 * (np.log(employees) - 5) + np.where(np.isin(sectors, ["51", "54"]), 0.8, -0.3)
                 + 0.9 * uses_crm_x + rng.normal(0, 0.3, n_accounts))
    fit = 1 / (1 + np.exp(-fit_logit))
    companies = pd.DataFrame({
        "account_key": keys, "employees": employees,
        "annual_revenue": employees * 180_000 * np.exp(rng.normal(0, 0.4, n_accounts)),
        "naics_code": [s + "1110" for s in sectors], "naics_sector": sectors,
        "state_code": rng.choice(["CA", "NY", "TX", "WA"], n_accounts),
        "founded_year": rng.integers(1950, 2022, n_accounts).astype(float)})
    companies.loc[rng.random(n_accounts) < 0.1, "annual_revenue"] = np.nan

    techs = []
    for i in np.flatnonzero(uses_crm_x):
        techs.append((keys[i], "CRM-X", "CRM", pd.Timestamp("2024-01-01"), pd.Timestamp("2026-11-01")))
    for i in np.flatnonzero(~uses_crm_x & (rng.random(n_accounts) < 0.4)):
        techs.append((keys[i], "CRM-Y", "CRM", pd.Timestamp("2024-06-01"), pd.Timestamp("2026-11-01")))
    for i in np.flatnonzero(rng.random(n_accounts) < 0.5):
        techs.append((keys[i], "Mailer", "Email", pd.Timestamp("2023-01-01"), pd.Timestamp("2026-11-01")))
    technographics = pd.DataFrame(techs, columns=["account_key", "technology", "category", "first_seen", "last_seen"])

    # In-market episodes: an account-week starts one with a rate set by fit; an episode lasts 8-12 weeks.
    in_market = np.zeros((n_accounts, n_weeks), dtype=bool)
    episode_start = rng.random((n_accounts, n_weeks)) < 0.004 + 0.025 * fit[:, None]
    for i, w in zip(*np.nonzero(episode_start)):
        in_market[i, w: w + rng.integers(8, 13)] = True

    customers0 = rng.random(n_accounts) < 0.3 * fit
    opps = []
    for i in np.flatnonzero(customers0):
        created = pd.Timestamp(HISTORY_START) - pd.Timedelta(days=int(rng.integers(120, 700)))
        opps.append((keys[i], created, created + pd.Timedelta(days=60), "New Business", True))
    is_customer_now = customers0.copy()
    for i, w in zip(*np.nonzero(episode_start)):
        if rng.random() < 0.65:
            created = weeks[min(w + int(rng.integers(2, 9)), n_weeks - 1)] + pd.Timedelta(days=int(rng.integers(0, 7)))
            customer = any(o[0] == keys[i] and o[4] and o[2] < created for o in opps) or customers0[i]
            won = rng.random() < 0.35
            opps.append((keys[i], created, created + pd.Timedelta(days=int(rng.integers(30, 120))),
                         "Existing Business" if customer else "New Business", won))
    noise = rng.random((n_accounts, n_weeks)) < 0.0015
    for i, w in zip(*np.nonzero(noise)):
        created = weeks[w] + pd.Timedelta(days=int(rng.integers(0, 7)))
        opps.append((keys[i], created, created + pd.Timedelta(days=45), "Renewal" if customers0[i] else "New Business", False))
    opportunities = pd.DataFrame(opps, columns=["account_key", "created_date", "close_date", "type", "is_won"])
    opportunities["opportunity_id"] = [f"OPP{i:07d}" for i in range(len(opportunities))]
    as_of_ts = pd.Timestamp(as_of) + pd.Timedelta(days=1)
    opportunities["is_closed"] = opportunities["close_date"] < as_of_ts
    opportunities["is_won"] = opportunities["is_won"] & opportunities["is_closed"]
    opportunities["stage_name"] = np.where(opportunities["is_won"], "Closed Won",
                                           np.where(opportunities["is_closed"], "Closed Lost", "Discovery"))
    opportunities["amount"] = np.round(rng.lognormal(10.5, 0.6, len(opportunities)), 2)
    won_now = opportunities.loc[opportunities["is_won"] & (opportunities["close_date"] < as_of_ts), "account_key"]
    is_customer_now |= np.isin(keys, won_now)
    companies["is_customer"] = is_customer_now

    covered = rng.random(n_accounts) < 0.65
    frames = []
    for vendor, coverage in (("bombora", covered), ("g2", rng.random(n_accounts) < 0.3)):
        surge_p = np.where(in_market, 0.55, 0.04)
        scores = np.where(rng.random((n_accounts, n_weeks)) < surge_p,
                          rng.uniform(60, 95, (n_accounts, n_weeks)), rng.uniform(20, 60, (n_accounts, n_weeks)))
        i, w = np.nonzero(coverage[:, None] & (scores >= 45))
        surging = scores[i, w] >= 60
        frames.append(pd.DataFrame({
            "account_key": keys[i], "week_start": weeks[w], "vendor": vendor,
            "topic_cluster": rng.choice(["crm", "sales ai"], len(i)),
            "surging_topics": surging * rng.integers(1, 4, len(i)), "max_score": scores[i, w],
            "is_surging": surging}))
    intent = pd.concat(frames, ignore_index=True)

    contact_rows = []
    persona_names = list(TITLES)
    for i in range(n_accounts):
        for j in range(int(rng.integers(2, 6))):
            persona = persona_names[int(rng.integers(0, len(persona_names)))]
            title = TITLES[persona][int(rng.integers(0, len(TITLES[persona])))]
            contact_rows.append((f"C{i:06d}{j}", keys[i], i, f"p{j}@a{i}.com", title, persona, rng.random() < 0.08))
    contacts = pd.DataFrame(contact_rows, columns=["contact_id", "account_key", "account_index", "email",
                                                   "title", "persona", "is_opted_out"])
    counts = rng.poisson(np.where(in_market, 0.9, 0.12))
    i, w = np.nonzero(counts)
    i, w = np.repeat(i, counts[i, w]), np.repeat(w, counts[i, w])
    first_contact = contacts.groupby("account_index").cumcount().eq(0)
    offsets = contacts.index[first_contact].to_numpy()
    sizes = contacts.groupby("account_index").size().to_numpy()
    pick = offsets[i] + (rng.random(len(i)) * sizes[i]).astype(int)
    activities = pd.DataFrame({
        "account_key": keys[i], "email": contacts["email"].to_numpy()[pick],
        "activity_type": rng.choice(ACTIVITY_TYPES, len(i)),
        "activity_ts": weeks[w] + pd.to_timedelta(rng.integers(0, 7 * 86400, len(i)), unit="s")})

    scored = contacts.sample(frac=0.4, random_state=seed)
    score_weeks = np.arange(0, n_weeks, 4)
    ci = np.repeat(scored["account_index"].to_numpy(), len(score_weeks))
    cw = np.tile(score_weeks, len(scored))
    level = np.where(in_market[ci, cw], 60.0, 25.0)
    map_scores = pd.DataFrame({
        "account_key": keys[ci], "email": np.repeat(scored["email"].to_numpy(), len(score_weeks)),
        "source_system": "marketo", "score_normalized": np.clip(rng.normal(level, 15), 0, 100),
        "scored_at": weeks[cw] + pd.Timedelta(days=3)})
    contacts = contacts.drop(columns="account_index")

    cutoff = pd.Timestamp(as_of) + pd.Timedelta(days=1)
    week_idx = int(np.searchsorted(weeks, pd.Timestamp(as_of)))
    return {
        "companies": companies, "technographics": technographics,
        "intent": intent[intent["week_start"] + pd.Timedelta(days=6) < cutoff].reset_index(drop=True),
        "activities": activities[activities["activity_ts"] < cutoff].reset_index(drop=True),
        "map_scores": map_scores[map_scores["scored_at"] < cutoff].reset_index(drop=True),
        "opportunities": opportunities,
        "contacts": contacts,
        "in_market_now": pd.Series(in_market[:, max(week_idx - 1, 0)], index=keys),
        "latent_fit": pd.Series(fit, index=keys),
    }


@pytest.fixture(scope="session")
def world() -> dict[str, pd.DataFrame]:
    return make_world()


@pytest.fixture(scope="session")
def inputs(world):
    from models_ml.scoring.inputs import ScoringInputs

    history = world["opportunities"]
    known = history[history["created_date"] < pd.Timestamp(AS_OF) + pd.Timedelta(days=1)]
    return ScoringInputs(companies=world["companies"], technographics=world["technographics"],
                         intent=world["intent"], activities=world["activities"],
                         map_scores=world["map_scores"], opportunities=known,
                         competitor_technologies=frozenset({"CRM-Y"}))


@pytest.fixture(scope="session")
def horizon_days() -> int:
    return 90


@pytest.fixture(scope="session")
def as_of() -> date:
    return AS_OF



@pytest.fixture(scope="session")
def accounts(world) -> pd.DataFrame:
    companies = world["companies"]
    segment = pd.cut(companies["employees"], [0, 200, 1000, np.inf], right=False,
                     labels=["SMB", "Mid-Market", "Enterprise"]).astype(str)
    motion = np.where(companies.get("is_customer", pd.Series(False, index=companies.index)).fillna(False).astype(bool),
                      "upsell", "new_logo")
    return companies.assign(segment=segment, territory_id="T-" + companies["state_code"],
                            crm_account_id=companies["account_key"].str.replace("ACC", "001"),
                            account_name="Company " + companies["account_key"], motion=motion)


@pytest.fixture(scope="session")
def crm_contacts(world) -> pd.DataFrame:
    contacts = world["contacts"].drop(columns="persona")
    return contacts.rename(columns={"is_opted_out": "has_opted_out_of_email"}).assign(
        full_name=lambda f: "Contact " + f["contact_id"])


@pytest.fixture(scope="session")
def registry_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("data")


@pytest.fixture(scope="session")
def scoring_output(inputs, accounts, crm_contacts, registry_dir, horizon_days):
    """One full scoring run on the synthetic market, shared by the tests that read its tables."""
    from models_ml.scoring.registry import ModelRegistry
    from models_ml.scoring.run import run_scoring

    return run_scoring(inputs, accounts, crm_contacts, AS_OF, horizon_days, ModelRegistry(registry_dir))


@pytest.fixture(scope="session")
def live_outcome(world, horizon_days) -> pd.Series:
    """1 when the account opened a new opportunity in the horizon after AS_OF (what really happened)."""
    keys = pd.Index(world["companies"]["account_key"])
    opps = world["opportunities"]
    start = pd.Timestamp(AS_OF) + pd.Timedelta(days=1)
    created = opps[(opps["created_date"] >= start) & (opps["created_date"] < start + pd.Timedelta(days=horizon_days))]
    created = created[created["type"].isin(["New Business", "Existing Business"])]
    return pd.Series(keys.isin(created["account_key"]).astype(float), index=keys)
