"""A run of the whole main job started from the UI counts as a full refresh of its data root.

``terrain run``, the landing sensor and the Monday schedule plan their runs and keep a pending record
under the run's ``terrain/refresh_id`` tag (:mod:`orchestration.automation.refresh`). A person who
materializes every asset of the main job from the UI starts a run with no such tag; without a record
the next ``terrain run`` would rebuild everything again, and the landing sensor would ask for the same
files again. So when such a run starts (the ``paths`` resource, holding the data root) it keeps the
record of a full refresh over the landing files as they are then, under its Dagster run id; the
``record_successful_refresh`` sensor makes it the last refresh when the run succeeds, and
``discard_failed_refresh`` drops it when the run fails.

Only a run that rebuilds what a full ``terrain run`` would counts; one that leaves anything out
records nothing, so its files stay new for the next run:

- a subset of the job's assets: the run does not know the job's other assets, the sensor does, and
  drops the record of a run that left one out;
- a re-execution of some of its steps;
- a single partition, or a range of weeks missing one that a full refresh builds (the weeks
  :func:`~orchestration.automation.refresh.plan_refresh` names for ``--full``);
- settings changed in the launchpad: the record's fingerprint is that of ``terrain.yaml``.
"""

from __future__ import annotations

from collections.abc import Mapping, Set
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import dagster as dg

from orchestration.assets.partitions import RANGE_END_TAG, RANGE_START_TAG
from orchestration.automation.instance import MAIN_JOB
from orchestration.automation.refresh import (
    PENDING_FOLDER,
    REFRESH_ID_TAG,
    complete_refresh,
    discard_refresh,
    plan_refresh,
    run_fingerprint,
    write_pending,
)

SETTINGS_RESOURCE = "settings"


def started_from_ui(run: dg.DagsterRun) -> bool:
    """A run of the main job that no Terrain launcher planned (they all tag theirs with a refresh id)."""
    return run.job_name == MAIN_JOB and REFRESH_ID_TAG not in run.tags


def _agrees(given: Any, document: Any) -> bool:
    """Whether every value ``given`` sets is the one ``document`` holds."""
    if isinstance(given, dict):
        return isinstance(document, dict) and all(key in document and _agrees(value, document[key])
                                                  for key, value in given.items())
    return given == document


def settings_as_in_file(run_config: Mapping[str, Any]) -> bool:
    """Whether the run's config leaves the settings as ``terrain.yaml`` has them (the launchpad may change any key)."""
    from orchestration.settings import SettingsError, load_settings, settings_document

    given = ((run_config.get("resources") or {}).get(SETTINGS_RESOURCE) or {}).get("config") or {}
    try:
        in_file = settings_document(load_settings())
    except SettingsError:
        return False  # the run fails on it, naming the key (orchestration.resources.terrain_settings)
    return not given or _agrees(given, in_file)


def runs_every_step(run: dg.DagsterRun, instance: dg.DagsterInstance) -> bool:
    """Whether the run executes every step of its plan (a re-execution from failure runs some)."""
    if not run.execution_plan_snapshot_id:
        return False
    plan = instance.get_execution_plan_snapshot(run.execution_plan_snapshot_id)
    return plan.step_keys_to_execute is None or set(plan.step_keys_to_execute) >= {step.key for step in plan.steps}


def builds_weeks(tags: Mapping[str, str], first_week: date, last_week: date) -> bool:
    """Whether the run's range of week partitions holds every week from ``first_week`` to ``last_week``."""
    start, end = tags.get(RANGE_START_TAG), tags.get(RANGE_END_TAG)
    return bool(start and end) and date.fromisoformat(start) <= first_week and date.fromisoformat(end) >= last_week


def begin_ui_refresh(run: dg.DagsterRun, instance: dg.DagsterInstance, landing_dir: str | Path,
                     data_dir: str | Path) -> Path | None:
    """Keep the pending record of ``run`` when it is a run of the whole main job from the UI (module docstring).

    Called as the run starts, before a step reads the landing zone. Its path, or None for any other run.
    """
    if not started_from_ui(run) or not settings_as_in_file(run.run_config) or not runs_every_step(run, instance):
        return None
    landing, data = Path(landing_dir), Path(data_dir)
    pending = data / PENDING_FOLDER / f"{run.run_id}.json"
    if pending.exists():
        return pending
    digest = run_fingerprint()
    refresh = replace(plan_refresh(landing, data, digest, full_requested=True), refresh_id=run.run_id)
    if not builds_weeks(run.tags, refresh.first_week, refresh.last_week):
        return None
    return write_pending(data, refresh, landing, digest)


def selects_every_asset(run: dg.DagsterRun, job_keys: Set[dg.AssetKey] | None) -> bool:
    """Whether ``run`` materialized every asset of its job (``job_keys``; None when unknown)."""
    if not run.asset_selection:
        return True
    return bool(job_keys) and set(job_keys) <= set(run.asset_selection)


def settle_ui_refresh(data_dir: str | Path, run: dg.DagsterRun, job_keys: Set[dg.AssetKey] | None) -> Path | None:
    """Make the pending record of the successful ``run`` the last refresh when it selected every asset of its job,
    else drop it. The last refresh's path, or None."""
    if selects_every_asset(run, job_keys):
        return complete_refresh(Path(data_dir), run.run_id)
    discard_refresh(Path(data_dir), run.run_id)
    return None
