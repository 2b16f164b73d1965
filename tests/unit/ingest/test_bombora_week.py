"""Bombora rows belong to a week: from ``Week`` (as its Monday), else from the file name's ISO date."""

from __future__ import annotations

from datetime import date

from ingest_messy_landing import write

from orchestration.ingest import ingest_source
from orchestration.ingest.weeks import week_from_file_name

HEADER = b"Domain,Topic,Composite Score"


def _weeks(con):
    return con.execute(
        "select _file_name, Domain, week_start from raw.intent_bombora order by _file_name, _row_number"
    ).fetchall()


def test_week_from_file_name_is_that_dates_monday(warehouse, tmp_path):
    folder = tmp_path / "lz" / "intent" / "bombora"
    write(folder / "surge_2024-03-04.csv", HEADER + b"\nx.com,CRM,70\n")
    write(folder / "surge_2024-03-13.csv", HEADER + b"\ny.com,CRM,70\n")
    ingest_source(warehouse, "intent_bombora", tmp_path / "lz")
    assert _weeks(warehouse) == [
        ("surge_2024-03-04.csv", "x.com", date(2024, 3, 4)),
        ("surge_2024-03-13.csv", "y.com", date(2024, 3, 11)),
    ]


def test_week_column_wins_and_is_normalised_to_monday(warehouse, tmp_path):
    folder = tmp_path / "lz" / "intent" / "bombora"
    write(folder / "surge_2024-01-01.csv", b"Week," + HEADER + b"\n2024-03-07,x.com,CRM,70\n,y.com,CRM,70\n")
    write(folder / "undated.csv", b"week," + HEADER + b"\n2024-03-11T00:00:00Z,z.com,CRM,70\n")
    ingest_source(warehouse, "intent_bombora", tmp_path / "lz")
    assert _weeks(warehouse) == [
        ("surge_2024-01-01.csv", "x.com", date(2024, 3, 4)),
        ("surge_2024-01-01.csv", "y.com", date(2024, 1, 1)),
        ("undated.csv", "z.com", date(2024, 3, 11)),
    ]
    assert warehouse.execute("select Week from raw.intent_bombora where Domain = 'x.com'").fetchall() == [
        (date(2024, 3, 7),)]


def test_file_without_week_column_or_date_in_name_is_rejected(warehouse, tmp_path):
    write(tmp_path / "lz" / "intent" / "bombora" / "surge_latest.csv", HEADER + b"\nx.com,CRM,70\ny.com,CRM,60\n")
    [result] = ingest_source(warehouse, "intent_bombora", tmp_path / "lz")
    assert result.status == "rejected"
    assert "intent/bombora/surge_latest.csv" in result.message and "Week" in result.message
    assert (result.rows_read, result.rows_loaded, result.rows_quarantined) == (2, 0, 2)
    assert warehouse.execute("select count(*) from raw.intent_bombora").fetchall()[0][0] == 0
    assert warehouse.execute("select distinct rule from raw.quarantine").fetchall() == [("week_unknown",)]


def test_undated_row_in_undated_file_is_quarantined(warehouse, tmp_path):
    write(tmp_path / "lz" / "intent" / "bombora" / "surge.csv",
          b"Week," + HEADER + b"\n2024-03-04,x.com,CRM,70\n,y.com,CRM,70\n")
    [result] = ingest_source(warehouse, "intent_bombora", tmp_path / "lz")
    assert (result.status, result.rows_loaded, result.rows_quarantined) == ("loaded", 1, 1)
    assert warehouse.execute("select row_number, rule from raw.quarantine").fetchall() == [(2, "week_start")]


def test_week_from_file_name_ignores_invalid_dates():
    assert week_from_file_name("bombora_2024-13-01_2024-03-06.csv") == date(2024, 3, 4)
    assert week_from_file_name("sub/dir/2024-03-04.csv.gz") == date(2024, 3, 4)
    assert week_from_file_name("2024-03-04/surge.csv") is None
    assert week_from_file_name("surge_20240304.csv") is None
