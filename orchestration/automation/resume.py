"""Resuming a stopped ``terrain run`` where it stopped, as Dagster's "Re-execute from failure" does.

A full run at size M takes twelve minutes; one killed in territory design, or failed in a step, used
to cost them all again. The next ``terrain run`` on the same data root now re-executes the stopped
run from failure (``dg.execute_job`` with ``dg.ReexecutionOptions.from_failure``, in process, the
stopped run as its parent, so the UI shows the two as one run group): the steps that reported
STEP_SUCCESS, asset checks' steps included, are not run again; the step that was running when the
kill came, or that failed, runs again from its start, and so does every step after it. Re-running a
step is safe because each one replaces what it writes: a raw load commits each delivery with its
load-manifest row in one transaction and skips the deliveries the manifest already holds, the dbt
steps rebuild their models (the weekly ones replace their weeks), entity resolution, scoring and
territory design replace their tables, and publishing replaces the serving copy atomically.

It resumes only when that is safe (:func:`decide`), else it starts over as before:

- the stopped run is the newest run of the main job and nothing else ran on the data root since;
- it was started by ``terrain run`` with the same landing files (paths, times, sizes), the same
  settings digest (``refresh.run_fingerprint``: ``terrain.yaml``, dbt models, Terrain's version) and
  the same options (full or incremental, the weeks, the weekly sources, ``--as-of``), kept in its tags;
  a run that failed on bad input starts over once the files are fixed, since fixing them changes them;
- no check failed at ERROR in it: a failed quality gate is judged again from the start, so a resume
  never publishes past it;
- the job has the same steps as when it stopped (new Python code can add one).

``terrain run --restart`` starts over whatever the stopped run was.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

import dagster as dg

from orchestration.automation.landing import LandingFile
from orchestration.automation.refresh import Refresh

LANDING_TAG = "terrain/landing_digest"
SETTINGS_TAG = "terrain/settings_digest"
OPTIONS_TAG = "terrain/options"
PARENT_RUN_ID_TAG = "dagster/parent_run_id"
ROOT_RUN_ID_TAG = "dagster/root_run_id"
RESUME_RETRY_TAG = "dagster/is_resume_retry"
"""The tags Dagster's own re-execution from failure gives a run: its run group in the UI is read from them."""
STOPPED = (dg.DagsterRunStatus.FAILURE, dg.DagsterRunStatus.CANCELED)
_STEP_EVENTS = {dg.DagsterEventType.STEP_START, dg.DagsterEventType.STEP_SUCCESS, dg.DagsterEventType.STEP_SKIPPED}
_DONE = {dg.DagsterEventType.STEP_SUCCESS, dg.DagsterEventType.STEP_SKIPPED}


def landing_digest(landing_dir: str | Path, files: dict[str, LandingFile]) -> str:
    """A digest of the landing zone's path and of every delivery's path, modification time and size."""
    digest = hashlib.sha256(str(Path(landing_dir).resolve()).encode("utf-8"))
    for name, state in sorted(files.items()):
        digest.update(f"\n{name}\0{state.mtime_ns}\0{state.size}".encode())
    return digest.hexdigest()


def run_options(refresh: Refresh, as_of: str | None) -> str:
    """What a run was asked to build, as text: its kind, weeks and weekly sources, and ``--as-of``."""
    return json.dumps({"refresh": refresh.kind, "weeks": [refresh.first_week.isoformat(), refresh.last_week.isoformat()],
                       "sources": sorted(refresh.sources), "as_of": as_of}, sort_keys=True)


@dataclass(frozen=True)
class RunIdentity:
    """What a run starts from; a stopped run resumes only into a run of the same identity."""

    landing: str
    settings: str
    options: str

    @classmethod
    def of(cls, landing_dir: Path, refresh: Refresh, settings_digest: str, as_of: str | None) -> RunIdentity:
        return cls(landing_digest(landing_dir, refresh.files), settings_digest, run_options(refresh, as_of))

    def tags(self) -> dict[str, str]:
        return {LANDING_TAG: self.landing, SETTINGS_TAG: self.settings, OPTIONS_TAG: self.options}


@dataclass(frozen=True)
class Resume:
    """Resume the stopped run ``run_id``: ``done`` steps are kept, ``remaining`` run from ``first_step``."""

    run_id: str
    first_step: str
    done: tuple[str, ...]
    remaining: tuple[str, ...]

    def describe(self) -> str:
        total = len(self.done) + len(self.remaining)
        return (f"Resuming run {self.run_id} from step {self.first_step}: "
                f"{len(self.done)} of {total} steps already done")

    def tags(self, root_run_id: str | None) -> dict[str, str]:
        return {PARENT_RUN_ID_TAG: self.run_id, ROOT_RUN_ID_TAG: root_run_id or self.run_id, RESUME_RETRY_TAG: "true"}


@dataclass(frozen=True)
class StartOver:
    """The stopped run ``run_id`` is not resumed, for ``reason``."""

    run_id: str
    reason: str

    def describe(self) -> str:
        return f"Starting over: run {self.run_id} stopped, but {self.reason}"


