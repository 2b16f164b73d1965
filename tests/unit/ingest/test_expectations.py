"""The Great Expectations suites are built from the registry and decide which rows are quarantined."""

from __future__ import annotations

import duckdb
import pytest

from orchestration.ingest import SOURCES
from orchestration.ingest import expectations as gx_rules


def _summary(suite):
    return {(e.expectation_type, e.column, e.meta["rule"]) for e in suite.expectations}


def test_suite_has_one_expectation_per_rule_on_delivered_columns():
    suite = gx_rules.build_suite(SOURCES["map_activities"], {"email", "activity_type", "activity_ts"}, False)
    assert _summary(suite) == {
        ("expect_column_values_to_not_be_null", "email__delivered", "required_value"),
        ("expect_column_values_to_not_be_null", "activity_type__delivered", "required_value"),
        ("expect_column_values_to_be_in_set", "activity_type__norm", "allowed_values"),
        ("expect_column_values_to_not_be_null", "activity_ts__delivered", "required_value"),
        ("expect_column_values_to_not_be_null", "activity_ts__value", "type_parse"),
    }
    in_set = next(e for e in suite.expectations if e.expectation_type == "expect_column_values_to_be_in_set")
    assert set(in_set.value_set) == {"email_open", "email_click", "web_visit", "form_fill", "webinar_attended",
                                     "content_download", "unsubscribe"}


def test_bombora_ranges_are_zero_to_one_hundred():
    suite = gx_rules.build_suite(SOURCES["intent_bombora"], {"Domain", "Topic", "Composite_Score"}, True)
    between = next(e for e in suite.expectations if e.expectation_type == "expect_column_values_to_be_between")
    assert (between.column, between.min_value, between.max_value) == ("Composite_Score__value", 0, 100)
    assert ("expect_column_values_to_not_be_null", "week_start__value", "week_start") in _summary(suite)


@pytest.mark.parametrize("chunk_rows", [1_000_000, 3])
def test_unexpected_rows_are_reported_by_row_number_across_chunks(monkeypatch, chunk_rows):
    monkeypatch.setattr(gx_rules, "CHUNK_ROWS", chunk_rows)
    con = duckdb.connect()
    con.execute("""
        create temp table typed as select * from (values
            (1, 'ok', 5.0, '5'), (2, null, 5.0, '5'), (3, 'ok', null, 'abc'), (4, 'ok', 300.0, '300'),
            (5, 'ok', null, null), (6, null, 1.0, '1'), (7, 'ok', -1.0, '-1')
        ) t(_row_number, "Topic__text", "Composite_Score__value", "Composite_Score__text")
    """)
    suite = gx_rules.build_suite(SOURCES["intent_bombora"], {"Topic", "Composite_Score"}, False)
    outcome = gx_rules.validate_rows(con, "typed", suite)
    found = sorted(zip(outcome.verdicts["row_number"], outcome.verdicts["rule"], strict=True))
    assert found == [(2, "required_value"), (3, "type_parse"), (4, "value_range"), (5, "required_value"),
                     (6, "required_value"), (7, "value_range")]
    assert not outcome.success
    assert outcome.expectations == len(suite.expectations)
