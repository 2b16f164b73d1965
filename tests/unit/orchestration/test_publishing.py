"""Publishing: every mart copied with its descriptions, the swap atomic, the CRM file holding the
accounts that changed, formulas neutralised."""

import csv
from datetime import date, datetime

import duckdb
import pytest

from orchestration.ingest.tables import LOAD_REPORT_COLUMNS
from orchestration.planning.scenarios import PLAN_COLUMNS
from orchestration.publishing import CRM_FULL_FILE, FULL_CRM_FILE_ENV, TableDocs, crm_value, dbt_mart_docs, neutralise_formula, publish_marts

DOCS = {
    "account_priority": TableDocs("One row per company.", {"account_key": "Company key."}),
    "crm_account_updates": TableDocs("The CRM write-back.", {
        "id": "Salesforce Account Id.", "top_reasons__c": "Reasons in words.", "score": "A score."}),
    "territory_plan": TableDocs("Scenario x account.", {
        "scenario_id": "Scenario.", "account_key": "Company key.", "proposed_territory_id": "Proposed territory."}),
}


@pytest.fixture(autouse=True)
def _no_full_file_request(monkeypatch):
    monkeypatch.delenv(FULL_CRM_FILE_ENV, raising=False)


def _publish(warehouse, serving, **options):
    return publish_marts(warehouse, serving, docs=options.pop("docs", DOCS), **options)


def _warehouse(path):
    con = duckdb.connect(str(path))
    con.execute("create schema marts")
    con.execute("create table marts.account_priority as select range as account_key from range(5)")
    con.execute("""create table marts.crm_account_updates as select * from (values
        ('001A', '=HYPERLINK(\"http://x\")', -3.5), ('001B', 'Surging on CRM topics', 2.0)) t("Id", "Top_Reasons__c", score)""")
    con.close()


def _execute(path, sql):
    con = duckdb.connect(str(path))
    con.execute(sql)
    con.close()


def _csv_rows(path):
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _comments(serving_db):
    con = duckdb.connect(str(serving_db), read_only=True)
    tables = dict(con.execute("select table_name, comment from duckdb_tables() where schema_name = 'marts'").fetchall())
    columns = {f"{t}.{c}": comment for t, c, comment in con.execute(
        "select table_name, column_name, comment from duckdb_columns() where schema_name = 'marts'").fetchall()}
    con.close()
    return tables, columns


def test_neutralise_formula_only_touches_formula_text():
    assert neutralise_formula("=SUM(A1:A3)") == "'=SUM(A1:A3)"
    assert neutralise_formula("@cmd") == "'@cmd"
    assert neutralise_formula("Acme Inc") == "Acme Inc"
    assert neutralise_formula(-4.0) == -4.0


def test_publish_copies_marts_and_writes_crm_file(tmp_path):
    warehouse = tmp_path / "warehouse.duckdb"
    _warehouse(warehouse)
    result = _publish(warehouse, tmp_path / "serving")
    assert result.tables == {"account_priority": 5, "crm_account_updates": 2}
    con = duckdb.connect(str(result.serving_db), read_only=True)
    assert con.execute("select count(*) from marts.account_priority").fetchone()[0] == 5
    con.close()
    assert (result.parquet_dir / "account_priority" / "data.parquet").exists()
    rows = _csv_rows(result.crm_file)
    assert rows[0]["Top_Reasons__c"] == "'=HYPERLINK(\"http://x\")"
    assert rows[0]["score"] == "-3.5"
    assert rows[1]["Top_Reasons__c"] == "Surging on CRM topics"
    assert _csv_rows(result.crm_full_file) == rows


def test_republish_replaces_and_leaves_no_temporary_files(tmp_path):
    warehouse = tmp_path / "warehouse.duckdb"
    _warehouse(warehouse)
    serving = tmp_path / "serving"
    _publish(warehouse, serving)
    reader = duckdb.connect(str(serving / "terrain.duckdb"), read_only=True)
    _execute(warehouse, "insert into marts.account_priority values (99)")
    _publish(warehouse, serving)
    assert reader.execute("select count(*) from marts.account_priority").fetchone()[0] == 5
    reader.close()
    fresh = duckdb.connect(str(serving / "terrain.duckdb"), read_only=True)
    assert fresh.execute("select count(*) from marts.account_priority").fetchone()[0] == 6
    fresh.close()
    assert not [p.name for p in serving.rglob("*") if p.name.startswith(".")]


def test_a_table_no_longer_in_the_marts_leaves_the_parquet_copies(tmp_path):
    warehouse, serving = tmp_path / "warehouse.duckdb", tmp_path / "serving"
    _warehouse(warehouse)
    _publish(warehouse, serving)
    _execute(warehouse, "drop table marts.account_priority")
    result = _publish(warehouse, serving)
    assert sorted(p.name for p in result.parquet_dir.iterdir()) == ["crm_account_updates"]


