"""The Terrain code location: every asset, check, job, schedule and sensor, assembled.

The weekly refresh (the schedule's job, an incremental ``terrain run``, a run the landing sensor
starts for new weekly files) leaves territory design out (:mod:`orchestration.assets.selections`).
All steps write one DuckDB file, which allows a single writer, so jobs use the in-process executor
and run their steps one after another. A run launched without a ``terrain/source`` tag of its own
was launched from the UI; the command line, the schedule and the sensor tag theirs.
"""

from __future__ import annotations

import warnings

import dagster as dg

from orchestration.assets import freshness, identity, ingest, reference, scoring, territories
from orchestration.assets.dbt import build_dbt_assets, dbt_resource, ensure_manifest
from orchestration.assets.publish import build_publish_asset
from orchestration.assets.selections import WEEKLY_REFRESH, weekly_refresh_keys
from orchestration.automation.instance import MAIN_JOB, source_tags
from orchestration.automation.schedule import schedule_settings, weekly_schedule
from orchestration.automation.sensor import failed_refresh_discarder, landing_sensor, refresh_recorder
from orchestration.planning.job import territory_scenario
from orchestration.resources import terrain_paths_from_env

PYTHON_ASSET_MODULES = [ingest, reference, identity, scoring, territories, freshness]

python_assets = dg.load_assets_from_modules(PYTHON_ASSET_MODULES)
python_checks = dg.load_asset_checks_from_modules(PYTHON_ASSET_MODULES)
dbt_asset_defs = build_dbt_assets(ensure_manifest())


def _mart_keys(defs_list) -> list[dg.AssetKey]:
    keys = set()
    for definition in defs_list:
        for key in definition.keys:
            if key.path[0] == "marts":
                keys.add(key)
    return sorted(keys, key=lambda k: k.to_user_string())


publish_asset = build_publish_asset(_mart_keys([*python_assets, *dbt_asset_defs]))
all_assets = [*python_assets, *dbt_asset_defs, publish_asset]

main_job = dg.define_asset_job(
    MAIN_JOB,
    selection=dg.AssetSelection.all(),
    description="Ingest, transform, resolve, score, plan territories and publish.",
    tags=source_tags("ui"),
)

weekly_intent_job = dg.define_asset_job(
    "weekly_intent_refresh",
    selection=WEEKLY_REFRESH,
    description="Load the week's intent and marketing activity and refresh everything that depends on it except "
                "the territory plan: scores, history and the CRM file are this week's, territories the published "
                "plan's until `terrain run` or `terrain plan` makes another.",
    tags=source_tags("ui"),
)



def incremental_selection(sources: tuple[str, ...] = ()) -> list[dg.AssetKey]:
    """What an incremental ``terrain run`` rebuilds: the weekly refresh's assets, for the weekly sources
    that delivered (``Refresh.sources``; all of them when none did)."""
    return weekly_refresh_keys(defs.resolve_asset_graph(), sources)


weekly_intent_schedule = weekly_schedule(main_job, schedule_settings())
landing_zone_sensor = landing_sensor(main_job)
refresh_recorded = refresh_recorder(main_job)
failed_refresh_discarded = failed_refresh_discarder(main_job)

# Dagster tells that an asset job given as ``jobs`` is resolved when taken out (``defs.get_job_def``), as every caller does.
warnings.filterwarnings("ignore", message="Found asset job named", category=UserWarning)
defs = dg.Definitions(
    assets=all_assets,
    asset_checks=python_checks,
    jobs=[main_job, weekly_intent_job, territory_scenario],
    schedules=[weekly_intent_schedule],
    sensors=[landing_zone_sensor, refresh_recorded, failed_refresh_discarded],
    resources={"paths": terrain_paths_from_env(), "dbt": dbt_resource()},
    executor=dg.in_process_executor,
)
