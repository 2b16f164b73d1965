"""Delivering the same file twice changes nothing; re-running ingestion leaves every table identical."""

from __future__ import annotations

import shutil

from ingest_messy_landing import write

from orchestration.ingest import SOURCES, ingest_source

INGEST_TABLES = ["raw.quarantine", "raw.load_manifest", "marts.load_report"] + [f"raw.{t}" for t in SOURCES]


def _snapshot(con) -> dict[str, list[tuple]]:
    return {table: sorted(con.execute(f"select * from {table}").fetchall(), key=repr) for table in INGEST_TABLES}


def _ingest_all(con, landing, quarantine_dir=None) -> list:
    return [result for source in SOURCES for result in ingest_source(con, source, landing, quarantine_dir)]


def test_rerun_on_the_same_landing_zone_changes_no_table(warehouse, landing, quarantine_dir):
    first = _ingest_all(warehouse, landing, quarantine_dir)
    before = _snapshot(warehouse)
    assert sum(len(rows) for rows in before.values()) > 0
    second = _ingest_all(warehouse, landing, quarantine_dir)
    assert second == []
    assert _snapshot(warehouse) == before
    assert len(before["marts.load_report"]) == len(first)


def test_same_file_under_another_name_is_a_duplicate_and_loads_nothing(warehouse, landing):
    ingest_source(warehouse, "crm_accounts", landing)
    rows_before = warehouse.execute("select count(*) from raw.crm_accounts").fetchall()[0][0]
    folder = landing / "crm" / "accounts"
    shutil.copy(folder / "accounts_2024-01-01.csv", folder / "accounts_resent.csv")

    [result] = ingest_source(warehouse, "crm_accounts", landing)

    assert (result.file_name, result.status, result.rows_read, result.rows_loaded) == (
        "accounts_resent.csv", "duplicate", 0, 0)
    assert "accounts_2024-01-01.csv" in result.message
    assert warehouse.execute("select count(*) from raw.crm_accounts").fetchall()[0][0] == rows_before
    assert ingest_source(warehouse, "crm_accounts", landing) == []
    statuses = warehouse.execute(
        "select status, count(*) from marts.load_report where file_name = 'accounts_resent.csv' group by 1"
    ).fetchall()
    assert statuses == [("duplicate", 1)]


def test_two_identical_files_in_one_run_load_once(warehouse, tmp_path):
    body = b"Id,Name,OwnerId\n001,A,U1\n"
    write(tmp_path / "lz" / "crm" / "users" / "b.csv", b"Id,Name\nU1,Ann\n")
    write(tmp_path / "lz" / "crm" / "accounts" / "a.csv", body)
    write(tmp_path / "lz" / "crm" / "accounts" / "b.csv", body)
    results = ingest_source(warehouse, "crm_accounts", tmp_path / "lz")
    assert [(r.file_name, r.status) for r in results] == [("a.csv", "loaded"), ("b.csv", "duplicate")]
    assert warehouse.execute("select count(*) from raw.crm_accounts").fetchall()[0][0] == 1


def test_delivery_seq_follows_file_name_byte_order_and_grows_across_runs(warehouse, tmp_path):
    folder = tmp_path / "lz" / "crm" / "accounts"
    write(folder / "b.csv", b"Id,Name,OwnerId\n001,B,U1\n")
    write(folder / "a.csv", b"Id,Name,OwnerId\n001,A,U1\n")
    write(folder / "Z.csv", b"Id,Name,OwnerId\n001,Z,U1\n")
    ingest_source(warehouse, "crm_accounts", tmp_path / "lz")
    write(folder / "0_late.csv", b"Id,Name,OwnerId\n001,Late,U1\n")
    ingest_source(warehouse, "crm_accounts", tmp_path / "lz")

    order = warehouse.execute(
        "select _file_name, _delivery_seq from raw.crm_accounts order by _delivery_seq"
    ).fetchall()
    assert [name for name, _ in order] == ["Z.csv", "a.csv", "b.csv", "0_late.csv"]
    assert [seq for _, seq in order] == [1, 2, 3, 4]


def test_changed_content_under_the_same_name_is_a_new_delivery(warehouse, tmp_path):
    path = write(tmp_path / "lz" / "crm" / "accounts" / "accounts.csv", b"Id,Name,OwnerId\n001,Old,U1\n")
    ingest_source(warehouse, "crm_accounts", tmp_path / "lz")
    path.write_bytes(b"Id,Name,OwnerId\n001,New,U1\n")
    [result] = ingest_source(warehouse, "crm_accounts", tmp_path / "lz")
    assert result.status == "loaded" and result.delivery_seq == 2
    assert warehouse.execute(
        "select Name, _delivery_seq from raw.crm_accounts order by _delivery_seq"
    ).fetchall() == [("Old", 1), ("New", 2)]
