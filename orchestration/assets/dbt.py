"""dbt models as Dagster assets, in four selections so Python assets can sit between them.

Entity resolution needs the staging views and feeds the market models; scoring needs the market
models and feeds the territory summary and the CRM write-back. The models built week by week
(intent and engagement per week) are a selection of their own, partitioned by week
(:mod:`orchestration.assets.partitions`), because one multi-asset has one partitioning. A single dbt multi-asset cannot run
twice in one Dagster run, so the project is split by what each model descends from (see
docs/ARCHITECTURE.md). dbt tests become asset checks; the run's settings (the ``settings`` resource)
are passed as vars, so dbt and the Python steps of one run read the same values.
"""


import json
import os
import re
import shutil
import sys
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import date
from functools import cached_property
from importlib.metadata import version as package_version
from pathlib import Path
from typing import Any

import dagster as dg
import duckdb
from dagster_dbt import (
    DagsterDbtTranslator,
    DagsterDbtTranslatorSettings,
    DbtCliInvocation,
    DbtCliResource,
    DbtProject,
    dbt_assets,
)
from dagster_dbt.errors import DagsterDbtCliRuntimeError
from packaging.version import Version

from orchestration import dbt_in_warehouse
from orchestration.assets.partitions import RANGE_END_TAG, RANGE_START_TAG, WEEKLY_BACKFILL, WEEKLY_PARTITIONS, window_weeks
from orchestration.assets.pictures import model_pictures
from orchestration.automation.refresh import FULL, INCREMENTAL, REFRESH_TAG
from orchestration.dbt_in_warehouse import WORKDIR_ENV
from orchestration.resources import DUCKDB_ENV, SETTINGS_KEY, connect_warehouse, default_data_dir, terrain_settings
from orchestration.settings import Settings

DBT_PROJECT_DIR = Path(__file__).resolve().parents[2] / "dbt_project"


def _put_dbt_on_path() -> None:
    """dbt is installed beside Terrain; dagster-dbt looks it up on PATH, which an unactivated
    environment (``.venv/bin/terrain run``) does not have."""
    bin_dir = Path(sys.executable).parent
    if shutil.which("dbt") is None and (bin_dir / "dbt").exists():
        os.environ["PATH"] = f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"


_put_dbt_on_path()

dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)


PROJECT_FILE_SUFFIXES = {".sql", ".yml", ".yaml", ".csv"}
GENERATED_FOLDERS = {"target", "logs", "dbt_packages"}


def project_files(project_dir: Path) -> Iterator[Path]:
    """The models, macros, seeds, tests and settings of the dbt project at ``project_dir``.

    dbt's own output (``target``, ``logs``) and installed packages (``dbt_packages``) are not
    walked: they say nothing about whether the manifest is current, and ``target`` alone has held
    tens of thousands of files. Only those top-level folders are skipped, so a model folder that
    happens to be called ``target`` still counts. Hidden files and folders are not the project's
    either: the first ``dbt`` command anyone runs in the project writes ``.user.yml`` (dbt's
    anonymous user id) beside ``profiles.yml``, and counting it would make the next ``terrain run``
    see changed models and rebuild everything.
    """
    for folder, subfolders, files in os.walk(project_dir):
        subfolders[:] = [name for name in subfolders if not name.startswith(".")
                         and not (Path(folder) == project_dir and name in GENERATED_FOLDERS)]
        for name in files:
            if Path(name).suffix in PROJECT_FILE_SUFFIXES and not name.startswith("."):
                yield Path(folder, name)


def manifest_is_stale(project_dir: Path, manifest: Path) -> bool:
    """Whether ``manifest`` is missing or older than any file of the project."""
    if not manifest.exists():
        return True
    built = manifest.stat().st_mtime
    return any(path.stat().st_mtime > built for path in project_files(project_dir))


def ensure_manifest() -> Path:
    """Parse the dbt project when its manifest is missing or older than any model, macro or seed.

    Definitions then load on a fresh clone, and an edited model never runs against a stale graph.
    """
    if manifest_is_stale(DBT_PROJECT_DIR, dbt_project.manifest_path):
        dbt_project.preparer.prepare(dbt_project)
    return dbt_project.manifest_path


