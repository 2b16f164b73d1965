"""Delivered text parses to the contract's types: ISO 8601 in its common forms, booleans, numbers."""

from __future__ import annotations

from datetime import date, datetime

import duckdb
import pytest

from orchestration.ingest.headers import match_headers
from orchestration.ingest.parsing import typed_sql
from orchestration.ingest.registry import SOURCES, ColumnType


@pytest.fixture(scope="module")
def con():
    connection = duckdb.connect()
    yield connection
    connection.close()


def _parse(con, text, column_type):
    return con.execute(f"select {typed_sql('$1::varchar', column_type)}", [text]).fetchall()[0][0]


@pytest.mark.parametrize(("text", "utc"), [
    ("2024-03-04", datetime(2024, 3, 4)),
    ("2024-03-04T09:15", datetime(2024, 3, 4, 9, 15)),
    ("2024-03-04 09:15:30", datetime(2024, 3, 4, 9, 15, 30)),
    ("2024-03-04T09:15:30.123", datetime(2024, 3, 4, 9, 15, 30, 123000)),
    ("2024-03-04T09:15:30.123456789Z", datetime(2024, 3, 4, 9, 15, 30, 123456)),
    ("2024-03-04T09:15:30Z", datetime(2024, 3, 4, 9, 15, 30)),
    ("2024-03-04 09:15:30 UTC", datetime(2024, 3, 4, 9, 15, 30)),
    ("2024-03-04T09:15:30+02:00", datetime(2024, 3, 4, 7, 15, 30)),
    ("2024-03-04T09:15:30+0530", datetime(2024, 3, 4, 3, 45, 30)),
    ("2024-03-04T22:00:00-05", datetime(2024, 3, 5, 3, 0)),
    ("2024-03-04 09:15:30,5", datetime(2024, 3, 4, 9, 15, 30, 500000)),
])
def test_iso_timestamps_become_naive_utc(con, text, utc):
    assert _parse(con, text, ColumnType.TIMESTAMP) == utc


@pytest.mark.parametrize("text", ["2024-02-30", "03/04/2024", "2024-03-04T25:00", "yesterday", "2024-3-4"])
def test_non_iso_or_impossible_timestamps_do_not_parse(con, text):
    assert _parse(con, text, ColumnType.TIMESTAMP) is None


def test_dates_keep_the_calendar_day_as_written(con):
    assert _parse(con, "2024-03-31", ColumnType.DATE) == date(2024, 3, 31)
    assert _parse(con, "2024-03-31T23:00:00-05:00", ColumnType.DATE) == date(2024, 3, 31)
    assert _parse(con, "2024-04-31", ColumnType.DATE) is None


@pytest.mark.parametrize(("text", "value"), [
    ("true", True), ("TRUE", True), ("1", True), ("Yes", True), (" yes ", True),
    ("false", False), ("False", False), ("0", False), ("NO", False), ("maybe", None), ("2", None),
])
def test_booleans(con, text, value):
    assert _parse(con, text, ColumnType.BOOLEAN) is value


@pytest.mark.parametrize(("text", "value"), [
    ("42", 42.0), (" -3.5 ", -3.5), ("1e3", 1000.0), ("007", 7.0), ("1,000", None), ("inf", None), ("NaN", None),
    ("$5", None),
])
def test_numbers(con, text, value):
    assert _parse(con, text, ColumnType.NUMBER) == value


def test_headers_match_case_insensitively_trimmed_with_spaces_or_underscores():
    match = match_headers(SOURCES["intent_bombora"], [" DOMAIN ", "topic", "composite_score", "Metro Area", "x"])
    assert match.positions == {"Domain": 0, "Topic": 1, "Composite_Score": 2, "Metro_Area": 3}
    assert match.missing_required == ()
    assert match_headers(SOURCES["intent_bombora"], ["Domain"]).missing_required == ("Topic", "Composite Score")
