"""What a run rebuilds: every asset, or only the weeks newly delivered and what depends on them.

``terrain run`` is incremental by default. When the only new files since the data root's last
successful run are weekly deliveries (intent, marketing activity, lead scores) dated within the
weekly partitions, and neither the settings, the dbt models nor Terrain's version changed, the run
loads them, builds their weeks of the weekly models (and the three weeks after a late week, already
built, whose momentum reads it), and rebuilds what reads the sources that delivered
(``Refresh.sources``; :mod:`orchestration.assets.selections`): the scoring date moves to
the new week, so the market figures, the scores (with the active model: retraining keeps its own
cadence), history and the serving copy follow; the territory plan stays the one published
(:mod:`orchestration.assets.selections`). Entity resolution, the CRM's staging and the other weeks
are left as they are, and the market tables and scores equal a full rebuild on the same files
(tests/integration/test_foreign_landing.py compares them). Python code edited in place under the
same version is not seen: after such an edit, run ``--full``.

Anything else makes the run full: a first run, ``--full``, a new CRM, territory or firmographic
file (it can change which company a domain or e-mail belongs to, and so every week already built),
rows dated before the first partition or after the week in progress, another landing zone, or a
changed ``terrain.yaml`` or model. A full run rebuilds the weekly models from every week
(``--full-refresh``). A run with nothing new rebuilds the latest week, which changes nothing.

``<data root>/state/last_refresh.json`` holds what the last successful run started from: the
landing zone's files, the fingerprint of settings, models and version, and the weeks built. A run
about to start leaves the same record under ``state/pending/<terrain/refresh_id>.json``; it becomes
the last refresh only when the run succeeds (``terrain run`` does it itself, the daemon's
``record_successful_refresh`` sensor for the runs the landing sensor and the Monday schedule start,
:mod:`orchestration.automation.refresh_request`), so a failed or killed run's files count as new
again. A failed run's record is dropped (by ``terrain run``, or the daemon's
``discard_failed_refresh`` sensor), and a killed run's when the next ``terrain run`` marks it failed.
A run of the whole main job started from the UI, which carries no refresh id, keeps its record under
its Dagster run id and counts as a full refresh (:mod:`orchestration.automation.ui_refresh`).
A run that resumes a stopped one (:mod:`orchestration.automation.resume`) is planned here like any
other and resumes only when its files, fingerprint, kind, weeks and sources equal the stopped run's,
so the record it leaves under its own refresh id is the one the stopped run would have completed.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from importlib import metadata
from pathlib import Path

import duckdb

from orchestration.assets.partitions import FIRST_WEEK, WEEK_COLUMNS, clip_to_partitions, last_partition_week, range_tags
from orchestration.automation.landing import LandingFile, landing_files
from orchestration.ingest.registry import SOURCES, Source
from orchestration.ingest.weeks import monday_of

STATE_FILE = Path("state") / "last_refresh.json"
PENDING_FOLDER = Path("state") / "pending"
REFRESH_TAG = "terrain/refresh"
REFRESH_ID_TAG = "terrain/refresh_id"
WEEKS_TAG = "terrain/weeks"
FULL, INCREMENTAL = "full", "incremental"
DATA_DIR_TAG = "terrain/data_dir"
MOMENTUM_WEEKS = 3
"""Intent momentum compares a week with the three before it (int_intent_weekly), so a changed week
changes the momentum of the three after it: an incremental run rebuilds those too, when built."""


@dataclass(frozen=True)
class Refresh:
    """One run's extent: full or incremental, over the weeks ``first_week`` .. ``last_week``."""

    full: bool
    first_week: date
    last_week: date
    reason: str
    files: dict[str, LandingFile] = field(default_factory=dict, compare=False)
    new_files: tuple[str, ...] = ()
    refresh_id: str = field(default_factory=lambda: uuid.uuid4().hex[:16], compare=False)
    sources: tuple[str, ...] = ()
    """An incremental run's weekly raw tables with a new delivery; every weekly source when none is new."""

    @property
    def kind(self) -> str:
        return FULL if self.full else INCREMENTAL

    def tags(self) -> dict[str, str]:
        return {**range_tags(self.first_week, self.last_week), REFRESH_TAG: self.kind,
                WEEKS_TAG: f"{self.first_week}..{self.last_week}", REFRESH_ID_TAG: self.refresh_id}

    def describe(self) -> str:
        weeks = (f"week of {self.first_week}" if self.first_week == self.last_week
                 else f"weeks {self.first_week} to {self.last_week}")
        return f"{self.kind} run ({self.reason}); {weeks}"