def failed_gate(instance: dg.DagsterInstance, run_id: str) -> str | None:
    """The first check of the run that failed at ERROR or as a blocking check, as ``asset:check``."""
    for record in instance.all_logs(run_id, of_type=dg.DagsterEventType.ASSET_CHECK_EVALUATION):
        evaluation = record.get_dagster_event().event_specific_data
        if not evaluation.passed and (evaluation.severity == dg.AssetCheckSeverity.ERROR or evaluation.blocking):
            return f"{evaluation.asset_key.to_user_string()}:{evaluation.check_name}"
    return None


def _plan_steps(instance: dg.DagsterInstance, run: dg.DagsterRun) -> list[str]:
    snapshot = instance.get_execution_plan_snapshot(run.execution_plan_snapshot_id)
    return [step.key for step in snapshot.steps]


def _job_steps(job: dg.JobDefinition, run: dg.DagsterRun) -> set[str]:
    """The steps the job has today for the run's asset selection, subset the way a re-execution subsets it."""
    subset = job.get_subset(asset_selection=run.asset_selection) if run.asset_selection else job
    return set(subset.graph.node_names())


def _step_progress(instance: dg.DagsterInstance, run: dg.DagsterRun, steps: list[str]) -> tuple[list[str], list[str]]:
    """(steps done, steps that started in the run and did not succeed, in the order they started).

    Done are the steps with STEP_SUCCESS in the run's event log (or STEP_SKIPPED: an output the step
    depends on was not produced, and Dagster does not retry it either), and, for a run that itself
    resumed another, the steps it was not asked to run because its parents had done them.
    """
    asked = set(run.step_keys_to_execute) if run.step_keys_to_execute else set(steps)
    done = {step for step in steps if step not in asked}
    started = []
    for record in instance.all_logs(run.run_id, of_type=_STEP_EVENTS):
        key = record.step_key
        if record.dagster_event_type in _DONE:
            done.add(key)
        elif record.dagster_event_type == dg.DagsterEventType.STEP_START and key not in started:
            started.append(key)
    return [step for step in steps if step in done], [key for key in started if key not in done]


def decide(instance: dg.DagsterInstance, job: dg.JobDefinition, identity: RunIdentity) -> Resume | StartOver | None:
    """Whether a ``terrain run`` of ``identity`` resumes the data root's stopped run (module docstring).

    None when there is nothing to resume: no run of ``job`` yet, or the newest one did not stop.
    """
    newest_of_job = instance.get_runs(filters=dg.RunsFilter(job_name=job.name), limit=1)
    if not newest_of_job or newest_of_job[0].status not in STOPPED:
        return None
    stopped = newest_of_job[0]
    newest = instance.get_runs(limit=1)[0]
    if newest.run_id != stopped.run_id:
        return StartOver(stopped.run_id, f"run {newest.run_id} of {newest.job_name} ran on this data root since")
    if any(tag not in stopped.tags for tag in identity.tags()):
        return StartOver(stopped.run_id, "it was not started by terrain run")
    if stopped.tags[LANDING_TAG] != identity.landing:
        return StartOver(stopped.run_id, "the landing files changed since")
    if stopped.tags[SETTINGS_TAG] != identity.settings:
        return StartOver(stopped.run_id, "terrain.yaml, the dbt models or Terrain changed since")
    if stopped.tags[OPTIONS_TAG] != identity.options:
        return StartOver(stopped.run_id, f"it ran with other options ({stopped.tags[OPTIONS_TAG]}, "
                                         f"now {identity.options})")
    gate = failed_gate(instance, stopped.run_id)
    if gate is not None:
        return StartOver(stopped.run_id, f"its check {gate} failed, and a failed check is judged again from the start")
    steps = _plan_steps(instance, stopped)
    if set(steps) != _job_steps(job, stopped):
        return StartOver(stopped.run_id, "the job's steps changed since")
    done, unfinished = _step_progress(instance, stopped, steps)
    remaining = tuple(step for step in steps if step not in done)
    if not remaining:
        return StartOver(stopped.run_id, "every one of its steps had finished")
    return Resume(stopped.run_id, unfinished[0] if unfinished else remaining[0], tuple(done), remaining)


def execute_resumed(resume: Resume, instance: dg.DagsterInstance, run_config: dict, tags: dict[str, str],
                    job: dg.ReconstructableJob | None = None) -> dg.JobExecutionResult:
    """Re-execute the stopped run from failure in this process: a new run, linked to its parent and root.

    Dagster decides the steps again from the parent's event log (failed, interrupted and never started
    ones, and what follows them), which are :class:`Resume`'s ``remaining`` on a job that runs its
    steps one after another; the job (default: the main job) keeps the parent run's asset selection.
    """
    parent = instance.get_run_by_id(resume.run_id)
    return dg.execute_job(job or dg.reconstructable(main_job), instance=instance, run_config=run_config,
                          tags={**tags, **resume.tags(parent.root_run_id if parent else None)}, raise_on_error=False,
                          reexecution_options=dg.ReexecutionOptions.from_failure(resume.run_id, instance))


def main_job() -> dg.JobDefinition:
    """The main job, for ``dg.reconstructable``: Dagster's re-execution takes a job it can rebuild."""
    from orchestration.definitions import defs
    from orchestration.definitions import main_job as unresolved

    return defs.get_job_def(unresolved.name)
