"""terrain.yaml: defaults that work anywhere, and errors that name the key."""

from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
import yaml
from pydantic import ValidationError

from orchestration.settings import Settings, SettingsError, load_settings, parse_settings

REPO = Path(__file__).resolve().parents[3]


def test_shipped_file_equals_defaults():
    assert load_settings(REPO / "terrain.yaml") == Settings()


def test_defaults_segment_bands():
    settings = parse_settings({})
    assert [settings.segment_for(n) for n in (0, 199, 200, 999, 1000, 10**6, None)] == [
        "SMB", "SMB", "Mid-Market", "Mid-Market", "Enterprise", "Enterprise", "SMB"]


@pytest.mark.parametrize("document, key", [
    ({"scoring": {"horizon": 30}}, "scoring.horizon"),
    ({"territory_plan": {"tolerence": 0.1}}, "territory_plan.tolerence"),
    ({"unknown_section": {}}, "unknown_section"),
    ({"scoring": {"horizon_days": -3}}, "scoring.horizon_days"),
    ({"scoring": {"as_of": "last week"}}, "scoring.as_of"),
    ({"scoring": {"retrain_every_days": 0}}, "scoring.retrain_every_days"),
    ({"scoring": {"retrain_every_days": "monthly"}}, "scoring.retrain_every_days"),
    ({"scoring": {"retrain_when_psi_above": 0}}, "scoring.retrain_when_psi_above"),
    ({"scoring": {"retrain_when_psi_above": "high"}}, "scoring.retrain_when_psi_above"),
    ({"territory_plan": {"balance_metric": "revenue"}}, "territory_plan.balance_metric"),
    ({"territory_plan": {"territories_per_segment": {"Giant": 0}}}, "territory_plan.territories_per_segment.Giant"),
    ({"territory_plan": {"capacity_overflow_weight": -1}}, "territory_plan.capacity_overflow_weight"),
    ({"intent": {"surge_threshold": 140}}, "intent.surge_threshold"),
    ({"intent": {"topics": {"CRM Software": ""}}}, "intent.topics.CRM Software"),
    ({"segments": [{"name": "All", "min_employees": 0, "max_employees": None, "colour": "red"}]}, "segments[0].colour"),
    ({"identity": {"match_threshold": "high"}}, "identity.match_threshold"),
    ({"territory_plan": {"compactness_weight": -1}}, "territory_plan.compactness_weight"),
    ({"territory_plan": {"whitespace_move_weight": "low"}}, "territory_plan.whitespace_move_weight"),
    ({"territory_plan": {"workload_tolerance": -0.1}}, "territory_plan.workload_tolerance"),
    ({"icp": {"competitor_technologies": "Gong"}}, "icp.competitor_technologies"),
    ({"icp": {"competitor_technologies": ["Gong", ""]}}, "icp.competitor_technologies"),
    ({"personas": {"rules": {"persona": "champion"}}}, "personas.rules"),
    ({"personas": {"rulez": []}}, "personas.rulez"),
    ({"personas": {"rules": [{"persona": "decision maker", "title": "cio"}]}}, "personas.rules[0].persona"),
    ({"personas": {"rules": [{"persona": "champion", "title": "cio"}, {"persona": "champion", "titel": "vp"}]}},
     "personas.rules[1].titel"),
    ({"personas": {"rules": [{"persona": "champion", "title": "(revops"}]}}, "personas.rules[0].title"),
    ({"personas": {"rules": [{"persona": "champion", "department": ["sales", 3]}]}}, "personas.rules[0].department"),
    ({"personas": {"rules": [{"persona": "champion", "title_not": "intern"}]}}, "personas.rules[0]"),
    ({"schedule": {"timezone": "Mars/Olympus_Mons"}}, "schedule.timezone"),
    ({"schedule": {"hour": 24}}, "schedule.hour"),
    ({"schedule": {"hour": "6am"}}, "schedule.hour"),
    ({"schedule": {"weekday": "friday"}}, "schedule.weekday"),
])
def test_invalid_settings_name_the_key(document, key):
    with pytest.raises(SettingsError) as error:
        parse_settings(document)
    assert str(error.value).startswith(key)


def test_plan_weights_reach_the_planner():
    from orchestration.planning.scenarios import plan_settings

    settings = parse_settings({"territory_plan": {"compactness_weight": 2, "whitespace_move_weight": 0.1}})
    planner = plan_settings(settings.territory_plan)
    assert (planner.compactness_weight, planner.whitespace_move_weight) == (2.0, 0.1)
    assert plan_settings(Settings().territory_plan).compactness_weight == 0.5


