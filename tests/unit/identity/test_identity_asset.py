"""The entity-resolution asset reads staging, writes the identity tables and keeps keys on re-runs."""

from __future__ import annotations

import dagster as dg
import duckdb
import pandas as pd
from identity_world import make_world

from orchestration.assets.identity import entity_resolution
from orchestration.resources import TerrainPaths


def _staging_warehouse(path, crm: pd.DataFrame, vendor: pd.DataFrame) -> None:
    with duckdb.connect(str(path)) as con:
        con.execute("create schema staging")
        con.register("crm_frame", crm.rename(columns={"created_date": "created_at"}))
        con.register("vendor_frame", vendor)
        con.execute("create table staging.stg_crm__accounts as select *, 'Customer' as account_type from crm_frame")
        con.execute("create table staging.stg_vendor__firmographics as select * from vendor_frame")


def test_asset_writes_identity_tables_and_keeps_keys(tmp_path, monkeypatch):
    monkeypatch.delenv("TERRAIN_CONFIG", raising=False)
    monkeypatch.chdir(tmp_path)
    crm, vendor, truth = make_world(400, 100, seed=4)
    paths = TerrainPaths(landing_dir=str(tmp_path / "landing"), data_dir=str(tmp_path / "data"))
    _staging_warehouse(paths.warehouse_path, crm, vendor)

    first = dg.materialize([entity_resolution], resources={"paths": paths})
    assert first.success
    with duckdb.connect(str(paths.warehouse_path)) as con:
        keys_before = con.execute("select * from identity.account_keys order by all").df()
        matches = con.execute("select * from marts.entity_matches").df()
        domains = con.execute("select count(*) from identity.domain_keys").fetchall()[0][0]
    assert len(keys_before) == len(crm) + len(vendor)
    assert list(matches.columns)[:4] == ["vendor_company_id", "crm_account_id", "match_probability",
                                         "match_method"]
    assert len(set(zip(matches.vendor_company_id, matches.crm_account_id))
               & set(zip(truth.Company_Id, truth.CRM_Id))) >= 0.95 * len(truth)
    assert domains > 0
    duplicates_csv = tmp_path / "data" / "outputs" / "crm_duplicates.csv"
    assert len(pd.read_csv(duplicates_csv)) == len(truth) - truth["Company_Id"].nunique()

    metadata = first.asset_materializations_for_node("entity_resolution")[0].metadata
    assert metadata["accounts"].value == len(vendor)

    second = dg.materialize([entity_resolution], resources={"paths": paths})
    assert second.success
    with duckdb.connect(str(paths.warehouse_path)) as con:
        keys_after = con.execute("select * from identity.account_keys order by all").df()
    pd.testing.assert_frame_equal(keys_after, keys_before)