LAYERS = ("staging", "intermediate", "marts")
DATA_ENGINEERING = "team:data-engineering"
REVENUE_OPERATIONS = "team:revenue-operations"
OWNERS_BY_LAYER = {"staging": DATA_ENGINEERING, "intermediate": DATA_ENGINEERING, "marts": REVENUE_OPERATIONS}


class TerrainDbtTranslator(DagsterDbtTranslator):
    """Keys models by their layer folder (``staging/stg_crm__accounts``), groups them by layer; seeds are reference data.

    Owners follow the layer. Seeds, staging and intermediate models belong to data engineering:
    they normalise deliveries and hold the shared business rules' plumbing (golden record,
    assignment, workload), so a broken one is an engineering fault. The marts belong to revenue
    operations: TAM, whitespace, territory summaries and the CRM write-back are their figures and
    their sign-off. A model's own ``meta.dagster.owners`` in its yml wins over the layer's.
    dagster-dbt already gives every dbt asset the kinds ``dbt`` and ``duckdb``.
    """

    def _layer(self, props: Mapping[str, Any]) -> str | None:
        fqn = props.get("fqn") or []
        for part in fqn[1:-1]:
            if part in LAYERS:
                return part
        return None

    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> dg.AssetKey:
        if dbt_resource_props["resource_type"] == "seed":
            return dg.AssetKey(["reference", dbt_resource_props["name"]])
        if dbt_resource_props["resource_type"] == "model":
            layer = self._layer(dbt_resource_props)
            if layer:
                return dg.AssetKey([layer, dbt_resource_props["name"]])
        return super().get_asset_key(dbt_resource_props)

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        if dbt_resource_props["resource_type"] == "seed":
            return "reference"
        if dbt_resource_props["resource_type"] == "model":
            layer = self._layer(dbt_resource_props)
            return f"dbt_{layer}" if layer else "dbt"
        return super().get_group_name(dbt_resource_props)

    def get_owners(self, dbt_resource_props: Mapping[str, Any]) -> Sequence[str] | None:
        declared = super().get_owners(dbt_resource_props)
        if declared:
            return declared
        layer = self._layer(dbt_resource_props) if dbt_resource_props["resource_type"] == "model" else None
        return [OWNERS_BY_LAYER.get(layer, DATA_ENGINEERING)]

    def get_asset_check_spec(self, asset_spec: dg.AssetSpec, manifest: Mapping[str, Any], unique_id: str,
                             project: DbtProject | None) -> dg.AssetCheckSpec | None:
        """dbt data tests carry no description of their own; the UI shows what each one asserts."""
        spec = super().get_asset_check_spec(asset_spec, manifest, unique_id, project)
        if spec is None or spec.description:
            return spec
        return spec._replace(description=describe_data_test(manifest["nodes"][unique_id]))


REF = r"ref\('([^']+)'\)"


def _listed(values) -> str:
    return ", ".join(str(value) for value in values)


def describe_data_test(test: Mapping[str, Any]) -> str:
    """What a dbt data test asserts, in words: its leading comment for a singular test, else from its kind."""
    metadata = test.get("test_metadata")
    if not metadata:
        comment = re.match(r"\s*\{#-?(.*?)-?#\}", test.get("raw_code") or "", re.DOTALL)
        return " ".join(comment.group(1).split()) if comment else f"Returns no rows: {test['name']}"
    kind, kwargs = metadata["name"], metadata.get("kwargs", {})
    column, referenced = kwargs.get("column_name"), re.sub(REF, r"\1", str(kwargs.get("to", "")))
    sentences = {
        "not_null": lambda: f"{column} is never null",
        "unique": lambda: f"{column} is unique",
        "accepted_values": lambda: f"{column} is one of {_listed(kwargs['values'])}",
        "relationships": lambda: f"every {column} is in {referenced}.{kwargs['field']}",
        "unique_combination_of_columns": lambda: f"one row per {_listed(kwargs['combination_of_columns'])}",
        "value_between": lambda: f"{column} between {kwargs['min_value']} and {kwargs['max_value']}",
        "equals_column": lambda: f"{column} equals {kwargs['other_column']}",
        "single_row": lambda: "Exactly one row",
    }
    if kind in sentences:
        return sentences[kind]() + "."
    details = _listed(f"{key}={value}" for key, value in kwargs.items() if key != "model")
    return f"{kind.replace('_', ' ')}: {details}." if details else f"{kind.replace('_', ' ')}."


