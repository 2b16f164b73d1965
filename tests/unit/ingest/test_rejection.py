"""Whole-file rejections name the file and the reason, and still lose nothing."""

from __future__ import annotations

import gzip

from ingest_messy_landing import write

from orchestration.ingest import ingest_source, reconcile_source


def test_missing_required_columns_rejects_the_file_naming_file_and_columns(warehouse, tmp_path):
    write(tmp_path / "lz" / "crm" / "opportunities" / "opps.csv",
          b"Id,Name,Amount\nO1,First,10\nO2,Second,20\nO3,Third,30\n")
    [result] = ingest_source(warehouse, "crm_opportunities", tmp_path / "lz", tmp_path / "quarantine")
    assert result.status == "rejected"
    assert "crm/opportunities/opps.csv" in result.message
    assert "AccountId, StageName, CloseDate, CreatedDate" in result.message
    assert (result.rows_read, result.rows_loaded, result.rows_quarantined) == (3, 0, 3)
    kept = warehouse.execute(
        "select row_number, rule, record from raw.quarantine order by row_number"
    ).fetchall()
    assert [(n, rule) for n, rule, _ in kept] == [(1, "missing_required_column"), (2, "missing_required_column"),
                                                 (3, "missing_required_column")]
    assert '"Name":"Second"' in kept[1][2]
    copies = list((tmp_path / "quarantine" / "crm" / "opportunities").rglob("opps.csv"))
    assert len(copies) == 1 and copies[0].read_bytes().startswith(b"Id,Name,Amount")
    assert reconcile_source(warehouse, "crm_opportunities") == []


def test_unreadable_files_are_rejected_with_a_clear_message(warehouse, tmp_path):
    folder = tmp_path / "lz" / "crm" / "contacts"
    write(folder / "empty.csv", b"")
    write(folder / "broken.csv.gz", b"this is not gzip")
    write(folder / "notes.txt", b"hello")
    write(folder / "broken.parquet", b"PAR1 nope")
    write(folder / ".DS_Store", b"\x00\x01")
    results = {r.file_name: r for r in ingest_source(warehouse, "crm_contacts", tmp_path / "lz")}
    assert set(results) == {"empty.csv", "broken.csv.gz", "notes.txt", "broken.parquet"}
    assert all(r.status == "rejected" and r.rows_read == 0 for r in results.values())
    assert "no header row" in results["empty.csv"].message
    assert "unsupported file type" in results["notes.txt"].message
    assert "Parquet" in results["broken.parquet"].message
    assert results["broken.csv.gz"].message.startswith("crm/contacts/broken.csv.gz rejected:")


def test_header_only_file_loads_zero_rows(warehouse, tmp_path):
    write(tmp_path / "lz" / "crm" / "contacts" / "c.csv.gz", gzip.compress(b"Id,AccountId,Email\n"))
    [result] = ingest_source(warehouse, "crm_contacts", tmp_path / "lz")
    assert (result.status, result.rows_read, result.rows_loaded) == ("loaded", 0, 0)


def test_malformed_rows_are_quarantined_and_the_rest_load(warehouse, tmp_path):
    write(tmp_path / "lz" / "crm" / "contacts" / "c.csv",
          b"Id,AccountId,Email\nC1,A1,a@x.com\nC2,A1\nC3,A2,c@x.com,surplus\nC4,A2,d@x.com\n")
    [result] = ingest_source(warehouse, "crm_contacts", tmp_path / "lz")
    assert (result.rows_read, result.rows_loaded, result.rows_quarantined) == (4, 2, 2)
    assert warehouse.execute("select Id, _row_number from raw.crm_contacts order by Id").fetchall() == [
        ("C1", 1), ("C4", 4)]
    assert warehouse.execute("select row_number, rule from raw.quarantine order by 1").fetchall() == [
        (2, "malformed_row"), (3, "malformed_row")]
