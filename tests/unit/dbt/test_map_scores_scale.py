"""Lead scores of all four systems, ingested as delivered and put on one 0-100 scale by dbt.

The landing zone goes through the real ingestion into a fresh warehouse, then dbt builds only the
two lead-score models (with their data tests and unit test), so this checks the whole path from a
delivered ``A1`` to ``score_normalized`` without the shared warehouse fixture.
"""

from __future__ import annotations

import csv
import subprocess
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from orchestration.ingest import ingest_source
from tests.unit.dbt.conftest import run_dbt

SCORED_AT = "2026-02-01T10:00:00Z"

# email -> (system, score as delivered, grade); the expected 0-100 score is in NORMALIZED.
DELIVERED = {
    "eloqua": [
        ("e1@x.com", "eloqua", "A1", ""), ("e2@x.com", "Eloqua", "b3", ""), ("e3@x.com", "eloqua", " C2 ", ""),
        ("e4@x.com", "ELOQUA", "D4", ""), ("e5@x.com", "eloqua", "a2", ""), ("e6@x.com", "eloqua", "B1", ""),
        ("e7@x.com", "eloqua", "E9", ""), ("e8@x.com", "eloqua", "hot", ""),
    ],
    "marketo": [("m1@x.com", "marketo", "10", ""), ("m2@x.com", "marketo", "50", "A1"),
                ("m3@x.com", "marketo", "1000", "")],
    "pardot": [("p1@x.com", "pardot", "10", "A+"), ("p2@x.com", "pardot", "20", "f"), ("p3@x.com", "pardot", "30", "")],
}
HUBSPOT = pd.DataFrame({"email": ["h1@x.com", "h2@x.com", "h3@x.com", "h4@x.com"], "source_system": "hubspot",
                        "score": [130.0, -5.0, 42.0, 42.0], "scored_at": SCORED_AT})

NORMALIZED = {
    # Eloqua points, letter (A 3 .. D 0) + digit (1 3 .. 4 0): A1 6, A2 5, B1 5, B3 3, C2 3, D4 0.
    "e1@x.com": 100.0, "e5@x.com": 70.0, "e6@x.com": 70.0, "e2@x.com": 30.0, "e3@x.com": 30.0, "e4@x.com": 0.0,
    "m1@x.com": 0.0, "m2@x.com": 50.0, "m3@x.com": 100.0,
    # Pardot: score and grade both count; the best grade lifts the lowest score above the worst grade.
    "p1@x.com": 50.0, "p2@x.com": 0.0, "p3@x.com": 100.0,
    "h1@x.com": 100.0, "h2@x.com": 0.0, "h3@x.com": 50.0, "h4@x.com": 50.0,
}


def _write_csv(path: Path, rows) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["email", "source_system", "score", "grade", "scored_at"])
        writer.writerows((*row, SCORED_AT) for row in rows)


def _dbt_build(warehouse: Path, work_dir: Path) -> subprocess.CompletedProcess:
    return run_dbt(["build", "--select", "public_suffixes", "free_mail_domains", "stg_map__scores",
                    "int_map_scores_normalized"], warehouse, work_dir)


@pytest.fixture(scope="module")
def scored(tmp_path_factory):
    root = tmp_path_factory.mktemp("map_scores")
    landing = root / "landing" / "map" / "scores"
    for system, rows in DELIVERED.items():
        _write_csv(landing / f"{system}_scores_2026-02-01.csv", rows)
    landing.mkdir(parents=True, exist_ok=True)
    HUBSPOT.to_parquet(landing / "hubspot_scores_2026-02-01.parquet", index=False)
    warehouse = root / "terrain.duckdb"
    with duckdb.connect(str(warehouse)) as con:
        results = {r.file_name: r for r in ingest_source(con, "map_scores", root / "landing")}
    build = _dbt_build(warehouse, root)
    assert build.returncode == 0, build.stdout[-4000:] + build.stderr[-2000:]
    with duckdb.connect(str(warehouse), read_only=True) as con:
        rows = con.execute(
            "select email, source_system, score, rating, score_normalized, cast(scored_at as date) "
            "from intermediate.int_map_scores_normalized"
        ).df()
    return results, build, rows.set_index("email")


def test_dbt_builds_the_lead_score_models_with_their_tests(scored):
    _, build, _ = scored
    assert "test_map_scores_share_one_scale" in build.stdout
    assert "ERROR=0" in build.stdout.replace(" ", "")


def test_eloqua_ratings_load_and_only_malformed_ones_are_quarantined(scored):
    results, _, rows = scored
    eloqua = results["eloqua_scores_2026-02-01.csv"]
    assert (eloqua.rows_read, eloqua.rows_loaded, eloqua.rows_quarantined) == (8, 6, 2)
    assert "system_scale on score (2)" in eloqua.message
    assert all(r.rows_quarantined == 0 for name, r in results.items() if not name.startswith("eloqua"))
    assert rows.loc[["e1@x.com", "e2@x.com", "e3@x.com", "e4@x.com"], "rating"].tolist() == ["A1", "B3", "C2", "D4"]
    assert rows.loc["e1@x.com", "source_system"] == "eloqua"
    assert "e7@x.com" not in rows.index and "e8@x.com" not in rows.index


def test_every_system_lands_on_the_common_scale(scored):
    _, _, rows = scored
    assert rows["score_normalized"].to_dict() == NORMALIZED


def test_each_system_averages_fifty_on_its_scoring_date(scored):
    _, _, rows = scored
    means = rows.groupby("source_system")["score_normalized"].mean()
    assert means.round(9).to_dict() == {"eloqua": 50.0, "hubspot": 50.0, "marketo": 50.0, "pardot": 50.0}


def test_numbers_stay_numbers_and_ratings_rank_letter_and_digit_together(scored):
    _, _, rows = scored
    assert rows.loc["m3@x.com", "score"] == 1000.0 and pd.isna(rows.loc["e1@x.com", "score"])
    assert rows.loc["h3@x.com", "score"] == 42.0
    assert rows.loc["m2@x.com", "score"] == 50.0 and pd.isna(rows.loc["m2@x.com", "rating"])  # grade "A1" is text
    # The letter and the digit both count: A1 is above A2 and above B1, which are one step from it each.
    normalized = rows["score_normalized"]
    assert normalized["e1@x.com"] > normalized["e5@x.com"] == normalized["e6@x.com"] > normalized["e4@x.com"]
    assert normalized["e2@x.com"] == normalized["e3@x.com"]  # B3 and C2: three points each
