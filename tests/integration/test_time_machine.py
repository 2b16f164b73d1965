"""The time machine (issue 12): a readiness snapshot at ``t`` sees only what could be known at ``t``.

The hand-written landing zone (time_machine_landing) holds every way a snapshot can learn from its
future: contacts created after their person's activity, companies created after ``t``, restated
opportunities, flipped account types, technologies, intent weeks, activities and lead scores after
``t``. It is cut back to what existed at ``t`` (tests/time_machine.py), and both the cut and the full
landing zone go through the real pipeline up to what scoring reads (ingest, dbt, entity resolution,
as Dagster materializes them). The snapshot at ``t`` built from each must be the same, account for
account and feature for feature, except the firmographic columns, which come from a source that
keeps no history. The comparison is generic over whatever columns ``build_snapshot`` returns.
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest

from models_ml.scoring.features import NOT_POINT_IN_TIME, build_snapshot, feature_spec
from models_ml.scoring.features_sql import build_snapshots
from models_ml.scoring.load import READS, WarehouseTables, load_tables
from orchestration.assets.dbt import ensure_manifest
from tests.integration.time_machine_landing import T, build_time_machine_landing
from tests.support import REPO
from tests.time_machine import cut_landing

pytestmark = pytest.mark.integration

# The only columns not compared: the golden record's firmographics, which keep no history.
FIRMOGRAPHIC_COLUMNS = ("log_employees", "log_revenue", "naics_sector", "company_age")

# Materialize, in one Dagster run of the main job, every asset that does not descend from scoring:
# ingestion, reference data, dbt staging, entity resolution and the dbt market models.
BUILD_UP_TO_SCORING = """
import sys
from pathlib import Path
import dagster as dg
from orchestration.resources import export_environment
export_environment(sys.argv[2], sys.argv[1])
from orchestration.assets.scoring import ACCOUNT_PRIORITY, CONTACT_PRIORITY, MODEL_PERFORMANCE
from orchestration.automation.refresh import plan_refresh
from orchestration.definitions import defs
scored = dg.AssetSelection.assets(ACCOUNT_PRIORITY, CONTACT_PRIORITY, MODEL_PERFORMANCE).downstream()
keys = (dg.AssetSelection.all() - scored).resolve(defs.resolve_asset_graph())
weeks = plan_refresh(Path(sys.argv[1]), Path(sys.argv[2]), "", full_requested=True).tags()
result = defs.get_job_def("terrain_main").execute_in_process(asset_selection=sorted(keys), tags=weeks,
                                                             raise_on_error=False)