def test_every_published_table_and_column_carries_its_description(tmp_path):
    warehouse = tmp_path / "warehouse.duckdb"
    _warehouse(warehouse)
    result = _publish(warehouse, tmp_path / "serving")
    tables, columns = _comments(result.serving_db)
    assert tables == {"account_priority": "One row per company.", "crm_account_updates": "The CRM write-back."}
    assert columns == {"account_priority.account_key": "Company key.", "crm_account_updates.Id": "Salesforce Account Id.",
                       "crm_account_updates.Top_Reasons__c": "Reasons in words.", "crm_account_updates.score": "A score."}
    assert result.undocumented == ()


def test_a_column_without_a_description_is_reported_and_left_without_comment(tmp_path):
    warehouse = tmp_path / "warehouse.duckdb"
    _warehouse(warehouse)
    _execute(warehouse, "alter table marts.account_priority add column fit_reasons varchar")
    _execute(warehouse, "create table marts.rep_notes as select 1 as note_id")
    result = _publish(warehouse, tmp_path / "serving")
    assert result.undocumented == ("account_priority.fit_reasons", "rep_notes", "rep_notes.note_id")
    tables, columns = _comments(result.serving_db)
    assert columns["account_priority.fit_reasons"] is None and tables["rep_notes"] is None
    assert columns["account_priority.account_key"] == "Company key."


def test_the_dbt_projects_descriptions_reach_the_tables_python_writes(tmp_path):
    """The descriptions come from the dbt sources' yml through the manifest: every column that
    ingestion and the planner write to load_report and territory_plan, and entity_matches'."""
    warehouse = tmp_path / "warehouse.duckdb"
    load_report = ", ".join(f"null::{kind} as {name}" for name, kind in LOAD_REPORT_COLUMNS)
    plan = ", ".join(f"null as {name}" for name in PLAN_COLUMNS)
    _execute(warehouse, f"""create schema marts;
        create table marts.load_report as select {load_report};
        create table marts.territory_plan as select {plan};
        create table marts.entity_matches as select null as vendor_company_id, null as crm_account_id,
            null as match_probability, null as match_method""")
    result = publish_marts(warehouse, tmp_path / "serving", docs=dbt_mart_docs())
    assert result.undocumented == ()
    tables, columns = _comments(result.serving_db)
    assert len(columns) == len(LOAD_REPORT_COLUMNS) + len(PLAN_COLUMNS) + 4
    assert all(text and text.strip() for text in (*tables.values(), *columns.values()))
    assert "SHA-256" in columns["load_report.file_sha256"]


def test_a_plan_that_failed_its_checks_keeps_its_comments(tmp_path):
    warehouse, serving = tmp_path / "warehouse.duckdb", tmp_path / "serving"
    _warehouse(warehouse)
    _set_plan(warehouse, "T-GOOD")
    _plan_status(warehouse, True)
    _publish(warehouse, serving)
    _set_plan(warehouse, "T-BAD")
    _plan_status(warehouse, False)
    result = _publish(warehouse, serving)
    tables, columns = _comments(result.serving_db)
    assert tables["territory_plan"] == "Scenario x account."
    assert columns["territory_plan.proposed_territory_id"] == "Proposed territory."


def test_crm_file_holds_only_the_accounts_that_changed(tmp_path):
    warehouse, serving = tmp_path / "warehouse.duckdb", tmp_path / "serving"
    _warehouse(warehouse)
    first = _publish(warehouse, serving)
    assert first.crm_rows == 2
    again = _publish(warehouse, serving)
    assert again.crm_rows == 0
    assert again.crm_file.read_text(encoding="utf-8") == "Id,Top_Reasons__c,score\n"
    assert [row["Id"] for row in _csv_rows(again.crm_full_file)] == ["001A", "001B"]
    _execute(warehouse, "update marts.crm_account_updates set score = 2.5 where \"Id\" = '001B'")
    changed = _publish(warehouse, serving)
    assert _csv_rows(changed.crm_file) == [{"Id": "001B", "Top_Reasons__c": "Surging on CRM topics", "score": "2.5"}]
    assert changed.crm_rows == 1
    assert [row["score"] for row in _csv_rows(changed.crm_full_file)] == ["-3.5", "2.5"]


def test_a_new_account_is_sent_and_unchanged_formulas_stay_neutralised(tmp_path):
    warehouse, serving = tmp_path / "warehouse.duckdb", tmp_path / "serving"
    _warehouse(warehouse)
    _publish(warehouse, serving)
    _execute(warehouse, "insert into marts.crm_account_updates values ('001C', '+1 intent surge', 1.0)")
    result = _publish(warehouse, serving)
    assert _csv_rows(result.crm_file) == [{"Id": "001C", "Top_Reasons__c": "'+1 intent surge", "score": "1.0"}]
    assert _csv_rows(result.crm_full_file)[0]["Top_Reasons__c"] == "'=HYPERLINK(\"http://x\")"