def test_workload_band_defaults_to_ten_percent_and_can_be_switched_off():
    from orchestration.planning.scenarios import plan_settings

    assert plan_settings(parse_settings({}).territory_plan).workload_tolerance == 0.10
    assert plan_settings(parse_settings({"territory_plan": {"workload_tolerance": 0.2}}).territory_plan).workload_tolerance == 0.2
    assert plan_settings(parse_settings({"territory_plan": {"workload_tolerance": None}}).territory_plan).workload_tolerance is None


def test_segments_must_cover_every_size():
    with pytest.raises(SettingsError, match="contiguous"):
        parse_settings({"segments": [{"name": "Small", "min_employees": 0, "max_employees": 100},
                                     {"name": "Big", "min_employees": 500, "max_employees": None}]})


def test_custom_segments_and_vars(tmp_path):
    config = tmp_path / "terrain.yaml"
    config.write_text("segments:\n  - {name: Small, min_employees: 0, max_employees: 50}\n"
                      "  - {name: Large, min_employees: 50, max_employees: null}\n"
                      "scoring: {as_of: 2026-11-22}\nintent: {topics: {Sales Engagement: RevOps}}\n")
    settings = load_settings(config)
    assert settings.segment_for(49) == "Small" and settings.segment_for(50) == "Large"
    assert settings.scoring.as_of == date(2026, 11, 22)
    assert settings.dbt_vars()["intent_topics"] == {"Sales Engagement": "RevOps"}


def test_file_errors_name_the_file(tmp_path):
    config = tmp_path / "terrain.yaml"
    config.write_text("territory_plan:\n  tolerance: lots\n")
    with pytest.raises(SettingsError, match=r"terrain.yaml: territory_plan.tolerance"):
        load_settings(config)


def test_as_of_override_from_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("TERRAIN_AS_OF", "2026-10-04")
    assert load_settings(REPO / "terrain.yaml").scoring.as_of == date(2026, 10, 4)


def test_retraining_is_monthly_or_on_drift_by_default_and_drift_can_be_switched_off():
    scoring = Settings().scoring
    assert (scoring.retrain_every_days, scoring.retrain_when_psi_above) == (28, 0.25)
    settings = parse_settings({"scoring": {"retrain_every_days": 7, "retrain_when_psi_above": None}})
    assert (settings.scoring.retrain_every_days, settings.scoring.retrain_when_psi_above) == (7, None)
    assert not {"retrain_every_days", "retrain_when_psi_above"} & set(settings.dbt_vars())


def test_competitor_technologies_default_to_none_and_keep_the_sellers_words():
    assert Settings().icp.competitor_technologies == ()
    settings = parse_settings({"icp": {"competitor_technologies": [" Gong ", "Sales Engagement", "Gong"]}})
    assert settings.icp.competitor_technologies == ("Gong", "Sales Engagement")


def test_persona_rules_default_to_the_shipped_rules_and_can_be_redrawn(tmp_path):
    from models_ml.scoring.personas import DEFAULT_PERSONA_RULES, classify_persona

    assert parse_settings({}).personas.rules == DEFAULT_PERSONA_RULES
    assert parse_settings({"personas": {"rules": [r.to_dict() for r in DEFAULT_PERSONA_RULES]}}) == Settings()
    config = tmp_path / "terrain.yaml"
    config.write_text("personas:\n  rules:\n    - {persona: technical evaluator, title: [cio, chief information officer]}\n"
                      "    - {persona: executive buyer, title: vp, title_not: [assistant]}\n"
                      "    - {persona: champion, seniority: [manager, director], department: revops}\n")
    rules = load_settings(config).personas.rules
    assert classify_persona("CIO", rules=rules) == "technical evaluator"
    assert classify_persona("CIO") == "executive buyer"
    assert classify_persona("VP, Sales", rules=rules) == "executive buyer"
    assert classify_persona("Assistant VP", rules=rules) == "other"
    assert classify_persona("Manager", "Revenue Operations", rules=rules) == "champion"


def _schema_keys(node: dict, prefix: str = "") -> list[str]:
    """Every key the settings schema knows, sections and their keys (list items are not keys)."""
    from orchestration.settings import schema_node

    keys = []
    for name, child in schema_node(node).get("properties", {}).items():
        keys.append(prefix + name)
        keys += _schema_keys(child, f"{prefix}{name}.")
    return keys


