"""Lead scores load on their own system's scale; a value off that scale is quarantined with its reason."""

from __future__ import annotations

import csv

import duckdb
import pandas as pd
import pytest

from orchestration.ingest import ingest_source, reconcile_source


def _write_scores(landing, file_name: str, rows: list[tuple[str, str, str, str]]) -> None:
    folder = landing / "map" / "scores"
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / file_name, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["email", "source_system", "score", "grade", "scored_at"])
        writer.writerows((*row, "2026-02-01T10:00:00Z") for row in rows)


def _quarantine(warehouse, file_name: str) -> dict[int, tuple]:
    rows = warehouse.execute(
        "select row_number, rule, column_name, value, message from raw.quarantine where file_name = ?", [file_name]
    ).fetchall()
    return {row[0]: row[1:] for row in rows}


# One case per system: values on its scale (they load), then values off it (quarantined).
SCALES = {
    "eloqua": (["A1", "b3", " C2 ", "D4", "a4", "42", "0.5"], ["E9", "hot", "A5", "A11", "1A", "A+"]),
    "marketo": (["10", "-3", "1000", " 12.5 ", "1e2"], ["A1", "hot", "1,000", "inf"]),
    "hubspot": (["0", "42", "100", "130.5"], ["B2", "high", "nan"]),
    "pardot": (["55", "0", "250"], ["A+", "C3", "fifty"]),
}


@pytest.mark.parametrize("system", sorted(SCALES))
def test_each_system_loads_its_own_scale_and_quarantines_the_rest(tmp_path, warehouse, system):
    good, bad = SCALES[system]
    values = good + bad
    file_name = f"{system}_scores.csv"
    _write_scores(tmp_path, file_name, [(f"c{i}@x.com", system, value, "") for i, value in enumerate(values)])

    [result] = ingest_source(warehouse, "map_scores", tmp_path)

    assert (result.rows_read, result.rows_loaded, result.rows_quarantined) == (len(values), len(good), len(bad))
    quarantined = _quarantine(warehouse, file_name)
    bad_rows = range(len(good) + 1, len(values) + 1)
    assert set(quarantined) == set(bad_rows)
    for row, value in zip(bad_rows, bad, strict=True):
        rule, column, stored, message = quarantined[row]
        assert (rule, column, stored) == ("system_scale", "score", value)
        assert message.startswith(f"map/scores/{file_name} row {row}: rule system_scale on score: '{value}'")
        assert f"the {system} scale" in message
    assert sorted(r[0] for r in warehouse.execute("select score from raw.map_scores").fetchall()) == sorted(good)
    assert reconcile_source(warehouse, "map_scores") == []


def test_eloqua_ratings_load_with_nothing_quarantined(tmp_path, warehouse):
    ratings = [f"{letter}{digit}" for letter in "ABCD" for digit in "1234"]
    delivered = ratings + [r.lower() for r in ratings] + [f" {r} " for r in ratings]
    _write_scores(tmp_path, "eloqua_scores_2026-02-01.csv",
                  [(f"e{i}@x.com", "Eloqua", rating, "") for i, rating in enumerate(delivered)])

    [result] = ingest_source(warehouse, "map_scores", tmp_path)

    assert (result.status, result.rows_loaded, result.rows_quarantined) == ("loaded", 48, 0)
    assert warehouse.execute("select count(*) from raw.quarantine").fetchone()[0] == 0


def test_pardot_grades_run_from_a_plus_to_f(tmp_path, warehouse):
    good = ["A+", "A", "a-", "B+", "b", "B-", "C+", "C", "C-", "D+", "D", "D-", "f", ""]
    bad = ["E", "F+", "A++", "good"]
    _write_scores(tmp_path, "pardot_scores.csv",
                  [(f"p{i}@x.com", "pardot", "50", grade) for i, grade in enumerate(good + bad)])

    [result] = ingest_source(warehouse, "map_scores", tmp_path)

    assert (result.rows_loaded, result.rows_quarantined) == (len(good), len(bad))
    quarantined = _quarantine(warehouse, "pardot_scores.csv")
    assert {row: (rule, column, value) for row, (rule, column, value, _) in quarantined.items()} == {
        len(good) + i: ("system_scale", "grade", grade) for i, grade in enumerate(bad, start=1)
    }
    assert "is not on the pardot scale: a grade A+ to F" in quarantined[len(good) + 1][3]


def test_a_grade_is_free_text_outside_pardot(tmp_path, warehouse):
    _write_scores(tmp_path, "marketo_scores.csv", [("m@x.com", "marketo", "12", "hot lead")])
    [result] = ingest_source(warehouse, "map_scores", tmp_path)
    assert (result.rows_loaded, result.rows_quarantined) == (1, 0)


def test_an_unknown_system_is_quarantined_by_its_allowed_values_not_by_a_scale(tmp_path, warehouse):
    _write_scores(tmp_path, "zoho_scores.csv", [("z@x.com", "zoho", "A1", "")])
    ingest_source(warehouse, "map_scores", tmp_path)
    assert [r[:3] for r in _quarantine(warehouse, "zoho_scores.csv").values()] == [
        ("allowed_values", "source_system", "zoho")
    ]


def test_parquet_numbers_load_as_their_text(tmp_path, warehouse):
    folder = tmp_path / "map" / "scores"
    folder.mkdir(parents=True)
    pd.DataFrame({"email": ["h@x.com"], "source_system": ["hubspot"], "score": [42.5],
                  "scored_at": ["2026-02-01"]}).to_parquet(folder / "hubspot_scores.parquet", index=False)
    [result] = ingest_source(warehouse, "map_scores", tmp_path)
    assert result.rows_quarantined == 0
    assert warehouse.execute("select try_cast(score as double) from raw.map_scores").fetchone()[0] == 42.5


def test_a_warehouse_with_numeric_scores_keeps_them_and_takes_eloqua_ratings(tmp_path):
    """raw.map_scores.score was a number before ratings were accepted: it becomes text in place."""
    con = duckdb.connect(str(tmp_path / "terrain.duckdb"))
    con.execute("create schema raw")
    con.execute(
        "create table raw.map_scores (email varchar, source_system varchar, score double, grade varchar, "
        "scored_at timestamp, _file_name varchar, _file_sha256 varchar, _row_number bigint, "
        "_loaded_at timestamp, _delivery_seq bigint)"
    )
    con.execute("insert into raw.map_scores values "
                "('old@x.com', 'marketo', 150, null, '2026-01-01', 'old.csv', 'abc', 1, '2026-01-02', 1)")
    _write_scores(tmp_path / "landing", "eloqua_scores.csv", [("e@x.com", "eloqua", "B2", "")])

    [result] = ingest_source(con, "map_scores", tmp_path / "landing")

    assert (result.rows_loaded, result.rows_quarantined) == (1, 0)
    assert con.execute("select email, score from raw.map_scores order by email").fetchall() == [
        ("e@x.com", "B2"), ("old@x.com", "150.0")
    ]
    con.close()
