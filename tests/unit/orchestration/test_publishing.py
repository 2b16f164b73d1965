"""Publishing: every mart copied, the swap atomic, formulas neutralised in the CRM file."""

import csv

import duckdb

from orchestration.publishing import neutralise_formula, publish_marts


def _warehouse(path):
    con = duckdb.connect(str(path))
    con.execute("create schema marts")
    con.execute("create table marts.account_priority as select range as account_key from range(5)")
    con.execute("""create table marts.crm_account_updates as select * from (values
        ('001A', '=HYPERLINK(\"http://x\")', -3.5), ('001B', 'Surging on CRM topics', 2.0)) t("Id", "Top_Reasons__c", score)""")
    con.close()


def test_neutralise_formula_only_touches_formula_text():
    assert neutralise_formula("=SUM(A1:A3)") == "'=SUM(A1:A3)"
    assert neutralise_formula("@cmd") == "'@cmd"
    assert neutralise_formula("Acme Inc") == "Acme Inc"
    assert neutralise_formula(-4.0) == -4.0


def test_publish_copies_marts_and_writes_crm_file(tmp_path):
    warehouse = tmp_path / "warehouse.duckdb"
    _warehouse(warehouse)
    result = publish_marts(warehouse, tmp_path / "serving")
    assert result.tables == {"account_priority": 5, "crm_account_updates": 2}
    con = duckdb.connect(str(result.serving_db), read_only=True)
    assert con.execute("select count(*) from marts.account_priority").fetchone()[0] == 5
    con.close()
    assert (result.parquet_dir / "account_priority" / "data.parquet").exists()
    rows = list(csv.DictReader(result.crm_file.open(encoding="utf-8")))
    assert rows[0]["Top_Reasons__c"] == "'=HYPERLINK(\"http://x\")"
    assert rows[0]["score"] == "-3.5"
    assert rows[1]["Top_Reasons__c"] == "Surging on CRM topics"


def test_republish_replaces_and_leaves_no_temporary_files(tmp_path):
    warehouse = tmp_path / "warehouse.duckdb"
    _warehouse(warehouse)
    serving = tmp_path / "serving"
    publish_marts(warehouse, serving)
    reader = duckdb.connect(str(serving / "terrain.duckdb"), read_only=True)
    con = duckdb.connect(str(warehouse))
    con.execute("insert into marts.account_priority values (99)")
    con.close()
    publish_marts(warehouse, serving)
    assert reader.execute("select count(*) from marts.account_priority").fetchone()[0] == 5
    reader.close()
    fresh = duckdb.connect(str(serving / "terrain.duckdb"), read_only=True)
    assert fresh.execute("select count(*) from marts.account_priority").fetchone()[0] == 6
    fresh.close()
    assert not [p.name for p in serving.iterdir() if p.name.startswith(".")]


def _plan_status(path, publishable):
    con = duckdb.connect(str(path))
    con.execute("create schema if not exists territory")
    con.execute("create or replace table territory.plan_status as select 'proposed' as scenario_id, "
                f"{str(publishable).lower()} as publishable, 'within_balance_tolerance: 40% off' as failed_checks")
    con.close()


def _set_plan(path, territory):
    con = duckdb.connect(str(path))
    con.execute(f"create or replace table marts.territory_plan as select 'proposed' as scenario_id, 'K1' as account_key, '{territory}' as proposed_territory_id")
    con.execute("create or replace table marts.account_priority as select range as account_key from range(7)")
    con.close()


def test_a_plan_that_failed_its_checks_leaves_the_previous_plan_and_publishes_the_rest(tmp_path):
    warehouse, serving = tmp_path / "warehouse.duckdb", tmp_path / "serving"
    _warehouse(warehouse)
    _set_plan(warehouse, "T-GOOD")
    _plan_status(warehouse, True)
    assert publish_marts(warehouse, serving).plan_held is None
    _set_plan(warehouse, "T-BAD")
    _plan_status(warehouse, False)
    result = publish_marts(warehouse, serving)
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
    result = publish_marts(warehouse, tmp_path / "serving")
    assert result.tables["territory_plan"] == 0
    assert result.tables["account_priority"] == 7
