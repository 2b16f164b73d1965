"""One definition of a named account (intermediate.int_named_accounts): an account an Id rule
places and an account only the CRM flags (Named_Account__c) are both named, and the planner,
reading its inputs from the warehouse, keeps both where they are."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from models_ml.territory import PlanSettings, plan_territories
from orchestration.planning import inputs
from orchestration.planning.review import plan_verdicts
from tests.unit.dbt.conftest import run_dbt
from tests.unit.dbt.dbt_warehouse_fixture import build_warehouse

ID_RULE_ONLY = ("001A", "ACC-A", "T-NAMED")  # the T-NAMED Id rule places it; its CRM flag is cleared
CRM_FLAG_ONLY = ("001C", "ACC-C", "T-CA-ENT")  # a California Enterprise account the CRM flags as named


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    work_dir = tmp_path_factory.mktemp("named")
    path = build_warehouse(work_dir / "terrain.duckdb")
    with duckdb.connect(str(path)) as con:
        con.execute('update raw.crm_accounts set "Named_Account__c" = (Id = ?)', [CRM_FLAG_ONLY[0]])
    built = run_dbt(["build", "--select", "+int_plan_accounts", "+int_plan_territories", "+int_plan_reps",
                     "--exclude-resource-type", "unit_test", "--indirect-selection", "cautious"], path, work_dir)
    assert built.returncode == 0, built.stdout[-3000:]
    return path


def test_id_rule_and_crm_flag_both_name_an_account(warehouse):
    with duckdb.connect(str(warehouse), read_only=True) as con:
        named = {row[0]: row[1:] for row in con.execute(
            "select account_key, territory_id, named_reason from intermediate.int_named_accounts").fetchall()}
        unified = dict(con.execute(
            "select account_key, is_named_account from intermediate.int_companies_unified").fetchall())
    assert named == {ID_RULE_ONLY[1]: (ID_RULE_ONLY[2], "id_rule"), CRM_FLAG_ONLY[1]: (CRM_FLAG_ONLY[2], "crm_flag")}
    assert {key for key, is_named in unified.items() if is_named} == set(named)


def test_the_planner_pins_both_kinds_of_named_account(warehouse):
    with duckdb.connect(str(warehouse), read_only=True) as con:
        accounts = inputs.load_accounts(con)
        territories = inputs.load_territories(con)
    pinned = accounts.set_index("account_key")["named_territory_id"].dropna().to_dict()
    assert pinned == {ID_RULE_ONLY[1]: ID_RULE_ONLY[2], CRM_FLAG_ONLY[1]: CRM_FLAG_ONLY[2]}

    settings = PlanSettings()
    plan = plan_territories(accounts, territories, settings)
    out = plan.assignments.set_index("account_key")
    for _, key, territory in (ID_RULE_ONLY, CRM_FLAG_ONLY):
        assert out.loc[key, "proposed_territory_id"] == territory
        assert out.loc[key, "reason"] == "named account"
    verdicts = {v.name: v for v in plan_verdicts(plan.metrics, plan.summary, plan.assignments, accounts,
                                                 settings.tolerance, settings.workload_tolerance)}
    assert verdicts["pinned_accounts_kept"].passed
