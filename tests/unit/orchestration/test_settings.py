"""terrain.yaml: defaults that work anywhere, and errors that name the key."""

from datetime import date
from pathlib import Path

import pytest

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
