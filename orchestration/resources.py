"""Terrain's Dagster resources: where it reads and writes, how it opens the warehouse, its settings.

The warehouse path and DuckDB's memory limit are shared by the Python assets and dbt
(``profiles.yml`` reads ``TERRAIN_DUCKDB_PATH`` and ``TERRAIN_DUCKDB_MEMORY_LIMIT``), so both are
derived here from the same environment. The business settings of ``terrain.yaml`` are the
``settings`` resource, whose config fields are the settings schema's keys (see
:func:`terrain_settings`).
"""

from __future__ import annotations

import functools
import os
import re
import warnings
from pathlib import Path
from typing import Any

import dagster as dg
import duckdb
from pydantic import PrivateAttr

from orchestration.automation.data_root_lock import acquire, held_by_this_process, release
from orchestration.automation.instance import remembered_landing
from orchestration.automation.landing import require_landing_files
from orchestration.automation.ui_refresh import begin_ui_refresh
from orchestration.settings import JSON_SCHEMA as SETTINGS_SCHEMA
from orchestration.settings import Settings, SettingsError, config_path, load_settings, parse_settings, schema_node, settings_document

DATA_ENV = "TERRAIN_DATA_DIR"
LANDING_ENV = "TERRAIN_LANDING_DIR"
DUCKDB_ENV = "TERRAIN_DUCKDB_PATH"
MEMORY_ENV = "TERRAIN_DUCKDB_MEMORY_LIMIT"
DEFAULT_MEMORY_LIMIT = "80%"  # DuckDB's own default, said out loud so dbt gets the same
_MEMORY_TEXT = re.compile(r"^\s*\d+(\.\d+)?\s*(%|B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)\s*$", re.IGNORECASE)


def duckdb_memory_limit() -> str:
    """DuckDB's memory limit for the warehouse: ``TERRAIN_DUCKDB_MEMORY_LIMIT``, else 80% of RAM.

    Why a knob: DuckDB reads the machine's memory, not a container's or a shared host's share of
    it, and spills to disk beyond its limit instead of being killed. Why DuckDB's default stays
    the default: on a 24 GB machine, size-M runs at 50% and at 80% peaked at the same 22 GB, in
    scoring's pandas work rather than DuckDB's cache, and took the same time (BENCHMARKS.md).
    """
    value = os.environ.get(MEMORY_ENV, "").strip()
    if not value:
        return DEFAULT_MEMORY_LIMIT
    if not _MEMORY_TEXT.match(value):
        raise ValueError(f"{MEMORY_ENV}={value!r}: expected an amount such as 8GB, 512MB or 50%")
    return value