translator = TerrainDbtTranslator(settings=DagsterDbtTranslatorSettings(enable_asset_checks=True))

STAGING_SELECT = "path:models/staging path:seeds"
SCORED_SELECT = "source:scoring+"
MARKET_SELECT = "path:models/intermediate path:models/marts"
WEEKLY_SELECT = "int_intent_weekly intent_weekly int_account_engagement_weekly"
WEEK_FROM_ENV, WEEK_TO_ENV = "TERRAIN_WEEK_FROM", "TERRAIN_WEEK_TO"


TARGET_FOLDER = "dbt_target"


def dbt_target_path(data_dir: str | Path | None = None) -> Path:
    """dbt's target folder for the data root ``data_dir`` (default: the environment's, ``TERRAIN_DATA_DIR``)."""
    return Path(data_dir or default_data_dir()).resolve() / TARGET_FOLDER


PARSE_STATE = "partial_parse.msgpack"
SHARED_PARSE = DBT_PROJECT_DIR / "target" / "data_roots" / PARSE_STATE


def seed_parse(target: Path, shared: Path) -> None:
    """Start a data root's empty target folder from the parse another data root saved last, if any.

    dbt checks a saved parse against the vars, the profile, its own version and every project
    file's checksum before it uses any of it, and parses again what does not match: a parse saved
    on another data root is a head start, never a stale graph.
    """
    own = target / PARSE_STATE
    if shared.exists() and not own.exists():
        target.mkdir(parents=True, exist_ok=True)
        shutil.copy2(shared, own)


def offer_parse(target: Path, shared: Path) -> None:
    """Offer a data root's parse to the next new data root once a dbt call has rewritten it.

    Only after a call, so that what is offered is keyed to the profile every data root now shares
    (a data root's parse from before then named its own warehouse). It goes in through a file
    renamed into place, so two data roots in use at once never read half of one.
    """
    own = target / PARSE_STATE
    if not own.exists() or (shared.exists() and shared.stat().st_mtime >= own.stat().st_mtime):
        return
    shared.parent.mkdir(parents=True, exist_ok=True)
    staged = shared.with_name(f"{PARSE_STATE}.{os.getpid()}")
    shutil.copy2(own, staged)
    os.replace(staged, shared)


@contextmanager
def environment(values: Mapping[str, str | None]) -> Iterator[None]:
    """``values`` in the environment while the block runs (None: not set); the environment as it was afterwards."""
    saved = {name: os.environ.get(name) for name in values}
    _set_environment(values)
    try:
        yield
    finally:
        _set_environment(saved)


def _set_environment(values: Mapping[str, str | None]) -> None:
    for name, value in values.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


@contextmanager
def in_warehouse_folder(warehouse: Path) -> Iterator[None]:
    """dbt's environment names the warehouse by its file name and its folder as dbt's working folder,
    while the block runs; the environment as it was afterwards."""
    warehouse = warehouse.resolve()
    warehouse.parent.mkdir(parents=True, exist_ok=True)
    with environment({DUCKDB_ENV: warehouse.name, WORKDIR_ENV: str(warehouse.parent)}):
        yield


