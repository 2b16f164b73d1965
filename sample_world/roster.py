"""The seller's sales team: who owns which territory, who manages whom, and their capacity.

Territory owners are account executives; SDRs and account managers cover areas and regions; a
chain of managers sits above them. A couple of departed reps are inactive but still own accounts,
as in any real org. The healthcare vertical's owner focuses on healthcare; the reps covering Canada
live in Toronto (a Canadian postal code). A few reps hold more CRM accounts today than their
`Max_Accounts__c` (`over_capacity`), as real CRMs have.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sample_world import abroad, names
from sample_world.ids import salesforce_ids
from sample_world.reference import geography
from sample_world.territories import HEALTHCARE_SECTOR, VERTICAL, territory_country, territory_states

QUOTA = {"SMB": 650_000, "Mid-Market": 1_200_000, "Enterprise": 2_400_000}
MAX_ACCOUNTS = {"SMB": 450, "Mid-Market": 160, "Enterprise": 45}
FOCUS_SECTORS = np.array(["51", "52", "54", "42", "31", "32", "33", "62", "23", "44", "48", "53"])


OVER_CAPACITY_SHARE = (0.6, 0.9)
"""Max_Accounts__c of a rep over capacity, as a share of the CRM accounts in their book today."""


def _home_zip(rng: np.random.Generator, states: list[str], country: str = abroad.HOME) -> str:
    """A populous ZIP in one of the given states (reps live near their customers); reps covering
    another country live in its largest city."""
    if country != abroad.HOME:
        return abroad.home_postal_code(rng, country)
    zips = geography().zips
    pool = zips.loc[zips["state"].isin(states)].nlargest(200, "population")
    return str(pool["zip"].iloc[rng.integers(0, len(pool))])


def build_roster(rng: np.random.Generator, definitions: pd.DataFrame, as_of: pd.Timestamp, org_salt: int,
                 book_scale: float = 1.0) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(users, definitions with Owner_User_Id): one owner per territory, managers for areas and regions.

    The roster keeps one rep per territory at every size, so a rep's book, and with it
    `Max_Accounts__c`, grows by `book_scale` with the market the world models (1 at size S);
    otherwise no alignment of a larger world could respect capacity.
    """
    people = []

    def add(role: str, title: str, segment: str, node: str | None, manager: int | None,
            states: list[str] | None = None) -> int:
        states = states or territory_states(node)
        country = territory_country(node) if node else abroad.HOME
        people.append({"role": role, "title": title, "segment": segment, "states": states, "country": country,
                       "manager": manager, "territory": node})
        return len(people) - 1

    chief = add("Manager", "Chief Revenue Officer", "Enterprise", None, None, ["NY", "CA", "TX"])
    owner_of: dict[str, int] = {}
    for level in ("region", "area", "territory"):
        for row in definitions.loc[definitions["Level"] == level].itertuples(index=False):
            parent_owner = owner_of.get(row.Parent_Territory_Id, chief)
            node = row.Territory_Id
            if level == "region":
                owner_of[node] = add("Manager", f"Regional Vice President, {row.Segment}", row.Segment, node, parent_owner)
                add("AM", f"{row.Segment} Account Manager", row.Segment, node, owner_of[node])
            elif level == "area":
                owner_of[node] = add("Manager", f"{row.Segment} Sales Director", row.Segment, node, parent_owner)
                add("SDR", "Sales Development Representative", row.Segment, node, owner_of[node])
            else:
                title = "Strategic Account Executive" if row.Segment == "Enterprise" else f"{row.Segment} Account Executive"
                owner_of[node] = add("AE", title, row.Segment, node, parent_owner)
    for segment in ("SMB", "Mid-Market"):
        add("AE", f"{segment} Account Executive", segment, None, chief, ["TX", "IL", "NY"])
    n = len(people)
    ids = salesforce_ids("user", 0, n, org_salt)
    first = names.pick(rng, names.FIRST_NAMES, n)
    last = names.pick(rng, names.SURNAMES, n)
    hire = as_of - pd.to_timedelta(rng.integers(60, 9 * 365, n), unit="D")
    active = np.ones(n, dtype=bool)
    active[[i for i, p in enumerate(people) if p["role"] == "AE"][-2:]] = False
    users = pd.DataFrame(
        {
            "Id": ids,
            "Name": pd.Series(first, dtype=object) + " " + last,
            "Email": (pd.Series(first, dtype=object) + "." + last).str.lower() + "@beaconrevenue.com",
            "Title": [p["title"] for p in people],
            "ManagerId": [ids[p["manager"]] if p["manager"] is not None else None for p in people],
            "IsActive": np.where(active, "true", "false"),
            "Sales_Role__c": [p["role"] for p in people],
            "Segment__c": [p["segment"] for p in people],
            "Home_Postal_Code__c": [_home_zip(rng, p["states"], p["country"]) for p in people],
            "Hire_Date__c": hire.strftime("%Y-%m-%d"),
            "Annual_Quota__c": [_quota(rng, p) for p in people],
            "Max_Accounts__c": pd.array(
                [round(MAX_ACCOUNTS[p["segment"]] * book_scale) if p["role"] in ("AE", "AM") else None for p in people], dtype="Int64"
            ),
            "Industry_Focus__c": [_focus(rng, p) for p in people],
        }
    )
    owned = definitions.assign(Owner_User_Id=definitions["Territory_Id"].map(lambda t: ids[owner_of[t]]))
    return users, owned


def _focus(rng: np.random.Generator, person: dict) -> str | None:
    """An AE's industry focus: a few sectors, healthcare alone for the healthcare vertical's owner."""
    if person["role"] != "AE":
        return None
    drawn = ";".join(sorted(rng.choice(FOCUS_SECTORS, rng.integers(1, 4), replace=False)))
    return HEALTHCARE_SECTOR if person["territory"] == VERTICAL[5] else drawn


def over_capacity(rng: np.random.Generator, users: pd.DataFrame, owner_ids: pd.Series) -> pd.DataFrame:
    """Users with a few reps over capacity today, as real CRMs have: in each segment, the active AE or
    AM whose book (CRM accounts they own) fills most of their Max_Accounts__c gets a cap below that book."""
    book = owner_ids.value_counts().reindex(users["Id"]).fillna(0).to_numpy()
    capacity = users["Max_Accounts__c"].to_numpy(dtype=float, na_value=np.nan)
    eligible = (users["IsActive"] == "true").to_numpy() & ~np.isnan(capacity) & (book >= 10)
    load = np.where(eligible, book / np.where(np.isnan(capacity), 1.0, capacity), -np.inf)
    segment = users["Segment__c"].to_numpy()
    chosen = np.array([np.flatnonzero(segment == name)[np.argmax(load[segment == name])]
                       for name in MAX_ACCOUNTS if (eligible & (segment == name)).any()], dtype=int)
    low, high = OVER_CAPACITY_SHARE
    new_cap = np.floor(book[chosen] * rng.uniform(low, high, len(chosen))).astype(int)
    out = users.copy()
    out.loc[out.index[chosen], "Max_Accounts__c"] = new_cap
    return out


def _quota(rng: np.random.Generator, person: dict) -> float | None:
    """Quota-carrying roles get a segment quota with some spread; managers carry none here."""
    if person["role"] not in ("AE", "AM"):
        return None
    return float(np.round(QUOTA[person["segment"]] * rng.uniform(0.85, 1.2), -3))
