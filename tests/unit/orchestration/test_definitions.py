"""The code location as the UI shows it: every asset and check says what it is, and the run config
of the weekly jobs carries every business setting."""

from __future__ import annotations

import dagster as dg

from orchestration.definitions import defs
from orchestration.settings import JSON_SCHEMA, schema_node

GRAPH = defs.resolve_asset_graph()
SPECS = {spec.key: spec for spec in defs.resolve_all_asset_specs()}


def _fallback(key: dg.AssetKey, description: str) -> bool:
    """dagster-dbt's stand-in for a dbt model or seed its yml leaves undescribed."""
    return description.startswith((f"dbt model {key.path[-1]}", f"dbt seed {key.path[-1]}"))


def test_every_asset_has_a_description_of_its_own_and_a_group():
    undescribed = [key.to_user_string() for key, spec in SPECS.items()
                   if not (spec.description or "").strip() or _fallback(key, spec.description)]
    ungrouped = [key.to_user_string() for key, spec in SPECS.items() if spec.group_name in (None, "default")]
    assert len(SPECS) > 50
    assert undescribed == [] and ungrouped == []


def test_the_outputs_of_one_step_are_described_one_by_one():
    repeated = {}
    for assets_def in GRAPH.assets_defs:
        descriptions = [SPECS[key].description for key in assets_def.keys]
        if len(set(descriptions)) < len(descriptions):
            repeated[assets_def.node_def.name] = sorted(key.to_user_string() for key in assets_def.keys)
    assert any(len(assets_def.keys) >= 4 for assets_def in GRAPH.assets_defs)
    assert repeated == {}


def test_every_asset_check_has_a_description():
    keys = GRAPH.asset_check_keys
    undescribed = sorted(key.to_user_string() for key in keys if not (GRAPH.get_check_spec(key).description or "").strip())
    assert len(keys) > 100
    assert undescribed == []


def test_the_weekly_jobs_take_every_setting_from_run_config():
    sections = sorted(schema_node(JSON_SCHEMA)["properties"])
    for job_name in ("terrain_main", "weekly_intent_refresh"):
        resources = defs.resolve_job_def(job_name).run_config_schema.config_type.fields["resources"].config_type
        settings = resources.fields["settings"].config_type.fields["config"]
        assert sorted(settings.config_type.fields) == sections, job_name
        assert not settings.is_required, job_name


def test_steps_that_read_settings_share_one_resource():
    carrying = {assets_def.node_def.name: assets_def.resource_defs["settings"]
                for assets_def in GRAPH.assets_defs if "settings" in assets_def.resource_defs}
    assert {"dbt_staging", "dbt_market", "dbt_scored", "entity_resolution", "scoring", "territory_design"} <= set(carrying)
    assert len({id(resource) for resource in carrying.values()}) == 1


TEAMS = {"team:data-engineering", "team:data-science", "team:revenue-operations"}


def test_every_asset_says_what_it_is_made_with_and_which_team_owns_it():
    without_kinds = sorted(key.to_user_string() for key, spec in SPECS.items() if not spec.kinds)
    without_owners = sorted(key.to_user_string() for key, spec in SPECS.items() if not spec.owners)
    unknown_teams = sorted({owner for spec in SPECS.values() for owner in spec.owners} - TEAMS)
    assert without_kinds == [] and without_owners == [] and unknown_teams == []


def test_kinds_name_the_tools_behind_each_asset():
    dbt_keys = {key for key, spec in SPECS.items() if "dbt" in spec.kinds}
    not_python = sorted(key.to_user_string() for key, spec in SPECS.items()
                        if key not in dbt_keys and "python" not in spec.kinds)
    assert len(dbt_keys) > 40 and all({"dbt", "duckdb"} <= SPECS[key].kinds for key in dbt_keys)
    assert not_python == []
    assert "lightgbm" in SPECS[dg.AssetKey(["marts", "account_priority"])].kinds
    assert SPECS[dg.AssetKey(["marts", "territory_summary"])].owners == ["team:revenue-operations"]
    assert SPECS[dg.AssetKey(["staging", "stg_crm__accounts"])].owners == ["team:data-engineering"]


def test_the_weekly_refresh_scores_and_publishes_without_planning_territories_again():
    """The schedule's job and an incremental ``terrain run`` rebuild the same assets, the plan not among them."""
    from orchestration.assets.publish import PUBLISHED
    from orchestration.assets.territories import PLAN_KEYS
    from orchestration.definitions import incremental_selection

    weekly = defs.resolve_job_def("weekly_intent_refresh").asset_layer.selected_asset_keys
    main = defs.resolve_job_def("terrain_main").asset_layer.selected_asset_keys
    refreshed = {dg.AssetKey(["marts", name]) for name in ("account_priority", "account_priority_history",
                                                            "weekly_changes", "crm_account_updates")}
    assert refreshed | {PUBLISHED, dg.AssetKey(["raw", "intent_bombora"])} <= weekly
    assert not set(PLAN_KEYS.values()) & weekly
    assert incremental_selection() == sorted(weekly, key=lambda key: key.to_user_string())
    assert set(PLAN_KEYS.values()) <= main
