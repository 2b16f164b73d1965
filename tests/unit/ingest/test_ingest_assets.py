"""The ingest assets: one per source under ``raw/``, counts in metadata, an accounting check each."""

from __future__ import annotations

import dagster as dg
import duckdb

from orchestration.assets import ingest as ingest_assets
from orchestration.ingest import SOURCES
from orchestration.resources import TerrainPaths


def _by_key(definitions, table):
    key = dg.AssetKey(["raw", table])
    return next(d for d in definitions if key in d.keys or key in getattr(d, "check_keys_by_asset_key", {}))


def test_one_asset_and_one_non_blocking_check_per_source():
    keys = {key.to_user_string() for a in ingest_assets.ingest_assets for key in a.keys}
    assert keys == {f"raw/{table}" for table in SOURCES}
    assert {a.group_names_by_key[k] for a in ingest_assets.ingest_assets for k in a.keys} == {"ingest"}
    specs = [spec for check in ingest_assets.ingest_checks for spec in check.check_specs]
    assert len(specs) == len(SOURCES)
    assert all(spec.name == "rows_add_up" and not spec.blocking for spec in specs)


def test_materialize_reports_counts_and_the_check_passes(landing, tmp_path):
    paths = TerrainPaths(landing_dir=str(landing), data_dir=str(tmp_path / "data"))
    selected = [
        _by_key(ingest_assets.ingest_assets, "crm_accounts"),
        _by_key(ingest_assets.ingest_assets, "crm_users"),
        *[c for c in ingest_assets.ingest_checks
          if {k.asset_key.path[-1] for k in c.check_keys} & {"crm_accounts", "crm_users"}],
    ]
    result = dg.materialize(selected, resources={"paths": paths})
    assert result.success

    metadata = {
        event.materialization.asset_key.path[-1]: event.materialization.metadata
        for event in result.get_asset_materialization_events()
    }
    accounts = metadata["crm_accounts"]
    assert (accounts["rows_read"].value, accounts["rows_loaded"].value, accounts["rows_quarantined"].value) == (
        16, 8, 8)
    assert accounts["files_rejected"].value == 2
    assert len(accounts["files"].records) == 6
    assert metadata["crm_users"]["dagster/row_count"].value == 0

    checks = result.get_asset_check_evaluations()
    assert len(checks) == 2 and all(check.passed for check in checks)
    with duckdb.connect(str(paths.warehouse_path), read_only=True) as con:
        assert con.execute("select count(*) from raw.crm_accounts").fetchall()[0][0] == 8
        assert con.execute("select count(*) from raw.crm_users").fetchall()[0][0] == 0
    assert any(paths.quarantine_dir.rglob("accounts_missing_owner.csv"))
