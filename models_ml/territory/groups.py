"""Plan groups: which territories are balanced against each other, and how.

A customer's alignment mixes kinds of territory. Geographic territories of one segment and one
country share a map and are redrawn together, county by county in the US and by first-level
subdivision elsewhere. A vertical territory (an industry, usually national) is balanced only
against territories of the same segment that cover the same industries, account by account: a
healthcare book never takes a bank. Named-account and mixed territories are kept as their
rules draw them, each a group of its own, since no other territory may take their accounts.

Every group is planned as its own "segment" by the planner. The US geographic group keeps the
segment's own name, so an alignment that is all map plans exactly as it did before groups
existed; other groups are labelled `<segment> / <kind> ...`.

A company that no territory covers today stays UNASSIGNED unless it is in the home country of
the map: a territory plan never places a company in another country's territory.
"""

from __future__ import annotations

import hashlib

import numpy as np
import pandas as pd

from .inputs import UNASSIGNED

MAP_COUNTRY = "US"  # the country whose counties and adjacency ship with Terrain
KINDS = ("geographic", "named", "vertical", "mixed")


def _clean(series: pd.Series) -> pd.Series:
    return series.astype("string").str.strip().replace("", pd.NA)


def _industry_label(industries: str) -> str:
    """A short, stable name for a set of industries: the first, and how many more, plus a
    digest so that two different sets sharing a first industry never share a group."""
    items = [i for i in industries.split(";") if i]
    if len(items) <= 1:
        return industries
    digest = hashlib.sha1(industries.encode()).hexdigest()[:6]
    return f"{items[0][:40]} +{len(items) - 1} ({digest})"


def territory_groups(territories: pd.DataFrame) -> pd.Series:
    """Plan group label per territory row (same index)."""
    segment = territories["segment"].astype(str)
    kind = (_clean(territories["territory_kind"]).str.lower().fillna("geographic") if "territory_kind" in territories
            else pd.Series("geographic", index=territories.index))
    country = (_clean(territories["country"]).str.upper().fillna(MAP_COUNTRY) if "country" in territories
               else pd.Series(MAP_COUNTRY, index=territories.index))
    industries = _clean(territories["industries"]).fillna("") if "industries" in territories else pd.Series("", index=territories.index)
    labels = []
    for seg, k, c, ind, tid in zip(segment, kind, country, industries, territories["territory_id"].astype(str)):
        if k == "geographic":
            labels.append(seg if c == MAP_COUNTRY else f"{seg} / geographic {c}")
        elif k == "vertical":
            labels.append(f"{seg} / vertical {_industry_label(ind)}".rstrip())
        else:
            labels.append(f"{seg} / {k} {tid}")
    return pd.Series(labels, index=territories.index, dtype=object)


def account_groups(accounts: pd.DataFrame, territory_group: dict[str, str]) -> pd.Series:
    """Plan group per account: its current territory's group.

    An account no territory holds today joins its segment's US map group when it sits in the
    US (a first assignment), and otherwise a group of its own country with no territory, so it
    stays UNASSIGNED.
    """
    current = accounts["current_territory_id"].astype("string").fillna(UNASSIGNED)
    held = current.map(territory_group)
    country = _clean(accounts["country"]).str.upper() if "country" in accounts else pd.Series(pd.NA, index=accounts.index, dtype="string")
    at_home = country.isna() | (country == MAP_COUNTRY)
    segment = accounts["segment"].astype(str)
    abroad = segment + " / unassigned " + country.fillna("")
    fallback = pd.Series(np.where(at_home.to_numpy(dtype=bool), segment.to_numpy(), abroad.to_numpy()), index=accounts.index)
    return held.fillna(fallback).astype(object)


def group_kinds(territories: pd.DataFrame, groups: pd.Series) -> dict[str, str]:
    """Kind of each group (the kind its territories share)."""
    kind = (_clean(territories["territory_kind"]).str.lower().fillna("geographic") if "territory_kind" in territories
            else pd.Series("geographic", index=territories.index))
    return dict(zip(groups, kind))


def regrouped(accounts: pd.DataFrame, territories: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, tuple[str, str]]]:
    """Accounts and territories with `segment` replaced by their plan group.

    Returns both frames and, per group label, its (segment, territory kind), so results can be
    labelled with the customer's own segment again.
    """
    terr = territories.copy()
    acc = accounts.copy()
    terr_group = territory_groups(terr)
    kinds = group_kinds(terr, terr_group)
    group_of_territory = dict(zip(terr["territory_id"].astype(str), terr_group))
    acc_group = account_groups(acc, group_of_territory)
    origin = {g: (s, kinds.get(g, "geographic")) for g, s in zip(terr_group, terr["segment"].astype(str))}
    for g, s in zip(acc_group, acc["segment"].astype(str)):
        origin.setdefault(g, (s, "unassigned" if " / unassigned" in g else "geographic"))
    terr["segment"] = terr_group.to_numpy()
    acc["segment"] = acc_group.to_numpy()
    return acc, terr, origin


def map_groups(origin: dict[str, tuple[str, str]]) -> set[str]:
    """Groups planned on a map of units (counties, or subdivisions abroad)."""
    return {g for g, (_, kind) in origin.items() if kind == "geographic"}


def label_rows(frame: pd.DataFrame, origin: dict[str, tuple[str, str]]) -> pd.DataFrame:
    """A per-group result with the customer's segment back in `segment`, the group beside it."""
    out = frame.rename(columns={"segment": "plan_group"})
    out.insert(0, "segment", out["plan_group"].map(lambda g: origin.get(g, (g, ""))[0]))
    out.insert(2, "territory_kind", out["plan_group"].map(lambda g: origin.get(g, (g, "geographic"))[1]))
    return out


def subdivision_units(accounts: pd.DataFrame) -> pd.Series:
    """Planning unit outside the US: the country and first-level subdivision (`DE-BY`), or the
    country alone; inside the US, the county as before."""
    country = _clean(accounts["country"]).str.upper() if "country" in accounts else pd.Series(pd.NA, index=accounts.index, dtype="string")
    state = _clean(accounts["state"]).str.upper() if "state" in accounts else pd.Series(pd.NA, index=accounts.index, dtype="string")
    abroad = country.notna() & (country != MAP_COUNTRY)
    unit = _clean(accounts["county_fips"]) if "county_fips" in accounts else pd.Series(pd.NA, index=accounts.index, dtype="string")
    foreign = country + (("-" + state).fillna(""))
    return unit.where(~abroad, foreign)
