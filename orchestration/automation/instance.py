"""One Dagster instance per data root, the landing zone the data root was built from, and run sources.

``terrain run``, ``terrain plan``, ``terrain ui`` and ``terrain serve`` all keep their run history,
schedules and sensor cursors in ``<data root>/dagster_home``, so what the command line ran is what
the UI shows. Its ``dagster.yaml`` queues runs one at a time: every run writes the one DuckDB
warehouse, which takes a single writer, so a sensor's run and the schedule's wait for each other
instead of failing on the lock. It also names the event log storage, which keeps Dagster's files
but not its cost of a new connection per event (:mod:`orchestration.automation.event_log`).

``<data root>/terrain_run.json`` remembers the landing zone the data root was last built from, and
the files it held then, so ``terrain ui --data X`` and the runs it launches read the same landing
zone without ``--landing``, and the landing sensor does not start a run for files already loaded.
"""

from __future__ import annotations

import json
import os
import re
from datetime import UTC, datetime
from pathlib import Path

from orchestration.automation.landing import LandingFile

DAGSTER_HOME = "dagster_home"
RUN_RECORD = "terrain_run.json"
MAIN_JOB = "terrain_main"
"""The job a run of every asset belongs to: ``terrain run``, the schedule, the landing sensor, the UI."""
SOURCE_TAG = "terrain/source"
SOURCES = ("cli", "ui", "schedule", "sensor")
_HEADER = """\
# The Dagster instance of this Terrain data root (written by terrain when missing; edit freely).
# Run history, schedule ticks and sensor cursors live beside this file.
# One run at a time: every run writes the same DuckDB warehouse, which allows a single writer.
run_coordinator:
  module: dagster.core.run_coordinator
  class: QueuedRunCoordinator
  config:
    max_concurrent_runs: 1
"""
EARLIER_DAGSTER_YAML = _HEADER
"""What terrain wrote before the pooled event log; replaced when found unedited."""
_EVENT_LOG = """\
# Dagster's SQLite event log, in the same files, with one connection pool per database instead of
# one connection per event (orchestration/automation/event_log.py).
event_log_storage:
  module: orchestration.automation.event_log
  class: PooledSqliteEventLogStorage
  config:
    base_dir: {base_dir}
"""
_BASE_DIR_LINE = re.compile(r"^    base_dir: .*$", re.MULTILINE)


def dagster_yaml(home: Path) -> str:
    """The ``dagster.yaml`` terrain writes for the Dagster home ``home``. The event log's folder is
    spelled out because a storage configured in the file learns nothing else of where the home is."""
    return _HEADER + _EVENT_LOG.format(base_dir=home / "history" / "runs")


def _written_by_terrain(text: str) -> bool:
    """An unedited file terrain wrote, for this home or (a data root moved or copied) another one."""
    return text == EARLIER_DAGSTER_YAML or _BASE_DIR_LINE.sub("", text) == _BASE_DIR_LINE.sub("", dagster_yaml(Path("/")))


def source_tags(source: str) -> dict[str, str]:
    """The tag that says where a run came from: cli, ui, schedule or sensor."""
    if source not in SOURCES:
        raise ValueError(f"unknown run source {source!r}; expected one of {', '.join(SOURCES)}")
    return {SOURCE_TAG: source}


def dagster_home(data_dir: str | Path) -> Path:
    return Path(data_dir).resolve() / DAGSTER_HOME


def prepare_dagster_home(data_dir: str | Path) -> Path:
    """Create the data root's Dagster home with its ``dagster.yaml`` and export it. A file the user edited
    is kept; one terrain wrote earlier is brought up to date."""
    home = dagster_home(data_dir)
    home.mkdir(parents=True, exist_ok=True)
    config = home / "dagster.yaml"
    wanted = dagster_yaml(home)
    if not config.exists() or (config.read_text(encoding="utf-8") != wanted
                               and _written_by_terrain(config.read_text(encoding="utf-8"))):
        config.write_text(wanted, encoding="utf-8")
    os.environ["DAGSTER_HOME"] = str(home)
    return home


def _record(data_dir: str | Path) -> dict:
    path = Path(data_dir) / RUN_RECORD
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return record if isinstance(record, dict) else {}


def remembered_landing(data_dir: str | Path) -> Path | None:
    """The landing zone this data root was last built from, if a run recorded one."""
    landing = _record(data_dir).get("landing_dir")
    return Path(landing) if isinstance(landing, str) and landing else None


def remembered_files(data_dir: str | Path, landing_dir: str | Path) -> dict[str, LandingFile]:
    """``landing_dir``'s files as the data root's last recorded run found them (empty for another landing zone)."""
    record = _record(data_dir)
    files = record.get("landing_files")
    if record.get("landing_dir") != str(Path(landing_dir).resolve()) or not isinstance(files, dict):
        return {}
    return {name: LandingFile(int(state[0]), int(state[1])) for name, state in files.items()
            if isinstance(state, list) and len(state) == 2}


def remember_landing(data_dir: str | Path, landing_dir: str | Path,
                     files: dict[str, LandingFile] | None = None) -> Path:
    """Record ``landing_dir`` as this data root's landing zone, with the files a run starts from.

    Without ``files`` the files already recorded are kept when the landing zone is the same one.
    """
    landing = str(Path(landing_dir).resolve())
    previous = _record(data_dir)
    if files is None:
        kept = previous.get("landing_files") if previous.get("landing_dir") == landing else None
        listed = kept if isinstance(kept, dict) else {}
    else:
        listed = {name: state.as_list() for name, state in files.items()}
    path = Path(data_dir) / RUN_RECORD
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".json.tmp")
    temporary.write_text(json.dumps({"landing_dir": landing, "recorded_at": datetime.now(UTC).isoformat(),
                                     "landing_files": listed}, indent=1), encoding="utf-8")
    temporary.replace(path)
    return path


def fail_abandoned_runs(instance) -> list[str]:
    """Mark failed the command-line runs of this data root still shown as starting or started.

    Called by a command that holds the data root's lock: no other ``terrain run`` or ``terrain plan``
    can be running, so such a run's process is gone (killed, or the machine stopped) and the UI
    would otherwise show it running for ever. Returns the run ids it marked.
    """
    import dagster as dg

    abandoned = instance.get_runs(filters=dg.RunsFilter(
        statuses=[dg.DagsterRunStatus.STARTING, dg.DagsterRunStatus.STARTED], tags=source_tags("cli")))
    for run in abandoned:
        instance.report_run_failed(run, message="The process running it stopped before it finished "
                                               "(killed, or the machine stopped); a later command found it.")
    return [run.run_id for run in abandoned]