def connect_warehouse(path: str | Path, *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open the warehouse with Terrain's memory limit (every pipeline step opens it this way)."""
    return duckdb.connect(str(path), read_only=read_only, config={"memory_limit": duckdb_memory_limit()})


def default_data_dir() -> str:
    return os.environ.get(DATA_ENV) or str(Path("data").resolve())


def default_landing_dir() -> str:
    """``TERRAIN_LANDING_DIR``, else the landing zone the data root was built from, else ``<data root>/landing``."""
    explicit = os.environ.get(LANDING_ENV)
    if explicit:
        return explicit
    data_dir = default_data_dir()
    return str(remembered_landing(data_dir) or Path(data_dir) / "landing")


def warehouse_path_for(data_dir: str | Path) -> Path:
    return Path(data_dir) / "warehouse" / "terrain.duckdb"


def export_environment(data_dir: str | Path, landing_dir: str | Path) -> None:
    """Point every part of the pipeline (Dagster resources, dbt profile) at one data root."""
    data_dir = Path(data_dir).resolve()
    os.environ[DATA_ENV] = str(data_dir)
    os.environ[LANDING_ENV] = str(Path(landing_dir).resolve())
    os.environ[DUCKDB_ENV] = str(warehouse_path_for(data_dir))
    os.environ[MEMORY_ENV] = duckdb_memory_limit()
    warehouse_path_for(data_dir).parent.mkdir(parents=True, exist_ok=True)


def _loads_landing(context: dg.InitResourceContext) -> bool:
    """Whether the run ``context`` starts executes a step that materializes a ``raw`` table."""
    run, instance = context.run, context.instance
    if run is None or instance is None or not run.execution_plan_snapshot_id:
        return False
    plan = instance.get_execution_plan_snapshot(run.execution_plan_snapshot_id)
    selected = set(plan.step_keys_to_execute or (step.key for step in plan.steps))
    return any(output.properties and output.properties.asset_key and output.properties.asset_key.path[0] == "raw"
               for step in plan.steps if step.key in selected for output in step.outputs)


class TerrainPaths(dg.ConfigurableResource):
    """The landing zone Terrain reads and the data root it writes under.

    A run that loads the landing zone stops before its first step when the landing zone holds no
    delivery, with an error naming the folder: loading nothing would empty the week's tables and
    publish a blank plan without a word. Runs that do not load it (``terrain plan``, a publish
    from the UI) do not look at it.

    Every run holds the data root while it runs (:mod:`orchestration.automation.data_root_lock`):
    one the daemon launched waits here for a ``terrain run`` or ``terrain plan`` that holds it, and
    one those commands execute in their own process finds it held already.

    A run of the whole main job started from the UI keeps, once it holds the data root, the pending
    record of a full refresh over the landing files as they are then, so its success is recorded as
    ``terrain run``'s is (:mod:`orchestration.automation.ui_refresh`).
    """

    landing_dir: str
    data_dir: str
    _lock: int | None = PrivateAttr(default=None)

    def setup_for_execution(self, context: dg.InitResourceContext) -> None:
        if _loads_landing(context):
            require_landing_files(self.landing_dir)
        if not held_by_this_process(self.data_dir):
            self._lock = acquire(self.data_dir, f"dagster run {context.run.run_id if context.run else 'outside a run'}", wait=True,
                                 on_wait=lambda busy: context.log.warning(
                                     f"waiting for the data root: {busy.data_dir} is in use by {busy.holder.describe()}"))
        if context.run is not None and context.instance is not None and begin_ui_refresh(
                context.run, context.instance, self.landing_dir, self.data_dir):
            context.log.info("a run of the whole main job from the UI: recorded as a full refresh when it succeeds")

    def teardown_after_execution(self, context: dg.InitResourceContext) -> None:
        if self._lock is not None:
            release(self.data_dir, self._lock)
            self._lock = None

    @property
    def warehouse_path(self) -> Path:
        path = warehouse_path_for(self.data_dir)
        path.parent.mkdir(parents=True, exist_ok=True)
        return path

    def _dir(self, *parts: str) -> Path:
        path = Path(self.data_dir).joinpath(*parts)
        path.mkdir(parents=True, exist_ok=True)
        return path

    @property
    def quarantine_dir(self) -> Path:
        return self._dir("quarantine")

    @property
    def serving_dir(self) -> Path:
        return self._dir("serving")

    @property
    def models_dir(self) -> Path:
        return self._dir("models")

    @property
    def outputs_dir(self) -> Path:
        return self._dir("outputs")


def terrain_paths_from_env() -> TerrainPaths:
    return TerrainPaths(landing_dir=default_landing_dir(), data_dir=default_data_dir())


SETTINGS_KEY = "settings"
# Dagster calls a resource bound on an asset beta; the steps that read settings carry theirs that way.
warnings.filterwarnings("ignore", message="Parameter `resource_defs` of function `multi_asset`", category=dg.BetaWarning)
_UNSET = object()
_SCALARS = {"integer": dg.Int, "number": dg.Float, "boolean": dg.Bool, "string": dg.String}


def _config_type(node: dict, value: Any, path: tuple[str, ...]):
    """The Dagster config type of a settings-schema node; ``value``, when set, gives its fields' defaults."""
    if "properties" in node:
        required = set(node.get("required", ()))
        return dg.Shape({
            name: _config_field(child, value.get(name, _UNSET) if isinstance(value, dict) else _UNSET,
                                (*path, name), name in required)
            for name, child in node["properties"].items()})
    if "enum" in node:
        return dg.Enum("_".join(path), [dg.EnumValue(option) for option in node["enum"]])
    if node.get("type") == "array":
        return dg.Array(_config_type(schema_node(node["items"]), _UNSET, path))
    if node.get("type") == "object":
        return dg.Map(str, _config_type(schema_node(node.get("additionalProperties") or {}), _UNSET, path))
    return _SCALARS[node["type"]]


def _config_field(node: dict, value: Any, path: tuple[str, ...], required: bool = False) -> dg.Field:
    resolved = schema_node(node)
    config = _config_type(resolved, value, path)
    if any(option.get("type") == "null" for option in node.get("anyOf", ())):
        config = dg.Noneable(config)
    description = node.get("description") or resolved.get("description")
    if value is _UNSET:
        return dg.Field(config, is_required=required, description=description)
    return dg.Field(config, default_value=value, is_required=False, description=description)


def settings_config_schema(settings: Settings) -> dg.Field:
    """The settings schema as a Dagster config field, every key defaulting to its value in ``settings``."""
    return _config_field(SETTINGS_SCHEMA, settings_document(settings), ("settings",))


@functools.cache
def terrain_settings() -> dg.ResourceDefinition:
    """The ``settings`` resource: terrain.yaml's keys as typed config fields of the launchpad.

    Each field defaults to the value in force when the code location loaded (terrain.yaml or
    ``$TERRAIN_CONFIG``, ``$TERRAIN_AS_OF``), so a run launched without config runs on the file, and
    the launchpad changes any key for one run. The resource validates what it is given with the same
    schema, so a launchpad value is held to the rules of the file. One definition per process: every
    step that reads settings carries this same resource, so a step materialized on its own has it
    and a job's steps agree on it. A file that does not validate does not stop the code location
    from loading; every run fails on it, naming the key.
    """
    try:
        settings, problem = load_settings(), None
    except SettingsError as error:
        settings, problem = Settings(), str(error)

    def settings_from_config(context: dg.InitResourceContext) -> Settings:
        if problem:
            raise SettingsError(problem)
        return parse_settings(context.resource_config)

    path = config_path() if problem is None else None
    return dg.ResourceDefinition(
        resource_fn=settings_from_config,
        config_schema=settings_config_schema(settings),
        description=f"Business settings, from {path.resolve() if path else 'the built-in defaults'} "
                    "when the code location loaded; edit terrain.yaml and reload to change the defaults.")
