"""The landing sensor: a run of the main job when new or changed deliveries land, and the sensors that
record how the main job's runs end.

The run is what ``terrain run`` would start (:mod:`orchestration.automation.refresh_request`, shared
with the Monday schedule): the new weeks and what depends on them but the territory plan when only
weekly sources delivered, else everything.

The cursor is the landing zone's file list (path, modification time, size) as last seen, so files
already seen never start a second run, and each run request's key is a digest of the files that
were new, so a tick evaluated twice requests one run. Files the data root's last ``terrain run``
started from, and those its last successful refresh started from (a run from the UI included), count
as seen too: opening the UI on a data root built from the command line does not rebuild it. A file
still being written (modified within the last ``settle_seconds``) waits for the next tick: a
half-copied CSV loaded as a delivery would stay in the raw history.

``record_successful_refresh`` makes a successful run's pending record the last refresh, and
``discard_failed_refresh`` drops a failed run's: the record under the run's ``terrain/refresh_id``
for the runs Terrain plans, under its run id for a run of the whole main job started from the UI
(:mod:`orchestration.automation.ui_refresh`).
"""

from __future__ import annotations

import hashlib
import json
import time
from pathlib import Path

import dagster as dg

from orchestration.automation.instance import remembered_files, source_tags
from orchestration.automation.landing import LandingFile, landing_files
from orchestration.automation.refresh import DATA_DIR_TAG, REFRESH_ID_TAG, complete_refresh, discard_refresh, refreshed_files
from orchestration.automation.refresh_request import request_refresh
from orchestration.automation.ui_refresh import settle_ui_refresh
from orchestration.resources import TerrainPaths, default_data_dir

SENSOR_NAME = "landing_zone_deliveries"
SETTLE_SECONDS = 60
INTERVAL_SECONDS = 60
DELIVERIES_TAG = "terrain/deliveries"


def _cursor_files(cursor: str | None) -> dict[str, LandingFile]:
    if not cursor:
        return {}
    try:
        listed = json.loads(cursor)
    except ValueError:
        return {}
    return {name: LandingFile(*state) for name, state in listed.items()}


def _cursor(files: dict[str, LandingFile]) -> str:
    return json.dumps({name: state.as_list() for name, state in files.items()}, sort_keys=True)


def run_key(new: dict[str, LandingFile]) -> str:
    """The same new files give the same key, so Dagster never launches two runs for one delivery."""
    return "landing-" + hashlib.sha256(_cursor(new).encode("utf-8")).hexdigest()[:20]


def new_deliveries(current: dict[str, LandingFile], *seen: dict[str, LandingFile]) -> dict[str, LandingFile]:
    """The files of ``current`` that no list in ``seen`` holds with the same time and size."""
    return {name: state for name, state in current.items() if all(known.get(name) != state for known in seen)}


def landing_sensor(job, settle_seconds: int = SETTLE_SECONDS) -> dg.SensorDefinition:
    """A sensor starting ``job`` when the landing zone of the ``paths`` resource gets new deliveries."""

    @dg.sensor(name=SENSOR_NAME, job=job, minimum_interval_seconds=INTERVAL_SECONDS,
               default_status=dg.DefaultSensorStatus.RUNNING,
               description="Starts the main job when new or changed files land in the landing zone (checked every "
                           f"minute; a file modified in the last {settle_seconds} s waits for the next check).")
    def landing_zone_deliveries(context: dg.SensorEvaluationContext, paths: TerrainPaths):
        landing = Path(paths.landing_dir)
        files = landing_files(landing)
        if not files:
            return dg.SkipReason(f"no delivery in the landing zone {landing}")
        now_ns = time.time_ns()
        settled = {name: state for name, state in files.items()
                   if now_ns - state.mtime_ns >= settle_seconds * 1_000_000_000}
        new = new_deliveries(settled, _cursor_files(context.cursor), remembered_files(paths.data_dir, landing),
                             refreshed_files(paths.data_dir, landing))
        waiting = len(files) - len(settled)
        if not new:
            note = f"; {waiting} file(s) still being written" if waiting else ""
            return dg.SensorResult(skip_reason=f"no new delivery in {landing}{note}", cursor=_cursor(settled))
        context.log.info(f"{len(new)} new delivery file(s) in {landing}: {', '.join(list(new)[:10])}")
        refresh, request = request_refresh(context.repository_def, landing, paths.data_dir, run_key(new),
                                           {**source_tags("sensor"), DELIVERIES_TAG: str(len(new))})
        context.log.info(f"requesting a {refresh.describe()}")
        return dg.SensorResult(run_requests=[request], cursor=_cursor(settled))

    return landing_zone_deliveries


def _refresh_of(run: dg.DagsterRun) -> tuple[Path, str | None]:
    """The data root a run wrote to (its tag, else the code location's) and the refresh id its launcher gave it."""
    return Path(run.tags.get(DATA_DIR_TAG) or default_data_dir()), run.tags.get(REFRESH_ID_TAG)


def _main_job_keys(context: dg.RunStatusSensorContext) -> set[dg.AssetKey] | None:
    """Every asset of the main job, which selects all the code location's, when the sensor knows the code
    location (the daemon's do)."""
    repository = context.repository_def
    return set(dg.AssetSelection.all().resolve(repository.asset_graph)) if repository else None


def refresh_recorder(job) -> dg.RunStatusSensorDefinition:
    """A sensor recording each successful run of ``job`` that the landing sensor or the schedule started, and
    each one started from the UI over the whole job (:mod:`orchestration.automation.ui_refresh`), as the data
    root's last refresh, so the next run, from the daemon or the command line, starts from it."""

    @dg.run_status_sensor(run_status=dg.DagsterRunStatus.SUCCESS, monitored_jobs=[job],
                          name="record_successful_refresh", default_status=dg.DefaultSensorStatus.RUNNING,
                          description="Records a successful run's landing files and weeks in "
                                      "<data>/state/last_refresh.json, so the next run rebuilds only what is new.")
    def record_successful_refresh(context: dg.RunStatusSensorContext):
        run = context.dagster_run
        data_dir, refresh_id = _refresh_of(run)
        if refresh_id:
            recorded = complete_refresh(data_dir, refresh_id) is not None
        else:
            recorded = settle_ui_refresh(data_dir, run, _main_job_keys(context)) is not None
        if recorded:
            context.log.info(f"run {run.run_id} recorded as the last refresh")

    return record_successful_refresh


def failed_refresh_discarder(job) -> dg.RunFailureSensorDefinition:
    """A sensor dropping the pending record of each failed run of ``job`` (under its refresh id, or its run id
    for a run started from the UI), so the pending folder holds only runs still to finish (the failed run's
    files stay new for the next one)."""

    @dg.run_failure_sensor(monitored_jobs=[job], name="discard_failed_refresh",
                           default_status=dg.DefaultSensorStatus.RUNNING,
                           description="Drops a failed run's pending record under <data>/state/pending, so the "
                                       "next run takes its files as new.")
    def discard_failed_refresh(context: dg.RunFailureSensorContext):
        run = context.dagster_run
        data_dir, refresh_id = _refresh_of(run)
        if discard_refresh(data_dir, refresh_id or run.run_id):
            context.log.info(f"pending record of failed run {run.run_id} dropped")

    return discard_failed_refresh