def test_every_account_on_request(tmp_path, monkeypatch):
    warehouse, serving = tmp_path / "warehouse.duckdb", tmp_path / "serving"
    _warehouse(warehouse)
    _publish(warehouse, serving)
    monkeypatch.setenv(FULL_CRM_FILE_ENV, "1")
    assert _publish(warehouse, serving).crm_rows == 2
    monkeypatch.delenv(FULL_CRM_FILE_ENV)
    assert _publish(warehouse, serving, full_crm_file=True).crm_rows == 2
    assert _publish(warehouse, serving).crm_rows == 0


def test_other_columns_than_the_last_full_file_send_every_account(tmp_path):
    warehouse, serving = tmp_path / "warehouse.duckdb", tmp_path / "serving"
    _warehouse(warehouse)
    _publish(warehouse, serving)
    _execute(warehouse, "alter table marts.crm_account_updates add column \"Motion__c\" varchar")
    result = _publish(warehouse, serving, docs={})
    assert result.crm_rows == 2
    assert (serving / "crm" / CRM_FULL_FILE).read_text(encoding="utf-8").startswith("Id,Top_Reasons__c,score,Motion__c\n")


def test_crm_values_are_written_as_salesforce_loads_them():
    assert crm_value(None) == ""
    assert crm_value(float("nan")) == ""
    assert crm_value(117) == "117"
    assert crm_value(98.7) == "98.7"
    assert crm_value(1e16) == "10000000000000000"
    assert crm_value(True) == "true"
    assert crm_value(date(2026, 11, 8)) == "2026-11-08"
    assert crm_value(datetime(2026, 11, 8, 9, 30)) == "2026-11-08T09:30:00.000Z"
    assert crm_value("=cmd") == "'=cmd"


def test_crm_file_is_utf8_with_empty_nulls_and_whole_numbers(tmp_path):
    warehouse, serving = tmp_path / "warehouse.duckdb", tmp_path / "serving"
    _execute(warehouse, """create schema marts; create table marts.crm_account_updates as select * from (values
        ('001A', 'Zürich, "Nord"', 12::bigint, true), ('001B', null, null, null)) t("Id", "Name", "Priority_Rank__c", "Flag__c")""")
    result = _publish(warehouse, serving, docs={})
    assert result.crm_file.read_bytes().decode("utf-8") == (
        'Id,Name,Priority_Rank__c,Flag__c\n001A,"Zürich, ""Nord""",12,true\n001B,,,\n')


def _plan_status(path, publishable):
    con = duckdb.connect(str(path))
    con.execute("create schema if not exists territory")
    con.execute("create or replace table territory.plan_status as select 'proposed' as scenario_id, "
                f"{str(publishable).lower()} as publishable, 'within_balance_tolerance: 40% off' as failed_checks")
    con.close()


def _set_plan(path, territory):
    con = duckdb.connect(str(path))
    con.execute("create or replace table marts.territory_plan as select 'proposed' as scenario_id, 'K1' as account_key, "
                f"'{territory}' as proposed_territory_id")
    con.execute("create or replace table marts.account_priority as select range as account_key from range(7)")
    con.close()


def test_a_plan_that_failed_its_checks_leaves_the_previous_plan_and_publishes_the_rest(tmp_path):
    warehouse, serving = tmp_path / "warehouse.duckdb", tmp_path / "serving"
    _warehouse(warehouse)
    _set_plan(warehouse, "T-GOOD")
    _plan_status(warehouse, True)
    assert _publish(warehouse, serving).plan_held is None
    _set_plan(warehouse, "T-BAD")
    _plan_status(warehouse, False)
    result = _publish(warehouse, serving)
    assert "40% off" in result.plan_held
    con = duckdb.connect(str(result.serving_db), read_only=True)
    assert con.execute("select proposed_territory_id from marts.territory_plan").fetchall() == [("T-GOOD",)]
    assert con.execute("select count(*) from marts.account_priority").fetchone()[0] == 7
    con.close()
    parquet = duckdb.sql(f"select proposed_territory_id from '{result.parquet_dir / 'territory_plan' / 'data.parquet'}'").fetchall()
    assert parquet == [("T-GOOD",)]


def test_a_first_plan_that_failed_publishes_empty_plan_tables(tmp_path):
    warehouse = tmp_path / "warehouse.duckdb"
    _warehouse(warehouse)
    _set_plan(warehouse, "T-BAD")
    _plan_status(warehouse, False)
    result = _publish(warehouse, tmp_path / "serving")
    assert result.tables["territory_plan"] == 0
    assert result.tables["account_priority"] == 7
