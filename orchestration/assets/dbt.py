"""dbt models as Dagster assets, in three selections so Python assets can sit between them.

Entity resolution needs the staging views and feeds the market models; scoring needs the market
models and feeds the territory summary and the CRM write-back. A single dbt multi-asset cannot run
twice in one Dagster run, so the project is split by what each model descends from (see
docs/ARCHITECTURE.md). dbt tests become asset checks; settings from terrain.yaml are passed as vars.
"""


import json
import os
import shutil
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DagsterDbtTranslatorSettings, DbtCliResource, DbtProject, dbt_assets

from orchestration.settings import load_settings

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


translator = TerrainDbtTranslator(settings=DagsterDbtTranslatorSettings(enable_asset_checks=True))

STAGING_SELECT = "path:models/staging path:seeds"
SCORED_SELECT = "source:scoring+"
MARKET_SELECT = "path:models/intermediate path:models/marts"


def _dbt_build(context: dg.AssetExecutionContext, dbt: DbtCliResource):
    """Models and their data tests on the user's data and settings. dbt unit tests are left to
    `make test`: they pin their own inputs, and a user's terrain.yaml (other segment names, an
    as_of date) must not fail a weekly run on a fixture's expectations."""
    dbt_vars = json.dumps(load_settings().dbt_vars())
    yield from dbt.cli(["build", "--vars", dbt_vars, "--exclude-resource-type", "unit_test"], context=context).stream()


def build_dbt_assets(manifest: Path) -> list[dg.AssetsDefinition]:
    """The three dbt selections as asset definitions over one manifest."""

    @dbt_assets(manifest=manifest, select=STAGING_SELECT, name="dbt_staging",
                dagster_dbt_translator=translator, project=dbt_project)
    def dbt_staging(context: dg.AssetExecutionContext, dbt: DbtCliResource):
        """Staging views: the current version of every landed record, normalised."""
        yield from _dbt_build(context, dbt)

    @dbt_assets(manifest=manifest, select=MARKET_SELECT, exclude=SCORED_SELECT, name="dbt_market",
                dagster_dbt_translator=translator, project=dbt_project)
    def dbt_market(context: dg.AssetExecutionContext, dbt: DbtCliResource):
        """Unified companies, current territories, TAM, whitespace and weekly intent."""
        yield from _dbt_build(context, dbt)

    @dbt_assets(manifest=manifest, select=SCORED_SELECT, name="dbt_scored",
                dagster_dbt_translator=translator, project=dbt_project)
    def dbt_scored(context: dg.AssetExecutionContext, dbt: DbtCliResource):
        """Territory summary and CRM write-back, which need the account scores."""
        yield from _dbt_build(context, dbt)

    return [dbt_staging, dbt_market, dbt_scored]


def dbt_resource() -> DbtCliResource:
    return DbtCliResource(project_dir=dbt_project)
