"""dbt models as Dagster assets, in three selections so Python assets can sit between them.

Entity resolution needs the staging views and feeds the market models; scoring needs the market
models and feeds the territory summary and the CRM write-back. A single dbt multi-asset cannot run
twice in one Dagster run, so the project is split by what each model descends from (see
docs/ARCHITECTURE.md). dbt tests become asset checks; the run's settings (the ``settings`` resource)
are passed as vars, so dbt and the Python steps of one run read the same values.
"""


import json
import os
import re
import shutil
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DagsterDbtTranslatorSettings, DbtCliResource, DbtProject, dbt_assets

from orchestration.resources import SETTINGS_KEY, terrain_settings
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


def _manifest_is_stale() -> bool:
    manifest = dbt_project.manifest_path
    if not manifest.exists():
        return True
    built = manifest.stat().st_mtime
    target = DBT_PROJECT_DIR / "target"
    return any(path.stat().st_mtime > built for path in DBT_PROJECT_DIR.rglob("*")
               if path.suffix in PROJECT_FILE_SUFFIXES and target not in path.parents)


def ensure_manifest() -> Path:
    """Parse the dbt project when its manifest is missing or older than any model, macro or seed.

    Definitions then load on a fresh clone, and an edited model never runs against a stale graph.
    """
    if _manifest_is_stale():
        dbt_project.preparer.prepare(dbt_project)
    return dbt_project.manifest_path


LAYERS = ("staging", "intermediate", "marts")


class TerrainDbtTranslator(DagsterDbtTranslator):
    """Keys models by their layer folder (``staging/stg_crm__accounts``), groups them by layer; seeds are reference data."""

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


DBT_CLI = DbtCliResource(project_dir=dbt_project)


def _dbt_build(context: dg.AssetExecutionContext, settings: Settings):
    """Models and their data tests on the user's data and the run's settings. dbt unit tests are left
    to `make test`: they pin their own inputs, and a user's terrain.yaml (other segment names, an
    as_of date) must not fail a weekly run on a fixture's expectations."""
    dbt_vars = json.dumps(settings.dbt_vars())
    yield from DBT_CLI.cli(["build", "--vars", dbt_vars, "--exclude-resource-type", "unit_test"],
                           context=context).stream()


def build_dbt_assets(manifest: Path) -> list[dg.AssetsDefinition]:
    """The three dbt selections as asset definitions over one manifest, each carrying the settings.

    They call dbt through :data:`DBT_CLI` rather than the ``dbt`` resource: a definition carrying a
    resource of its own must carry every resource it needs, and the code location's ``dbt`` resource
    (which the scenario job's publish step uses) is the same command line.
    """

    @dbt_assets(manifest=manifest, select=STAGING_SELECT, name="dbt_staging",
                dagster_dbt_translator=translator, project=dbt_project)
    def dbt_staging(context: dg.AssetExecutionContext, settings: dg.ResourceParam[Settings]):
        """Staging views: the current version of every landed record, normalised."""
        yield from _dbt_build(context, settings)

    @dbt_assets(manifest=manifest, select=MARKET_SELECT, exclude=SCORED_SELECT, name="dbt_market",
                dagster_dbt_translator=translator, project=dbt_project)
    def dbt_market(context: dg.AssetExecutionContext, settings: dg.ResourceParam[Settings]):
        """Unified companies, current territories, TAM, whitespace and weekly intent."""
        yield from _dbt_build(context, settings)

    @dbt_assets(manifest=manifest, select=SCORED_SELECT, name="dbt_scored",
                dagster_dbt_translator=translator, project=dbt_project)
    def dbt_scored(context: dg.AssetExecutionContext, settings: dg.ResourceParam[Settings]):
        """Territory summary and CRM write-back, which need the account scores."""
        yield from _dbt_build(context, settings)

    return dg.with_resources([dbt_staging, dbt_market, dbt_scored], {SETTINGS_KEY: terrain_settings()})


def dbt_resource() -> DbtCliResource:
    return DBT_CLI