def test_shipped_file_writes_and_comments_every_key():
    from orchestration.settings import JSON_SCHEMA

    text = (REPO / "terrain.yaml").read_text(encoding="utf-8")
    document = yaml.safe_load(text)
    keys = _schema_keys(JSON_SCHEMA)
    assert "scoring.engagement_half_life_days" in keys and "personas.rules" in keys
    for key in keys:
        section, _, name = key.rpartition(".")
        assert name in (document[section] if section else document), f"terrain.yaml does not write {key}"
        if section:
            line = next(line for line in text.splitlines() if line.startswith(f"  {name}:"))
            assert "#" in line, f"terrain.yaml does not say what {key} is"


def test_dbt_project_var_defaults_are_the_schema_defaults():
    project = yaml.safe_load((REPO / "dbt_project" / "dbt_project.yml").read_text(encoding="utf-8"))
    assert project["vars"] == Settings().dbt_vars()


def test_a_copy_with_changes_is_validated():
    settings = Settings()
    assert replace(settings.territory_plan, tolerance=0.1).tolerance == 0.1
    with pytest.raises(ValidationError):
        replace(settings.territory_plan, tolerance=2.0)


def test_empty_file_and_empty_sections_take_the_defaults(tmp_path):
    config = tmp_path / "terrain.yaml"
    config.write_text("scoring:\nintent:\n  topics:\nterritory_plan:\n  locks:\n", encoding="utf-8")
    assert load_settings(config) == Settings()
    config.write_text("", encoding="utf-8")
    assert load_settings(config) == Settings()


def test_every_error_is_reported_at_once():
    with pytest.raises(SettingsError) as error:
        parse_settings({"scoring": {"horizon_days": 0}, "territory_plan": {"tolerance": "tight"}})
    assert str(error.value) == ("scoring.horizon_days: must be at least 1, got 0; "
                                "territory_plan.tolerance: expected a number, got 'tight'")


def test_bad_as_of_override_names_the_variable(monkeypatch):
    monkeypatch.setenv("TERRAIN_AS_OF", "next monday")
    with pytest.raises(SettingsError, match="TERRAIN_AS_OF"):
        load_settings(REPO / "terrain.yaml")


def test_launchpad_fields_are_the_schema_keys_with_the_values_in_force():
    from orchestration.resources import settings_config_schema
    from orchestration.settings import JSON_SCHEMA

    settings = parse_settings({"scoring": {"horizon_days": 60}, "territory_plan": {"locks": ["001A"]}})
    field = settings_config_schema(settings)

    def field_keys(config_type, prefix=""):
        keys = []
        for name, child in getattr(config_type, "fields", {}).items():
            keys.append(prefix + name)
            keys += field_keys(child.config_type, f"{prefix}{name}.")
        return keys

    assert field_keys(field.config_type) == _schema_keys(JSON_SCHEMA)
    assert field.default_value["scoring"]["horizon_days"] == 60
    assert field.default_value["territory_plan"]["locks"] == ["001A"]
    horizon = field.config_type.fields["scoring"].config_type.fields["horizon_days"]
    assert (horizon.config_type.given_name, horizon.default_value) == ("Int", 60)
    assert "within this many days" in horizon.description
    metric = field.config_type.fields["territory_plan"].config_type.fields["balance_metric"].config_type
    assert [value.config_value for value in metric.enum_values] == ["potential", "workload", "accounts"]


def test_launchpad_values_reach_the_steps_and_follow_the_file_rules():
    import dagster as dg

    from orchestration.resources import terrain_settings

    config = {"scoring": {"horizon_days": 30}, "personas": {"rules": [{"persona": "champion", "title": ["revops"]}]}}
    with dg.build_resources({"settings": terrain_settings()}, resource_config={"settings": {"config": config}}) as res:
        assert res.settings.scoring.horizon_days == 30
        assert res.settings.intent == Settings().intent
        assert [rule.persona for rule in res.settings.personas.rules] == ["champion"]
    bad = {"territory_plan": {"tolerance": 2.0}}
    with pytest.raises(dg.DagsterResourceFunctionError) as error:
        with dg.build_resources({"settings": terrain_settings()}, resource_config={"settings": {"config": bad}}):
            pass
    assert isinstance(error.value.user_exception, SettingsError)
    assert str(error.value.user_exception).startswith("territory_plan.tolerance: must be less than 1")


def test_the_plan_defaults_are_the_planners():
    from models_ml.territory import PlanSettings
    from orchestration.planning.scenarios import plan_settings

    assert plan_settings(Settings().territory_plan) == PlanSettings()