class DataRootDbtCli(DbtCliResource):
    """The dbt command line, with dbt's target folder kept in the data root that dbt writes to.

    dagster-dbt otherwise gives every invocation a fresh folder under ``dbt_project/target``, seeded
    with a parse state saved for other vars and another warehouse, so each of a run's three dbt
    steps parsed the whole project again. dbt keys its saved parse (``partial_parse.msgpack``) to
    the vars, the profile and its own version; every invocation on one data root agrees on all
    three, so from the second one on, in a run, a later run or a ``terrain plan``, dbt re-reads only
    the files that changed. One folder per data root, because two data roots in use at once (the
    test suite's two workers, a benchmark beside a run) must not share run results. The data root
    is taken from the environment at each call, where the dbt profile takes its warehouse from (the
    command line exports both together). A call that names its own ``target_path`` keeps it.

    The profile names the warehouse, so a parse saved on one data root did not fit another, and a
    new data root's first step parsed the whole project (about 3.5 s of CPU). dbt therefore runs in
    the warehouse's folder (:mod:`orchestration.dbt_in_warehouse`) and the profile names the warehouse by its file
    name alone: the profile is the same on every data root, and a new one starts from the parse
    another saved (:func:`seed_parse`, :func:`offer_parse`). dbt writes no JSON artifacts
    (``manifest.json``, ``run_results.json``, ``graph.gpickle``, about 0.5 s a call): Terrain reads
    the manifest the code location parses, and each step's results from dbt's event stream.
    """

    def cli(self, args: Sequence[str], *, target_path: Path | None = None, **kwargs: Any) -> DbtCliInvocation:
        target = target_path or dbt_target_path()
        seed_parse(target, SHARED_PARSE)
        with in_warehouse_folder(dbt_warehouse_path()):
            return super().cli(args, target_path=target, **kwargs)

    @cached_property
    def _cli_version(self) -> Version:
        """The installed dbt-core's version, read from its package metadata: dagster-dbt would start
        ``dbt --version`` (a whole dbt start-up, about 1.5 s) for it in each step, and the dbt it runs is
        this environment's own."""
        return Version(package_version("dbt-core"))

    def _initialize_dbt_core_adapter(self, args: Sequence[str]) -> None:
        """No adapter in the Dagster process: dagster-dbt builds one (loading the profile, the project and
        every macro, about 1.2 s a call) only for its own row counts and column metadata, which
        :func:`with_table_metadata` reads from the warehouse instead; without one it runs dbt as before."""
        return None


DBT_CLI = DataRootDbtCli(project_dir=dbt_project, dbt_executable=sys.executable,
                         global_config_flags=["-m", dbt_in_warehouse.__name__, "--no-write-json"])


COUNTED_MATERIALIZATIONS = frozenset({"table", "incremental", "seed"})
DESCRIBED_MATERIALIZATIONS = COUNTED_MATERIALIZATIONS | {"view"}
DbtEvent = dg.Output | dg.AssetMaterialization | dg.AssetObservation | dg.AssetCheckResult | dg.AssetCheckEvaluation


def dbt_warehouse_path() -> Path:
    """The warehouse dbt builds into: ``TERRAIN_DUCKDB_PATH``, else the fallback ``profiles.yml`` names."""
    explicit = os.environ.get(DUCKDB_ENV)
    return Path(explicit) if explicit else (DBT_PROJECT_DIR / ".." / "data" / "warehouse" / "terrain.duckdb").resolve()


def relation_columns(con: duckdb.DuckDBPyConnection, schema: str, name: str) -> list[tuple[str, str]]:
    """(column, DuckDB type) of a table or view in its order, read from the catalog without running it."""
    return con.execute(
        "select column_name, data_type from duckdb_columns() "
        "where database_name = current_database() and schema_name = ? and table_name = ? "
        "order by column_index", [schema, name]).fetchall()


def relation_metadata(con: duckdb.DuckDBPyConnection, node: Mapping[str, Any]) -> dict[str, dg.MetadataValue]:
    """``dagster/row_count`` and ``dagster/column_schema`` of the relation dbt built for ``node``.

    Tables, incremental models and seeds are counted. Views are not: counting one runs its query,
    which over a million companies costs more than the step that created it. Their columns are
    still listed, since DuckDB's catalog has them without running anything. Ephemeral models have
    no relation. Column types are DuckDB's and descriptions the model's yml; the asset's definition
    shows the same descriptions, but with the types dbt leaves undeclared.
    """
    materialized = node.get("config", {}).get("materialized")
    if materialized not in DESCRIBED_MATERIALIZATIONS:
        return {}
    schema, name = node["schema"], node.get("alias") or node["name"]
    columns = relation_columns(con, schema, name)
    if not columns:
        return {}
    docs = {column.lower(): " ".join((info.get("description") or "").split())
            for column, info in node.get("columns", {}).items()}
    metadata = {"dagster/column_schema": dg.MetadataValue.table_schema(dg.TableSchema(columns=[
        dg.TableColumn(column, data_type, description=docs.get(column.lower()) or None)
        for column, data_type in columns]))}
    if materialized in COUNTED_MATERIALIZATIONS:
        rows = con.execute(f'select count(*) from "{schema}"."{name}"').fetchone()[0]
        metadata["dagster/row_count"] = dg.MetadataValue.int(rows)
    return metadata


