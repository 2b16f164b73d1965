"""Resume or start over: a stopped run (killed, or failed in a step) is resumed from where it stopped by the
next ``terrain run`` of the same landing files, settings and options, and started over otherwise.
A real Dagster instance in a temporary data root runs a small job shaped like the main one."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from datetime import date
from pathlib import Path

import dagster as dg
import pytest

from orchestration.automation.instance import fail_abandoned_runs, prepare_dagster_home, source_tags
from orchestration.automation.landing import LandingFile
from orchestration.automation.refresh import Refresh
from orchestration.automation.resume import (
    LANDING_TAG,
    Resume,
    RunIdentity,
    StartOver,
    decide,
    execute_resumed,
)
from orchestration.cli import _resume_or_start_over
from tests.unit.orchestration import stopped_runs
from tests.unit.orchestration.stopped_runs import TOY_DIR, toy_job

REPO_ROOT = Path(__file__).resolve().parents[3]
IDENTITY = RunIdentity("landing-1", "settings-1", '{"refresh": "full"}')
CLI_TAGS = {**source_tags("cli"), **IDENTITY.tags()}
ALL_STEPS = {"load", "reference", "model", "model_model_rows_add_up", "publish"}


class Toy:
    """The small job on a data root of its own, told where to stop."""

    def __init__(self, data: Path, instance: dg.DagsterInstance):
        self.data, self.instance = data, instance

    def behave(self, **behaviour: str) -> None:
        (self.data / "behaviour.json").write_text(json.dumps(behaviour), encoding="utf-8")

    def ran(self) -> list[str]:
        path = self.data / "ran.txt"
        steps = path.read_text(encoding="utf-8").split() if path.exists() else []
        path.unlink(missing_ok=True)
        return steps

    def run(self, tags: dict[str, str] = CLI_TAGS, job: dg.JobDefinition | None = None) -> dg.DagsterRun:
        result = (job or toy_job()).execute_in_process(instance=self.instance, tags=tags, raise_on_error=False)
        return self.instance.get_run_by_id(result.run_id)

    def run_killed(self, tags: dict[str, str] = CLI_TAGS) -> str:
        """Run the job in a process of its own, which a step kills; then mark it failed as ``terrain run`` does."""
        process = subprocess.run([sys.executable, "-m", stopped_runs.__name__, str(self.data / "dagster_home"),
                                  json.dumps(tags)], cwd=REPO_ROOT, env={**os.environ, TOY_DIR: str(self.data)},
                                 capture_output=True, text=True, timeout=120)
        assert process.returncode == -signal.SIGKILL, process.stderr[-2000:]
        abandoned = fail_abandoned_runs(self.instance)
        assert len(abandoned) == 1
        return abandoned[0]

    def resume(self, decision: Resume) -> dg.DagsterRun:
        result = execute_resumed(decision, self.instance, {}, CLI_TAGS, job=dg.reconstructable(toy_job))
        return self.instance.get_run_by_id(result.run_id)


@pytest.fixture
def toy(tmp_path, monkeypatch):
    monkeypatch.setenv(TOY_DIR, str(tmp_path))
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "dagster_home"))
    home = prepare_dagster_home(tmp_path)
    instance = dg.DagsterInstance.from_config(str(home))
    try:
        yield Toy(tmp_path, instance)
    finally:
        instance.dispose()


def _steps(instance: dg.DagsterInstance, run_id: str, event: dg.DagsterEventType) -> list[str]:
    return [record.step_key for record in instance.all_logs(run_id, of_type=event)]


def test_a_killed_run_resumes_from_the_step_that_was_running_as_a_dagster_re_execution(toy):
    toy.behave(model="kill")
    killed = toy.run_killed()
    assert sorted(toy.ran()) == ["load", "model", "reference"]
    decision = decide(toy.instance, toy_job(), IDENTITY)
    assert isinstance(decision, Resume)
    assert (decision.run_id, decision.first_step, set(decision.done)) == (killed, "model", {"load", "reference"})
    assert decision.describe() == f"Resuming run {killed} from step model: 2 of 5 steps already done"

    toy.behave()
    resumed = toy.resume(decision)
    assert resumed.status == dg.DagsterRunStatus.SUCCESS
    assert toy.ran() == ["model", "model_rows_add_up", "publish"]
    assert set(_steps(toy.instance, resumed.run_id, dg.DagsterEventType.STEP_START)) == set(decision.remaining)
    assert (resumed.parent_run_id, resumed.root_run_id) == (killed, killed)
    assert resumed.tags["dagster/parent_run_id"] == killed and resumed.tags[LANDING_TAG] == IDENTITY.landing
    root, group = toy.instance.get_run_group(resumed.run_id)
    assert root == killed and {run.run_id for run in group} == {killed, resumed.run_id}
    assert decide(toy.instance, toy_job(), IDENTITY) is None  # the newest run finished


def test_a_resumed_run_that_fails_again_resumes_with_every_step_its_parents_did(toy):
    toy.behave(model="kill")
    killed = toy.run_killed()
    toy.behave(publish="fail")
    failed = toy.resume(decide(toy.instance, toy_job(), IDENTITY))
    assert failed.status == dg.DagsterRunStatus.FAILURE
    toy.ran()

    decision = decide(toy.instance, toy_job(), IDENTITY)
    assert isinstance(decision, Resume) and decision.run_id == failed.run_id
    assert (decision.first_step, decision.remaining) == ("publish", ("publish",))
    assert set(decision.done) == ALL_STEPS - {"publish"}
    toy.behave()
    last = toy.resume(decision)
    assert last.status == dg.DagsterRunStatus.SUCCESS and toy.ran() == ["publish"]
    assert (last.parent_run_id, last.root_run_id) == (failed.run_id, killed)
    successes = [step for run in (killed, failed.run_id, last.run_id)
                 for step in _steps(toy.instance, run, dg.DagsterEventType.STEP_SUCCESS)]
    assert sorted(successes) == sorted(ALL_STEPS)  # every step done once over the three runs


def test_a_failed_blocking_check_is_never_resumed_past(toy):
    toy.behave(gate="fail")
    stopped = toy.run()
    assert stopped.status == dg.DagsterRunStatus.FAILURE
    assert "publish" not in toy.ran()
    decision = decide(toy.instance, toy_job(), IDENTITY)
    assert isinstance(decision, StartOver) and decision.run_id == stopped.run_id
    assert "its check model:model_rows_add_up failed" in decision.reason


@pytest.mark.parametrize(("identity", "reason"), [
    (RunIdentity("landing-2", IDENTITY.settings, IDENTITY.options), "the landing files changed since"),
    (RunIdentity(IDENTITY.landing, "settings-2", IDENTITY.options), "terrain.yaml, the dbt models or Terrain changed"),
    (RunIdentity(IDENTITY.landing, IDENTITY.settings, '{"refresh": "incremental"}'), "it ran with other options"),
])
def test_a_run_on_other_files_settings_or_options_starts_over(toy, identity, reason):
    toy.behave(model="fail")
    stopped = toy.run()
    assert stopped.status == dg.DagsterRunStatus.FAILURE
    assert isinstance(decide(toy.instance, toy_job(), IDENTITY), Resume)
    decision = decide(toy.instance, toy_job(), identity)
    assert isinstance(decision, StartOver) and reason in decision.reason
    assert decision.describe().startswith(f"Starting over: run {stopped.run_id} stopped, but ")


def test_nothing_to_resume_after_a_success_another_job_a_run_not_from_the_command_line_or_new_steps(toy):
    assert decide(toy.instance, toy_job(), IDENTITY) is None  # no run yet
    assert toy.run().status == dg.DagsterRunStatus.SUCCESS
    assert decide(toy.instance, toy_job(), IDENTITY) is None

    toy.behave(model="fail")
    assert toy.run().status == dg.DagsterRunStatus.FAILURE
    assert isinstance(decide(toy.instance, toy_job(), IDENTITY), Resume)

    @dg.asset
    def lookalikes() -> None:
        pass

    grown = dg.Definitions(assets=[*stopped_runs.defs.assets, lookalikes], asset_checks=stopped_runs.defs.asset_checks,
                           jobs=[dg.define_asset_job(stopped_runs.JOB, selection=dg.AssetSelection.all())],
                           executor=dg.in_process_executor).resolve_job_def(stopped_runs.JOB)
    assert decide(toy.instance, grown, IDENTITY).reason == "the job's steps changed since"

    @dg.op
    def plan_scenario() -> None:
        pass

    @dg.job
    def territory_scenario():
        plan_scenario()

    territory_scenario.execute_in_process(instance=toy.instance)
    decision = decide(toy.instance, toy_job(), IDENTITY)
    assert isinstance(decision, StartOver) and "of territory_scenario ran on this data root since" in decision.reason

    toy.run(tags=source_tags("ui"))
    assert decide(toy.instance, toy_job(), IDENTITY).reason == "it was not started by terrain run"


def test_restart_refuses_to_resume_and_the_console_says_what_happens(toy, capsys):
    toy.behave(reference="fail")
    stopped = toy.run()
    assert _resume_or_start_over(toy.instance, toy_job(), IDENTITY, restart=True) is None
    assert capsys.readouterr().out.strip() == (f"Starting over (--restart): run {stopped.run_id} is not resumed "
                                               "from step reference")
    decision = _resume_or_start_over(toy.instance, toy_job(), IDENTITY, restart=False)
    assert isinstance(decision, Resume) and decision.first_step == "reference"
    assert capsys.readouterr().out.startswith(f"Resuming run {stopped.run_id} from step reference: ")


def test_the_identity_changes_with_any_delivery_the_weeks_the_sources_or_as_of(tmp_path):
    files = {"intent/bombora/2026-11-23.csv": LandingFile(1, 10), "crm/accounts/a.csv": LandingFile(2, 20)}
    week = date(2026, 11, 23)
    refresh = Refresh(False, week, week, "1 new weekly file(s)", files, sources=("intent_bombora",))
    base = RunIdentity.of(tmp_path, refresh, "settings", None)
    assert base == RunIdentity.of(tmp_path, Refresh(False, week, week, "other words", dict(files),
                                                    sources=("intent_bombora",)), "settings", None)
    touched = {**files, "crm/accounts/a.csv": LandingFile(3, 20)}
    assert RunIdentity.of(tmp_path, Refresh(False, week, week, "", touched, sources=("intent_bombora",)),
                          "settings", None).landing != base.landing
    assert RunIdentity.of(tmp_path / "elsewhere", refresh, "settings", None).landing != base.landing
    for other in (Refresh(True, week, week, "--full", files),
                  Refresh(False, date(2026, 11, 16), week, "", files, sources=("intent_bombora",)),
                  Refresh(False, week, week, "", files, sources=("intent_g2",))):
        assert RunIdentity.of(tmp_path, other, "settings", None).options != base.options
    assert RunIdentity.of(tmp_path, refresh, "settings", "2026-11-29").options != base.options
