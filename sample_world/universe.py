"""The true population of companies: where they are, what they do, how big they are, who owns them.

Everything downstream (vendor file, CRM, signals, truth) is a view of this one table. A small share
of companies is missing from the vendor universe on purpose: the CRM knows accounts that no data
vendor covers. Companies sit where people live: real US ZIPs weighted by population, and about 1.5%
in Canada, the United Kingdom and Germany (`abroad`), with `country` as an ISO alpha-2 code and no
county outside the US.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sample_world import abroad, names
from sample_world.catalog import SECTOR_REVENUE_PER_EMPLOYEE, SEGMENTS
from sample_world.ids import vendor_company_ids
from sample_world.reference import geography, industries


def segment_of(employees: np.ndarray) -> np.ndarray:
    """Segment name per employee count (missing counts fall in the smallest band)."""
    counts = np.nan_to_num(employees.astype(float), nan=0.0)
    result = np.full(len(counts), SEGMENTS[0][0], dtype=object)
    for name, low, _high in SEGMENTS[1:]:
        result[counts >= low] = name
    return result


def _employees(rng: np.random.Generator, n: int) -> np.ndarray:
    """Heavy-tailed headcount: lognormal body with a Pareto tail for the very large firms."""
    body = rng.lognormal(mean=3.3, sigma=1.55, size=n)
    tail = (rng.pareto(1.1, size=n) + 1.0) * 800.0
    counts = np.where(rng.random(n) < 0.012, tail, body)
    return np.clip(np.rint(counts), 1, 450_000).astype(np.int64)


def _families(rng: np.random.Generator, employees: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Parent and ultimate-parent row index per company (-1 when independent)."""
    n = len(employees)
    parent = np.full(n, -1, dtype=np.int64)
    large = np.flatnonzero(employees >= 300)
    if len(large) == 0:
        return parent, parent.copy()
    parents = rng.choice(large, size=max(1, int(0.012 * n)), replace=len(large) < int(0.012 * n))
    parents = np.unique(parents)
    candidates = np.setdiff1d(np.flatnonzero(employees < 2_000), parents)
    children = rng.choice(candidates, size=min(len(candidates), int(0.035 * n)), replace=False)
    parent[children] = parents[rng.integers(0, len(parents), len(children))]
    top_level = parents[rng.random(len(parents)) < 0.8]
    mid_level = np.setdiff1d(parents, top_level)
    if len(top_level) and len(mid_level):
        parent[mid_level] = top_level[rng.integers(0, len(top_level), len(mid_level))]
    ultimate = parent.copy()
    for _ in range(3):
        has_grand = (ultimate >= 0) & (parent[np.maximum(ultimate, 0)] >= 0)
        ultimate[has_grand] = parent[ultimate[has_grand]]
    return parent, ultimate


def build_companies(rng: np.random.Generator, n_vendor: int, n_crm_only: int, id_salt: int) -> pd.DataFrame:
    """The true companies: n_vendor known to the data vendor plus n_crm_only it does not cover."""
    n = n_vendor + n_crm_only
    geo = geography()
    ind = industries()
    place = rng.choice(len(geo.zips), size=n, p=geo.weights)
    zips = geo.zips.iloc[place].reset_index(drop=True)
    code = rng.choice(len(ind.codes), size=n, p=ind.weights)
    naics_rows = ind.codes.iloc[code].reset_index(drop=True)
    sectors = naics_rows["sector"].to_numpy()

    employees = _employees(rng, n)
    sector_rpe = pd.Series(sectors).map(SECTOR_REVENUE_PER_EMPLOYEE).to_numpy()
    revenue = np.round(employees * sector_rpe * rng.lognormal(0.0, 0.45, n), -3)
    parent, ultimate = _families(rng, employees)

    country = abroad.countries(rng, n)
    core, suffix = names.company_names(rng, sectors)
    suffix = abroad.legal_suffixes(rng, country, suffix)
    domain = names.unique_domains(core, abroad.tlds(rng, country, names.pick(rng, names.TLDS, n)))
    has_website = rng.random(n) >= 0.06
    shares_parent_domain = (parent >= 0) & (rng.random(n) < 0.25)
    domain = domain.where(~shares_parent_domain, domain.to_numpy()[np.maximum(parent, 0)])
    has_website = np.where(shares_parent_domain, has_website[np.maximum(parent, 0)], has_website)

    founded = np.clip(2026 - np.rint(rng.gamma(2.0, 9.0, n) + np.log1p(employees) * 2.5), 1850, 2025).astype(int)
    frame = pd.DataFrame(
        {
            "company_id": vendor_company_ids(n, id_salt),
            "in_vendor": np.arange(n) < n_vendor,
            "name_core": core,
            "legal_suffix": suffix,
            "domain": domain.where(has_website, None),
            "street": names.street_addresses(rng, n),
            "city": zips["primary_city"].to_numpy(),
            "state": zips["state"].to_numpy(),
            "state_name": zips["state_name"].to_numpy(),
            "zip": zips["zip"].to_numpy(),
            "county_fips": zips["county_fips"].to_numpy(),
            "metro": zips["cbsa_name"].to_numpy(),
            "country": country,
            "naics_code": naics_rows["naics_code"].to_numpy(),
            "sector": sectors,
            "sector_title": naics_rows["sector_title"].to_numpy(),
            "employees": employees,
            "revenue": revenue,
            "founded_year": founded,
            "is_public": (employees > 2_000) & (rng.random(n) < 0.35),
            "parent_idx": parent,
            "ultimate_idx": ultimate,
        }
    )
    foreign = abroad.place(rng, country, frame["street"].to_numpy())
    located = ["city", "state", "state_name", "zip", "metro", "street"]
    frame[located] = frame[located].astype(object)
    frame.loc[foreign["row"].to_numpy(), located] = foreign[located].to_numpy()
    frame.loc[foreign["row"].to_numpy(), "county_fips"] = None
    frame["country_name"] = frame["country"].map(abroad.COUNTRY_NAMES)
    frame["name"] = (frame["name_core"] + " " + frame["legal_suffix"]).str.strip()
    frame["segment"] = segment_of(frame["employees"].to_numpy())
    return frame