def _built_node(event: DbtEvent) -> str | None:
    if isinstance(event, (dg.Output, dg.AssetMaterialization)) and "unique_id" in event.metadata:
        return event.metadata["unique_id"].value
    return None


def attach_table_metadata(events: Sequence[DbtEvent], manifest: Mapping[str, Any],
                          warehouse: Path) -> list[DbtEvent]:
    """``events`` in their order, each built relation's materialization with its rows and columns.

    The warehouse is opened read-only and closed before this returns. What dagster-dbt already put
    on an event stays as it is. A warehouse that cannot be read (locked by another writer) costs the
    figures, not the step: the events go on without them and a warning says why.
    """
    built = {index: _built_node(event) for index, event in enumerate(events)}
    built = {index: unique_id for index, unique_id in built.items() if unique_id in manifest["nodes"]}
    if not built or not warehouse.exists():
        return list(events)
    try:
        con = connect_warehouse(warehouse, read_only=True)
        try:
            added = {index: {**relation_metadata(con, manifest["nodes"][unique_id]),
                             **model_pictures(con, manifest["nodes"][unique_id])}
                     for index, unique_id in built.items()}
        finally:
            con.close()
    except duckdb.Error as error:
        dg.get_dagster_logger().warning(f"Row counts and column types of the dbt models left out: {error}")
        return list(events)
    return [event.with_metadata({**added[index], **event.metadata}) if added.get(index) else event
            for index, event in enumerate(events)]


def with_table_metadata(events: Iterable[DbtEvent], manifest: Mapping[str, Any], warehouse: Path) -> Iterator[DbtEvent]:
    """One dbt invocation's events, yielded once dbt has exited, with :func:`attach_table_metadata`'s figures.

    dbt holds the DuckDB file's write lock while it runs and the next dbt step needs it free, so the
    figures are read between the two: the events are held until dbt's stream ends (dbt has exited),
    then the warehouse is opened read-only and closed again before any event goes on. When dbt fails
    (an error-level data test), the events of what it did build still go on, with their figures,
    before its error is raised.
    """
    collected: list[DbtEvent] = []
    failure: DagsterDbtCliRuntimeError | None = None
    try:
        collected.extend(events)
    except DagsterDbtCliRuntimeError as error:
        failure = error
    yield from attach_table_metadata(collected, manifest, warehouse)
    if failure is not None:
        raise failure


Weeks = tuple[date, date] | None


@contextmanager
def week_window(weeks: Weeks) -> Iterator[None]:
    """The first and last Monday of ``weeks`` exported to dbt (macros/week_window.sql) while the block
    runs, none when ``weeks`` is None; the environment as it was afterwards."""
    first, last = (None, None) if weeks is None else (weeks[0].isoformat(), weeks[1].isoformat())
    with environment({WEEK_FROM_ENV: first, WEEK_TO_ENV: last}):
        yield


def incremental_weeks(tags: Mapping[str, str]) -> Weeks:
    """The weeks an incremental run (tagged so by :mod:`orchestration.automation.refresh`) builds, from
    its partition range tags; None for any other run, whose data tests then read every week."""
    first, last = tags.get(RANGE_START_TAG), tags.get(RANGE_END_TAG)
    if tags.get(REFRESH_TAG) != INCREMENTAL or not first or not last:
        return None
    return date.fromisoformat(first), date.fromisoformat(last)