sys.exit(0 if result.success else 1)
"""


@dataclass(frozen=True)
class Built:
    landing: Path
    data: Path
    returncode: int
    output: str

    @property
    def warehouse(self) -> Path:
        return self.data / "warehouse" / "terrain.duckdb"

    def has_table(self, table: str) -> bool:
        schema, name = table.split(".")
        con = duckdb.connect(str(self.warehouse), read_only=True)
        try:
            return con.execute("select count(*) from information_schema.tables where table_schema = ? "
                               "and table_name = ?", [schema, name]).fetchone()[0] == 1
        finally:
            con.close()

    def tables(self) -> WarehouseTables:
        con = duckdb.connect(str(self.warehouse), read_only=True)
        try:
            return load_tables(con)
        finally:
            con.close()


def _start_build(landing: Path, data: Path) -> subprocess.Popen:
    env = {**os.environ, "DAGSTER_HOME": str(data / "dagster_home"), "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
           "DO_NOT_TRACK": "1"}
    (data / "dagster_home").mkdir(parents=True, exist_ok=True)
    return subprocess.Popen([sys.executable, "-c", BUILD_UP_TO_SCORING, str(landing), str(data)], cwd=REPO,
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


@pytest.fixture(scope="module")
def builds(tmp_path_factory) -> dict[str, Built]:
    """The full landing zone and its cut at T, each built once (the two builds run side by side)."""
    base = tmp_path_factory.mktemp("time_machine")
    full = build_time_machine_landing(base / "full")
    cut = cut_landing(full, base / "cut", T)
    ensure_manifest()  # parsed once here, not by both builds started side by side
    started = {name: (landing, base / f"data_{name}", _start_build(landing, base / f"data_{name}"))
               for name, landing in (("full", full), ("cut", cut))}
    done = {}
    for name, (landing, data, process) in started.items():
        output, _ = process.communicate(timeout=900)
        done[name] = Built(landing, data, process.returncode, output)
    return done


@pytest.fixture(scope="module")
def snapshots(builds) -> dict[str, pd.DataFrame]:
    for name, built in builds.items():
        assert built.returncode == 0, f"{name}: {built.output[-6000:]}"
        missing = [table for table in READS if not built.has_table(table)]
        assert not missing, f"{name}: the build left out tables scoring reads: {missing}"
    tables = {name: built.tables() for name, built in builds.items()}
    spec = feature_spec(tables["full"].inputs, T)
    assert feature_spec(tables["cut"].inputs, T) == spec
    snapshots = {name: build_snapshot(T, table.inputs, spec) for name, table in tables.items()}
    for name, table in tables.items():
        stacked = build_snapshots([T], table.inputs, spec).set_index("account_key")
        differ = _differences(snapshots[name], stacked.reindex(snapshots[name].index)[snapshots[name].columns])
        assert not differ and len(stacked) == len(snapshots[name]), f"{name}: training's SQL snapshot differs: {differ}"
    accounts = tables["full"].accounts
    crm_ids = accounts.dropna(subset=["crm_account_id"]).set_index("crm_account_id")["account_key"]
    snapshots["full_by_crm_id"] = snapshots["full"].reindex(crm_ids.to_numpy()).set_axis(crm_ids.index)
    return snapshots


def _differences(expected: pd.DataFrame, actual: pd.DataFrame) -> dict[str, list[str]]:
    """Column -> accounts whose values differ (NaN equals NaN; floats to 1e-9)."""
    differences = {}
    for column in expected.columns:
        left, right = expected[column], actual[column]
        if pd.api.types.is_numeric_dtype(left) and pd.api.types.is_numeric_dtype(right):
            same = np.isclose(left.astype(float), right.astype(float), rtol=1e-9, atol=1e-9, equal_nan=True)
        else:
            same = (left.astype("string").fillna("<NA>") == right.astype("string").fillna("<NA>")).to_numpy()
        if not same.all():
            differences[column] = sorted(expected.index[~same])
    return differences


def time_machine_report(cut: pd.DataFrame, full: pd.DataFrame) -> str:
    """What differs between the two snapshots: accounts on one side only, then compared columns."""
    lines = []
    only_full, only_cut = sorted(set(full.index) - set(cut.index)), sorted(set(cut.index) - set(full.index))
    if only_full or only_cut:
        lines.append(f"accounts only in the full history: {only_full}; only in the cut: {only_cut}")
    if list(cut.columns) != list(full.columns):
        lines.append(f"columns differ: {sorted(set(cut.columns) ^ set(full.columns))}")
    common = full.index.intersection(cut.index)
    compared = [c for c in full.columns if c in cut.columns and c not in FIRMOGRAPHIC_COLUMNS]
    differences = _differences(cut.loc[common, compared], full.loc[common, compared])
    if differences:
        accounts = {key for keys in differences.values() for key in keys}
        lines.append(f"{len(differences)} columns differ on {len(accounts)} of {len(common)} accounts: "
                     + "; ".join(f"{column} ({len(keys)})" for column, keys in differences.items()))
    return "\n".join(lines)


def test_snapshot_at_t_from_the_cut_equals_the_snapshot_at_t_from_the_full_history(snapshots):
    report = time_machine_report(snapshots["cut"], snapshots["full"])
    assert not report, f"the snapshot at {T} learns from after {T}:\n{report}"


def test_the_firmographic_exception_is_real_and_the_only_one(snapshots):
    """Scoring documents exactly these columns as not point in time, and a head count restated after
    T shows why they cannot be compared."""
    cut, full = snapshots["cut"], snapshots["full"]
    assert NOT_POINT_IN_TIME == FIRMOGRAPHIC_COLUMNS
    common = full.index.intersection(cut.index)
    firmographic = _differences(cut.loc[common, list(FIRMOGRAPHIC_COLUMNS)], full.loc[common, list(FIRMOGRAPHIC_COLUMNS)])
    assert list(firmographic) == ["log_employees"] and len(firmographic["log_employees"]) == 1


def test_the_full_history_is_read_as_it_stood_at_t(snapshots):
    """Both sides equal is not enough: each leak mechanism of the landing zone reads as it did at T."""
    at_t = snapshots["full_by_crm_id"]
    assert at_t.loc["A09", "eng_activities_30d"] == 3  # jane.roe@co09.com: co09.com's company, no contact yet
    assert at_t.loc["A10", "eng_activities_30d"] == 0  # her contact on A10 came on 20 March
    assert at_t.loc["A11", "eng_activities_30d"] == 0  # bob.smith@gmail.com: no contact yet, free mail
    assert at_t.loc["A12", "eng_activities_30d"] == 2  # dana's contact was on A12 at T, on A01 today
    assert at_t.loc["A21"].isna().all()  # Latecomer's account was created after T
    assert at_t.loc["A02", ["won_deals", "is_customer"]].tolist() == [0, 0] and at_t.loc["A02", "has_open_opportunity"]
    assert at_t.loc["A08", "days_since_last_lost"] == 21 and not at_t.loc["A08", "has_open_opportunity"]
    assert at_t.loc["A01", "map_score_max"] < 50  # alice's 40 on 2 February, not her 85 of 16 March


def test_the_snapshot_carries_signal_from_every_source(snapshots):
    """The comparison is not vacuous: activity, lead scores, intent, technologies and deals all show."""
    full = snapshots["full"]
    assert full["eng_activities_30d"].gt(0).sum() >= 6
    assert full["map_scored_contacts"].gt(0).sum() >= 5
    assert full["intent_max_score_last_week"].gt(0).sum() >= 6
    assert full["tech_count"].gt(0).sum() >= 5
    assert full["won_deals"].sum() >= 1 and full["has_open_opportunity"].sum() >= 3
