"""Which weeks each dbt step hands to dbt: an incremental run's own, else none (its data tests then read every week)."""

from __future__ import annotations

import os
from datetime import date

import pytest

from orchestration.assets.dbt import WEEK_FROM_ENV, WEEK_TO_ENV, incremental_weeks, week_window
from orchestration.assets.partitions import range_tags
from orchestration.automation.refresh import FULL, INCREMENTAL, REFRESH_TAG

WEEK = date(2026, 11, 2)


def test_an_incremental_run_hands_its_weeks_to_dbt():
    tags = {**range_tags(date(2026, 10, 12), WEEK), REFRESH_TAG: INCREMENTAL}
    assert incremental_weeks(tags) == (date(2026, 10, 12), WEEK)


@pytest.mark.parametrize("tags", [
    {**range_tags(WEEK, WEEK), REFRESH_TAG: FULL},
    range_tags(WEEK, WEEK),
    {REFRESH_TAG: INCREMENTAL},
    {},
], ids=["full run", "run launched from the UI", "no partition range", "no tags"])
def test_any_other_run_hands_no_weeks(tags):
    assert incremental_weeks(tags) is None


def test_the_window_is_exported_while_dbt_starts_and_the_environment_restored(monkeypatch):
    monkeypatch.setenv(WEEK_FROM_ENV, "2020-01-06")
    monkeypatch.delenv(WEEK_TO_ENV, raising=False)
    with week_window((WEEK, WEEK)):
        assert (os.environ[WEEK_FROM_ENV], os.environ[WEEK_TO_ENV]) == ("2026-11-02", "2026-11-02")
    assert os.environ[WEEK_FROM_ENV] == "2020-01-06"
    assert WEEK_TO_ENV not in os.environ


def test_no_weeks_clears_a_window_left_in_the_environment(monkeypatch):
    monkeypatch.setenv(WEEK_FROM_ENV, "2026-11-02")
    monkeypatch.setenv(WEEK_TO_ENV, "2026-11-02")
    with week_window(None):
        assert WEEK_FROM_ENV not in os.environ and WEEK_TO_ENV not in os.environ
    assert os.environ[WEEK_TO_ENV] == "2026-11-02"
