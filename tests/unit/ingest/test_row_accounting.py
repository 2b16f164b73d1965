"""Every delivered row is either loaded or quarantined with its reason, and the report says so."""

from __future__ import annotations

from datetime import datetime

import duckdb
import pytest
from ingest_messy_landing import ACCOUNTS_MAIN_QUARANTINE, build_messy_landing

from orchestration.ingest import SOURCES, ingest_source, reconcile_source


def _by_file(results):
    return {r.file_name: r for r in results}


@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    """The messy landing zone's accounts, ingested once for the read-only tests of this module."""
    root = tmp_path_factory.mktemp("accounts")
    landing = build_messy_landing(root / "landing")
    con = duckdb.connect(str(root / "terrain.duckdb"))
    results = ingest_source(con, "crm_accounts", landing, root / "quarantine")
    yield con, _by_file(results)
    con.close()


@pytest.fixture
def warehouse_with_accounts(loaded):
    return loaded[0]


def test_every_delivery_is_reported_with_rows_adding_up(warehouse_with_accounts):
    warehouse = warehouse_with_accounts
    report = warehouse.execute(
        "select file_name, status, rows_read, rows_loaded, rows_quarantined from marts.load_report "
        "where source = 'crm/accounts' order by file_name"
    ).fetchall()
    assert report == [
        ("accounts_2024-01-01.csv", "loaded", 9, 4, 5),
        ("accounts_2024-02-01.csv.gz", "loaded", 2, 2, 0),
        ("accounts_2024-03-01.parquet", "loaded", 3, 2, 1),
        ("accounts_header_only.csv", "loaded", 0, 0, 0),
        ("accounts_missing_owner.csv", "rejected", 2, 0, 2),
        ("accounts_zero_bytes.csv", "rejected", 0, 0, 0),
    ]
    assert reconcile_source(warehouse, "crm_accounts") == []
    assert warehouse.execute("select count(*) from raw.crm_accounts").fetchone()[0] == 8


def test_quarantined_rows_carry_rule_value_and_a_message_naming_file_and_row(warehouse_with_accounts):
    warehouse = warehouse_with_accounts
    rows = warehouse.execute(
        "select row_number, rule, column_name, value, message, record from raw.quarantine "
        "where file_name = 'accounts_2024-01-01.csv' order by row_number"
    ).fetchall()
    assert {row[0]: row[1] for row in rows} == ACCOUNTS_MAIN_QUARANTINE
    by_row = {row[0]: row for row in rows}
    assert by_row[4][2:4] == ("NumberOfEmployees", "-4")
    assert by_row[5][2:4] == ("CreatedDate", "2024-02-30")
    assert by_row[6][2] == "Name"
    assert by_row[7][2:4] == ("Named_Account__c", "maybe")
    assert "\\xe9" in by_row[8][3]
    for row_number, _, _, _, message, record in rows:
        assert message.startswith(f"crm/accounts/accounts_2024-01-01.csv row {row_number}: ")
        assert record.startswith("{")
    assert "value_range" in by_row[4][4] and ">= 0" in by_row[4][4]
    assert '"Internal Note":"negative employees"' in by_row[4][5]


def test_text_is_kept_exactly_ids_keep_leading_zeros_and_types_parse(warehouse_with_accounts):
    warehouse = warehouse_with_accounts
    rows = warehouse.execute(
        "select Id, Name, OwnerId, NumberOfEmployees, CreatedDate, LastModifiedDate, Named_Account__c "
        "from raw.crm_accounts where _file_name = 'accounts_2024-01-01.csv' order by _row_number"
    ).fetchall()
    ids = [row[0] for row in rows]
    assert ids == ["00123", "00124", "00125", "00131"]
    acme, formula, multi_line, last = rows
    assert acme[1] == "Acme, Inc." and acme[2] == "005A" and acme[3] == 120.0
    assert str(acme[4]) == "2024-01-05 08:00:00" and str(acme[5]) == "2024-02-01 08:30:00"
    assert acme[6] is True
    assert formula[1] == "=SUM(A1:A9)" and formula[6] is False
    assert str(formula[5]) == "2024-01-06 00:00:00.250000"
    assert multi_line[1] == 'Multi\nLine Name "Quoted"'
    assert multi_line[3] is None and multi_line[6] is None
    assert last[6] is False


def test_raw_table_has_the_full_contract_schema_and_no_extra_columns(warehouse_with_accounts):
    warehouse = warehouse_with_accounts
    columns = [row[0] for row in warehouse.execute("describe raw.crm_accounts").fetchall()]
    expected = [c.raw_name for c in SOURCES["crm_accounts"].columns]
    assert columns == expected + ["_file_name", "_file_sha256", "_row_number", "_loaded_at", "_delivery_seq"]
    assert "Internal Note" not in columns and "Unlisted" not in columns


def test_parquet_and_gzip_deliveries_load(warehouse_with_accounts):
    warehouse = warehouse_with_accounts
    rows = dict(warehouse.execute(
        "select Id, AnnualRevenue from raw.crm_accounts where _file_name like '%.parquet'"
    ).fetchall())
    assert rows == {"00300": 1.5e6, "00302": None}
    gz = warehouse.execute(
        "select Id, Name from raw.crm_accounts where _file_name = 'accounts_2024-02-01.csv.gz' order by Id"
    ).fetchall()
    assert gz == [("00123", "Acme Incorporated"), ("00200", "Gzip Co")]
    assert warehouse.execute(
        "select rule, column_name from raw.quarantine where file_name like '%.parquet'"
    ).fetchall() == [("required_value", "OwnerId")]


@pytest.mark.parametrize(
    ("source", "expected_rules"),
    [
        ("map_activities", {3: ("allowed_values", "activity_type"), 4: ("allowed_values", "source_system")}),
        ("territory_rules", {3: ("allowed_values", "Operator"), 4: ("type_parse", "Priority")}),
        ("intent_g2", {3: ("allowed_values", "signal_type")}),
        ("intent_bombora", {2: ("value_range", "Composite Score"), 3: ("value_range", "Metro Composite Score")}),
    ],
)
def test_enum_range_and_type_rules_quarantine_the_breaking_rows(warehouse, landing, source, expected_rules):
    [result] = ingest_source(warehouse, source, landing)
    found = warehouse.execute(
        "select row_number, rule, column_name from raw.quarantine where raw_table = ? order by row_number",
        [source],
    ).fetchall()
    assert {row: (rule, column) for row, rule, column in found} == expected_rules
    assert result.rows_quarantined == len(expected_rules)
    assert result.rows_loaded == result.rows_read - len(expected_rules)
    assert result.expectations_evaluated > 0
    assert reconcile_source(warehouse, source) == []


def test_allowed_values_match_regardless_of_case_and_keep_the_delivered_text(warehouse, landing):
    ingest_source(warehouse, "map_activities", landing)
    assert warehouse.execute(
        "select activity_type, source_system, activity_ts from raw.map_activities where email = 'b@x.com'"
    ).fetchone() == ("Web_Visit", "HubSpot", datetime(2024, 3, 4, 10, 0))


def test_missing_source_folder_creates_an_empty_table_with_full_schema(warehouse, landing):
    assert ingest_source(warehouse, "crm_users", landing) == []
    columns = [row[0] for row in warehouse.execute("describe raw.crm_users").fetchall()]
    assert columns[:2] == ["Id", "Name"] and "Hire_Date__c" in columns
    assert warehouse.execute("select count(*) from raw.crm_users").fetchone()[0] == 0