def _dbt_build(context: dg.AssetExecutionContext, settings: Settings, extra_args: Sequence[str] = (),
               weeks: Weeks = None):
    """Models and their data tests on the user's data and the run's settings. dbt unit tests are left
    to `make test`: they pin their own inputs, and a user's terrain.yaml (other segment names, an
    as_of date) must not fail a weekly run on a fixture's expectations. Each built table's
    materialization carries its row count (see :func:`with_table_metadata`).

    ``weeks`` (else an incremental run's own) go to dbt, and the data tests on weekly data check
    those weeks only (their ``where``, macros/get_where_subquery.sql): an incremental week no longer
    tests every week delivered since the first. Other runs test every row."""
    dbt_vars = json.dumps(settings.dbt_vars())
    with week_window(weeks or incremental_weeks(context.run.tags)):
        invocation = DBT_CLI.cli(["build", "--vars", dbt_vars, "--exclude-resource-type", "unit_test", *extra_args],
                                 context=context)
    yield from with_table_metadata(invocation.stream(), invocation.manifest, dbt_warehouse_path())
    offer_parse(invocation.target_path, SHARED_PARSE)


def _weekly_dbt_build(context: dg.AssetExecutionContext, settings: Settings):
    """The weekly models for the run's weeks: their first and last Monday go to dbt in the environment
    (macros/week_window.sql), so each incremental model replaces those weeks only. A run tagged full
    (``terrain run --full``, a first run, or any run :mod:`orchestration.automation.refresh` decides
    must be full) rebuilds every week from the staging views."""
    first, last = window_weeks(context)
    full = context.run.tags.get(REFRESH_TAG) == FULL
    context.log.info(f"weekly models: {'every week (full refresh)' if full else f'weeks {first} to {last}'}")
    yield from _dbt_build(context, settings, ["--full-refresh"] if full else [], weeks=(first, last))


def build_dbt_assets(manifest: Path) -> list[dg.AssetsDefinition]:
    """The four dbt selections as asset definitions over one manifest, each carrying the settings.

    They call dbt through :data:`DBT_CLI` rather than the ``dbt`` resource: a definition carrying a
    resource of its own must carry every resource it needs, and the code location's ``dbt`` resource
    (which the scenario job's publish step uses) is the same command line.
    """

    @dbt_assets(manifest=manifest, select=STAGING_SELECT, name="dbt_staging",
                dagster_dbt_translator=translator, project=dbt_project)
    def dbt_staging(context: dg.AssetExecutionContext, settings: dg.ResourceParam[Settings]):
        """Staging views: the current version of every landed record, normalised."""
        yield from _dbt_build(context, settings)

    @dbt_assets(manifest=manifest, select=MARKET_SELECT, exclude=f"{SCORED_SELECT} {WEEKLY_SELECT}", name="dbt_market",
                dagster_dbt_translator=translator, project=dbt_project)
    def dbt_market(context: dg.AssetExecutionContext, settings: dg.ResourceParam[Settings]):
        """Unified companies, current territories, TAM, whitespace and engagement."""
        yield from _dbt_build(context, settings)

    @dbt_assets(manifest=manifest, select=WEEKLY_SELECT, name="dbt_weekly", dagster_dbt_translator=translator,
                project=dbt_project, partitions_def=WEEKLY_PARTITIONS, backfill_policy=WEEKLY_BACKFILL)
    def dbt_weekly(context: dg.AssetExecutionContext, settings: dg.ResourceParam[Settings]):
        """Intent and marketing engagement per company and week, built for the run's weeks."""
        yield from _weekly_dbt_build(context, settings)

    @dbt_assets(manifest=manifest, select=SCORED_SELECT, name="dbt_scored",
                dagster_dbt_translator=translator, project=dbt_project)
    def dbt_scored(context: dg.AssetExecutionContext, settings: dg.ResourceParam[Settings]):
        """Territory summary and CRM write-back, which need the account scores."""
        yield from _dbt_build(context, settings)

    return dg.with_resources([dbt_staging, dbt_market, dbt_weekly, dbt_scored], {SETTINGS_KEY: terrain_settings()})


def dbt_resource() -> DbtCliResource:
    return DBT_CLI
