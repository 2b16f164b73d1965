"""``terrain run`` end to end on the sample world: every contract table published, nothing lost."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from tests.support import REPO, terrain

pytestmark = pytest.mark.integration
CHECK_CONTRACT = REPO.parent / "shared" / "tools" / "check_contract.py"


def test_run_succeeds_and_prints_outputs(pipeline_run):
    assert pipeline_run.returncode == 0, pipeline_run.output[-4000:]
    assert "Terrain run succeeded" in pipeline_run.output
    assert str(pipeline_run.serving) in pipeline_run.output


# What the contract asks that is not built yet, each with the issue that builds it. Anything
# else the checker reports fails the test, so a table or column that goes missing is caught.
CONTRACT_GAPS = {
    "marts.model_performance lacks: backtest_auc": "issue 12 (forward-measured auc beside the backtest)",
    "missing table marts.account_priority_history": "issue 15",
    "missing table marts.weekly_changes": "issue 15",
}


@pytest.mark.skipif(not CHECK_CONTRACT.exists(), reason="shared contract checker not beside the repo")
def test_serving_copy_meets_the_contract(pipeline_run):
    checked = subprocess.run([sys.executable, str(CHECK_CONTRACT), str(pipeline_run.serving)],
                             capture_output=True, text=True)
    findings = [line.strip() for line in checked.stdout.splitlines()
                if line.strip() and "short of the contract" not in line and not line.strip().startswith("OK")]
    unexpected = [line for line in findings if line not in CONTRACT_GAPS]
    assert checked.returncode == 0 or (findings and not unexpected), checked.stdout


def test_every_delivered_row_is_loaded_or_quarantined(pipeline_run):
    con = duckdb.connect(str(pipeline_run.warehouse), read_only=True)
    report = con.execute("select source, file_name, rows_read, rows_loaded, rows_quarantined, status "
                         "from marts.load_report").df()
    con.close()
    delivered = [p for p in pipeline_run.landing.rglob("*") if p.is_file() and "_truth" not in p.parts]
    assert len(report) == len(delivered)
    assert (report.rows_read == report.rows_loaded + report.rows_quarantined).all()
    assert set(report.status) <= {"loaded", "rejected", "duplicate"}


def test_crm_file_has_one_row_per_crm_account(pipeline_run):
    updates = pd.read_csv(pipeline_run.data / "serving" / "crm" / "account_updates.csv", dtype=str)
    con = duckdb.connect(str(pipeline_run.warehouse), read_only=True)
    crm_ids = {r[0] for r in con.execute("select account_id from staging.stg_crm__accounts").fetchall()}
    con.close()
    assert set(updates["Id"]) == crm_ids
    assert updates["Id"].is_unique


LOAD_TIME_COLUMNS = {"_loaded_at", "loaded_at", "quarantined_at"}


def _tables(db: Path, schemas: tuple[str, ...]) -> dict[str, pd.DataFrame]:
    """Every table of the given schemas, rows in a canonical order, load times left out."""
    con = duckdb.connect(str(db), read_only=True)
    names = con.execute("select table_schema || '.' || table_name from information_schema.tables "
                        f"where table_schema in {schemas!r} and table_type = 'BASE TABLE'").fetchall()
    frames = {}
    for (name,) in names:
        frame = con.execute(f"select * from {name}").df()
        frame = frame.drop(columns=[c for c in frame.columns if c in LOAD_TIME_COLUMNS])
        frames[name] = frame.sort_values(list(frame.columns)).reset_index(drop=True) if len(frame) else frame
    con.close()
    return frames


def test_rerun_on_the_same_files_changes_no_loaded_row_key_or_market_figure(pipeline_run):
    """Re-delivering nothing new: raw history, load report, account keys and the territory plan
    are identical (the planner stops on work done, not on the clock); market figures equal to
    the cent (DuckDB sums in parallel, so the last bits of a float may differ)."""
    assert pipeline_run.returncode == 0
    before = _tables(pipeline_run.warehouse, ("raw", "identity", "marts"))
    again = terrain("run", "--landing", str(pipeline_run.landing), "--data", str(pipeline_run.data))
    assert again.returncode == 0, again.stdout[-3000:] + again.stderr[-3000:]
    after = _tables(pipeline_run.warehouse, ("raw", "identity", "marts"))
    exact = [name for name in before if name.startswith(("raw.", "identity."))
             or name in ("marts.load_report", "marts.territory_plan")]
    assert len(exact) >= 16 and "marts.territory_plan" in exact
    for name in exact:
        pd.testing.assert_frame_equal(before[name], after[name], check_exact=True, obj=name)
    for name in ("marts.tam_by_territory", "marts.whitespace", "marts.intent_weekly", "marts.entity_matches"):
        pd.testing.assert_frame_equal(before[name], after[name], check_exact=False, rtol=1e-9, obj=name)