def fingerprint(settings_json: str, dbt_project_dir: Path) -> str:
    """A digest of what a full rebuild depends on besides the landing files."""
    from orchestration.assets.dbt import project_files

    digest = hashlib.sha256(settings_json.encode("utf-8"))
    try:
        digest.update(metadata.version("terrain").encode("utf-8"))
    except metadata.PackageNotFoundError:
        pass
    for path in sorted(project_files(dbt_project_dir)):
        digest.update(path.relative_to(dbt_project_dir).as_posix().encode("utf-8"))
        digest.update(path.read_bytes())
    return digest.hexdigest()


def run_fingerprint() -> str:
    """:func:`fingerprint` of the settings in force (``terrain.yaml`` and the run's environment)."""
    from orchestration.assets.dbt import DBT_PROJECT_DIR
    from orchestration.settings import ADAPTER, load_settings

    return fingerprint(ADAPTER.dump_json(load_settings()).decode("utf-8"), DBT_PROJECT_DIR)


def read_state(data_dir: Path) -> dict | None:
    try:
        state = json.loads((data_dir / STATE_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return state if isinstance(state, dict) else None


def _record(refresh: Refresh, landing_dir: Path, digest: str) -> dict:
    return {"landing_dir": str(landing_dir.resolve()), "fingerprint": digest, "refresh": refresh.kind,
            "first_week": refresh.first_week.isoformat(), "last_week": refresh.last_week.isoformat(),
            "landing_files": {name: state.as_list() for name, state in refresh.files.items()}}


def _write_json(path: Path, record: dict) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".json.tmp")
    temporary.write_text(json.dumps(record, indent=1), encoding="utf-8")
    temporary.replace(path)
    return path


def write_pending(data_dir: Path, refresh: Refresh, landing_dir: Path, digest: str) -> Path:
    """Keep what a run about to start begins from, under its ``terrain/refresh_id``, until it succeeds."""
    return _write_json(data_dir / PENDING_FOLDER / f"{refresh.refresh_id}.json", _record(refresh, landing_dir, digest))


def complete_refresh(data_dir: Path, refresh_id: str) -> Path | None:
    """Make the pending record of the run ``refresh_id`` the last successful refresh (None when there is none).

    An incremental run adds its weeks to those built before; a full run, or one on another landing
    zone, starts the record again.
    """
    pending = data_dir / PENDING_FOLDER / f"{refresh_id}.json"
    try:
        record = json.loads(pending.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    previous = read_state(data_dir) or {}
    if previous.get("landing_dir") == record["landing_dir"] and record["refresh"] == INCREMENTAL:
        record["first_week"] = min(filter(None, [record["first_week"], previous.get("first_week")]))
        record["last_week"] = max(filter(None, [record["last_week"], previous.get("last_week")]))
    path = _write_json(data_dir / STATE_FILE, {**record, "written_at": datetime.now(UTC).isoformat()})
    pending.unlink(missing_ok=True)
    return path


def discard_refresh(data_dir: Path, refresh_id: str) -> bool:
    """Drop the pending record of the run ``refresh_id``, which failed or was canceled: its files stay new
    for the next run, and the pending folder keeps only runs still to finish. Whether there was one."""
    pending = data_dir / PENDING_FOLDER / f"{refresh_id}.json"
    existed = pending.exists()
    pending.unlink(missing_ok=True)
    return existed


def write_state(data_dir: Path, refresh: Refresh, landing_dir: Path, digest: str) -> Path:
    """Record ``refresh`` as the last successful run at once (see the module's docstring)."""
    write_pending(data_dir, refresh, landing_dir, digest)
    return complete_refresh(data_dir, refresh.refresh_id)


def refreshed_files(data_dir: str | Path, landing_dir: str | Path) -> dict[str, LandingFile]:
    """``landing_dir``'s files as the data root's last successful refresh started from (empty for another
    landing zone, or before the first)."""
    state = read_state(Path(data_dir))
    if state is None or state.get("landing_dir") != str(Path(landing_dir).resolve()):
        return {}
    return {name: LandingFile(*value) for name, value in state.get("landing_files", {}).items()}


def _source_of(file_name: str) -> Source | None:
    return next((source for source in SOURCES.values() if file_name.startswith(source.folder + "/")), None)


def new_file_weeks(landing_dir: Path, names: list[str]) -> set[date]:
    """The weeks the weekly files ``names`` (relative to the landing zone) deliver."""
    from orchestration.ingest.delivered_weeks import delivered_weeks

    weeks: set[date] = set()
    for name in names:
        source = _source_of(name)
        if source is not None and source.table in WEEK_COLUMNS:
            relative = name[len(source.folder) + 1:]
            weeks |= delivered_weeks(source, landing_dir / name, relative, WEEK_COLUMNS[source.table])
    return weeks


def loaded_weeks(warehouse: Path) -> set[date]:
    """The first and last week the weekly raw tables already hold (empty on a new data root)."""
    if not warehouse.exists():
        return set()
    try:
        con = duckdb.connect(str(warehouse), read_only=True)
    except duckdb.Error:
        return set()
    try:
        weeks: set[date] = set()
        for table, column in WEEK_COLUMNS.items():
            try:
                low, high = con.execute(f"select min({column})::date, max({column})::date from raw.{table}").fetchone()
            except duckdb.CatalogException:
                continue
            weeks |= {day for day in (low, high) if day is not None}
        return {monday_of(day) for day in weeks}
    finally:
        con.close()


def plan_refresh(landing_dir: Path, data_dir: Path, digest: str, full_requested: bool = False,
                 now: datetime | None = None) -> Refresh:
    """Decide what a run starting now on ``landing_dir`` -> ``data_dir`` rebuilds (module docstring)."""
    files = landing_files(landing_dir)
    state = read_state(data_dir)
    same_landing = state is not None and state.get("landing_dir") == str(landing_dir.resolve())
    seen = refreshed_files(data_dir, landing_dir)
    new = sorted(name for name, value in files.items() if seen.get(name) != value)
    other = [name for name in new if (_source_of(name) is None or _source_of(name).table not in WEEK_COLUMNS)]
    if full_requested:
        reason = "--full"
    elif state is None:
        reason = "first run on this data root"
    elif not same_landing:
        reason = "another landing zone than the last run's"
    elif state.get("fingerprint") != digest:
        reason = "settings, dbt models or Terrain changed since the last run"
    elif other:
        reason = f"{len(other)} new file(s) outside the weekly sources, e.g. {other[0]}"
    else:
        reason = ""
    new_weeks = new_file_weeks(landing_dir, [name for name in new if name not in other])
    newest = last_partition_week(now)
    if not reason and new_weeks and (min(new_weeks) < FIRST_WEEK or max(new_weeks) > newest):
        reason = f"rows dated outside the weekly partitions ({FIRST_WEEK} to {newest})"
    if reason:
        weeks = new_weeks | loaded_weeks(data_dir / "warehouse" / "terrain.duckdb")
        if same_landing:
            weeks |= {date.fromisoformat(state[key]) for key in ("first_week", "last_week") if state.get(key)}
        first, last = (min(weeks), max(weeks)) if weeks else (newest, newest)
        first, last = clip_to_partitions(first, last, now)
        return Refresh(True, first, last, reason, files, tuple(new))
    if new_weeks:
        built = date.fromisoformat(state["last_week"])
        momentum_reach = min(max(new_weeks) + timedelta(weeks=MOMENTUM_WEEKS), max(built, max(new_weeks)))
        first, last = clip_to_partitions(min(new_weeks), momentum_reach, now)
        delivered = tuple(sorted({_source_of(name).table for name in new}))
        return Refresh(False, first, last, f"{len(new)} new weekly file(s)", files, tuple(new), sources=delivered)
    latest = date.fromisoformat(state["last_week"])
    return Refresh(False, latest, latest, "nothing new: the latest week again", files, tuple(new))
