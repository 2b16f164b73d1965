"""``terrain plan``: what-if scenarios beside the default plan, published only on request, each a
run of the ``territory_scenario`` job on the data root's Dagster instance.

The scenarios are planned on a copy of the data root of a hand-written alignment's run (the ``kinds``
landing, a few hundred accounts, shared with test_alignments.py), where a plan takes seconds, not
on the sample world's, where it takes a minute; the plan checks of the sample world's own run are
read from that run."""

from __future__ import annotations

import shutil
from contextlib import contextmanager

import dagster as dg
import duckdb
import pandas as pd
import pytest

from tests.integration.alignment_runs import AlignmentRun
from tests.support import terrain

pytestmark = pytest.mark.integration

PLAN_TABLES = [dg.AssetKey(["marts", name]) for name in ("territory_plan", "territory_plan_summary", "territory_plan_metrics")]
PUBLISHED_KEYS = [dg.AssetKey(["territory", "plan_published"]), dg.AssetKey(["marts", "crm_account_updates"]),
                  dg.AssetKey(["serving", "published_marts"])]


@pytest.fixture(scope="module")
def scored_root(alignment_runs, tmp_path_factory) -> AlignmentRun:
    """A copy of the kinds landing's scored and published data root, Dagster history included, for
    `terrain plan` to add scenarios to without touching the run the alignment tests read."""
    run = alignment_runs("kinds")
    assert run.returncode == 0, run.output[-3000:]
    data = tmp_path_factory.mktemp("scenarios") / "data"
    shutil.copytree(run.data, data)
    return AlignmentRun(run.alignment, data, run.returncode, run.output)


def _query(run, sql):
    con = duckdb.connect(str(run.warehouse), read_only=True)
    try:
        return con.execute(sql).df()
    finally:
        con.close()


@contextmanager
def _instance(run):
    instance = dg.DagsterInstance.from_config(str(run.data / "dagster_home"))
    try:
        yield instance
    finally:
        instance.dispose()


def _latest_scenario_run(instance) -> tuple[dg.DagsterRun, dict]:
    """The newest run of the scenario job, with its plan step's config."""
    runs = instance.get_runs(filters=dg.RunsFilter(job_name="territory_scenario"), limit=1)
    assert runs, "terrain plan left no run of territory_scenario"
    return runs[0], runs[0].run_config["ops"]["plan_scenario"]["config"]


def _materialized_by(instance, key: dg.AssetKey):
    event = instance.get_latest_materialization_event(key)
    assert event is not None, key.to_user_string()
    return event.run_id, {name: value.value for name, value in event.asset_materialization.metadata.items()}


def test_scenario_is_stored_for_review_then_published_as_stored(scored_root):
    """`terrain plan` stores a what-if beside the default without touching the CRM file; `--publish` of the
    same scenario then sends that stored plan to the CRM without planning again."""
    assert scored_root.returncode == 0
    crm_before = pd.read_csv(scored_root.data / "serving/crm/account_updates.csv", dtype=str)
    result = terrain("plan", "--scenario", "wider_band", "--tolerance", "0.15", "--data", str(scored_root.data))
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    assert "Not published" in result.stdout
    scenarios = _query(scored_root, "select scenario_id, count(*) as n from marts.territory_plan group by 1")
    assert set(scenarios.scenario_id) == {"proposed", "wider_band"}
    assert scenarios.n.nunique() == 1
    metrics = _query(scored_root, "select alignment, max(max_abs_deviation_pct) as worst from marts.territory_plan_metrics "
                                   "where scenario_id = 'wider_band' group by 1")
    worst = dict(zip(metrics.alignment, metrics.worst))
    assert worst["proposed"] <= 15.0 + 1e-6
    assert {"current", "equal_count"} <= set(worst)
    published = _query(scored_root, "select distinct scenario_id from territory.plan_published")
    assert published.scenario_id.tolist() == ["proposed"]
    crm_after = pd.read_csv(scored_root.data / "serving/crm/account_updates.csv", dtype=str)
    pd.testing.assert_frame_equal(crm_before, crm_after)
    with _instance(scored_root) as instance:
        planned, config = _latest_scenario_run(instance)
        assert planned.status == dg.DagsterRunStatus.SUCCESS
        assert (config["scenario_id"], config["tolerance"], config["publish"]) == ("wider_band", 0.15, False)
        assert planned.run_id in result.stdout
        for key in PLAN_TABLES:
            run_id, metadata = _materialized_by(instance, key)
            assert (run_id, metadata["scenario_id"]) == (planned.run_id, "wider_band"), key.to_user_string()
        for key in PUBLISHED_KEYS:
            assert _materialized_by(instance, key)[0] != planned.run_id, key.to_user_string()

    result = terrain("plan", "--scenario", "wider_band", "--tolerance", "0.15", "--publish", "--data", str(scored_root.data))
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    assert f"as stored by run {planned.run_id}" in result.stdout and "not planned again" in result.stdout
    plan = _query(scored_root, "select p.account_key, p.proposed_territory_id from marts.territory_plan p "
                                "where scenario_id = 'wider_band'")
    keys = _query(scored_root, "select record_id as Id, account_key from identity.account_keys where record_source = 'crm'")
    expected = keys.merge(plan, on="account_key").set_index("Id")["proposed_territory_id"]
    crm = pd.read_csv(scored_root.data / "serving/crm/account_updates.csv", dtype=str).set_index("Id")
    joined = crm.join(expected, how="inner")
    assert len(joined) > 0
    assert (joined["Proposed_Territory__c"] == joined["proposed_territory_id"]).all()
    with _instance(scored_root) as instance:
        run, config = _latest_scenario_run(instance)
        assert run.status == dg.DagsterRunStatus.SUCCESS and run.run_id != planned.run_id
        assert (config["scenario_id"], config["publish"]) == ("wider_band", True)
        for key in PLAN_TABLES:
            assert _materialized_by(instance, key)[0] == planned.run_id, key.to_user_string()
        for key in PUBLISHED_KEYS:
            assert _materialized_by(instance, key)[0] == run.run_id, key.to_user_string()
        assert _materialized_by(instance, PUBLISHED_KEYS[0])[1]["scenario_id"] == "wider_band"


def test_unknown_segment_is_a_clear_error(scored_root):
    result = terrain("plan", "--scenario", "typo", "--territories", "Smal=4", "--data", str(scored_root.data))
    assert result.returncode == 2
    assert "unknown segment" in result.stderr and "Smal" in result.stderr
    with _instance(scored_root) as instance:
        configs = [r.run_config["ops"]["plan_scenario"]["config"]
                   for r in instance.get_runs(filters=dg.RunsFilter(job_name="territory_scenario"))]
        assert "typo" not in {config["scenario_id"] for config in configs}


def test_the_plan_checks_ran_in_dagster_and_the_blocking_ones_passed(pipeline_run):
    """Every plan check is recorded against territory_plan_summary in the run's instance; the
    blocking ones passed (the plan was published), the warnings carry their figures."""
    from orchestration.planning.review import BLOCKING, WARNING

    with _instance(pipeline_run) as instance:
        summary = dg.AssetKey(["marts", "territory_plan_summary"])
        for name in (*BLOCKING, *WARNING):
            history = instance.event_log_storage.get_asset_check_execution_history(dg.AssetCheckKey(summary, name), limit=1)
            assert history, name
            evaluation = history[0].event.dagster_event.event_specific_data
            if name in BLOCKING:
                assert evaluation.passed, f"{name}: {evaluation.description}"
            assert evaluation.description, name
