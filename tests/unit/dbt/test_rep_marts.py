"""The per-rep marts on the small fixture warehouse: rep_accounts (each rep's accounts in order, with
their best reachable contacts) and territory_resources (reps, quota and capacity set against TAM).

The fixture's scoring tables gain what these marts read and the others do not: each account's owner
and expected value, contact scores (with an opted-out contact scored highest) and the reps' quota
and account limits.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from conftest import DbtBuild, run_dbt
from dbt_warehouse_fixture import _insert, build_warehouse, d, ts

QUOTA = {"U1": 600_000.0, "U2": 1_500_000.0}
MAX_ACCOUNTS = {"U1": 2.0, "U2": 10.0}

# contact_id, account_key, crm account, full name, title, persona, contact score, opted out
CONTACTS = [
    ("C1", "ACC-A", "001A", "Jane Doe", "VP Sales", "economic buyer", 70.0, False),
    ("C3", "ACC-A", "001A", "Ann Opt", "CRO", "economic buyer", 99.0, True),
    ("C4", "ACC-A", "001A", "Bo Best", "CTO", "technical evaluator", 90.0, False),
    ("C5", "ACC-A", "001A", "Cy Third", "Sales Ops", "champion", 40.0, False),
    ("C6", "ACC-A", "001A", "Di Fourth", None, "end user", 10.0, False),
    ("C2", "ACC-C", "001C", "Sam Lee", "CTO", "technical evaluator", 80.0, True),
]


def _add_rep_inputs(warehouse: Path) -> None:
    """What the scoring asset and the CRM user export give these marts beyond the shared fixture."""
    with duckdb.connect(str(warehouse)) as con:
        con.execute("alter table marts.account_priority add column if not exists owner_user_id varchar")
        con.execute("alter table marts.account_priority add column if not exists expected_value_usd double")
        con.execute("update marts.account_priority set account_name = account_key,"
                    " expected_value_usd = round(readiness_probability * 100000, 2),"
                    " owner_user_id = case when crm_account_id is not null then 'U1' end")
        for user_id in QUOTA:
            con.execute('update raw.crm_users set "Annual_Quota__c" = ?, "Max_Accounts__c" = ? where "Id" = ?',
                        [QUOTA[user_id], MAX_ACCOUNTS[user_id], user_id])
        _insert(con, "crm_contacts", [
            {"Id": contact_id, "AccountId": crm_id, "FirstName": name.split()[0], "LastName": name.split()[1],
             "Email": f"{name.split()[0].lower()}@acme.com", "Title": title, "HasOptedOutOfEmail": opted_out,
             "LastModifiedDate": ts("2026-01-01 00:00:00")}
            for contact_id, _, crm_id, name, title, _, _, opted_out in CONTACTS if contact_id not in ("C1", "C2")
        ], delivery=2, file_name="contacts_2.csv")
        con.execute("""create or replace table marts.contact_priority (contact_id varchar, account_key varchar,
            crm_account_id varchar, full_name varchar, title varchar, persona varchar, contact_score double,
            rank_in_account bigint, is_opted_out boolean, as_of_date date)""")
        for contact_id, account_key, crm_id, name, title, persona, score, opted_out in CONTACTS:
            con.execute("insert into marts.contact_priority values (?, ?, ?, ?, ?, ?, ?, null, ?, ?)",
                        [contact_id, account_key, crm_id, name, title, persona, score, opted_out, d("2026-02-15")])


@pytest.fixture(scope="module")
def rep_build(tmp_path_factory: pytest.TempPathFactory) -> DbtBuild:
    work_dir = tmp_path_factory.mktemp("rep_marts")
    warehouse = build_warehouse(work_dir / "terrain.duckdb")
    _add_rep_inputs(warehouse)
    result = run_dbt(["build", "--select", "+rep_accounts", "+territory_resources", "+tam_by_territory",
                      "--exclude", "test_type:unit", "--indirect-selection", "cautious"],
                     warehouse, work_dir)
    assert result.returncode == 0, (result.stdout + result.stderr)[-4000:]
    return DbtBuild(warehouse, result.returncode, result.stdout, {})


def test_rank_for_rep_runs_one_to_n_per_plan_and_rep_by_expected_value(rep_build):
    ranks = rep_build.query("""
        select plan, owner_user_id, min(rank_for_rep), max(rank_for_rep), count(distinct rank_for_rep), count(*)
        from marts.rep_accounts group by 1, 2""")
    assert {(plan, owner) for plan, owner, *_ in ranks} == {
        ("current", "U1"), ("current", "U2"), ("published", "U2")}
    for plan, owner, low, high, distinct, rows in ranks:
        assert (low, high, distinct) == (1, rows, rows), (plan, owner)
    out_of_order = rep_build.query("""
        select count(*) from (
            select expected_value_usd,
                lag(expected_value_usd) over (partition by plan, owner_user_id order by rank_for_rep) as previous
            from marts.rep_accounts)
        where expected_value_usd > previous""")
    assert out_of_order == [(0,)]


def test_current_plan_follows_the_territory_owner_and_skips_unassigned(rep_build):
    rows = dict(rep_build.query(
        "select account_key, owner_user_id || ' ' || rep_name || ' ' || territory_id"
        " from marts.rep_accounts where plan = 'current'"))
    owners = dict(rep_build.query("""
        select territory_current.account_key,
            hierarchy.owner_user_id || ' ' || users.user_name || ' ' || territory_current.territory_id
        from marts.territory_current
        inner join intermediate.int_territory_hierarchy as hierarchy using (territory_id)
        inner join staging.stg_crm__users as users on hierarchy.owner_user_id = users.user_id"""))
    assert rows == owners
    assert rows["ACC-A"] == "U2 Ulrich Two T-NAMED"
    assert "ACC-F" not in rows and "ACC-V11" not in rows


def test_published_plan_gives_accounts_to_the_proposed_territory_owner(rep_build):
    rows = rep_build.query("""
        select account_key, owner_user_id, rep_name, territory_id, rank_for_rep
        from marts.rep_accounts where plan = 'published' order by rank_for_rep""")
    assert rows == [("ACC-A", "U2", "Ulrich Two", "T-NAMED", 1), ("ACC-B", "U2", "Ulrich Two", "T-CA-ENT", 2)]


def test_top_contacts_lists_the_three_best_reachable_contacts(rep_build):
    contacts = dict(rep_build.query(
        "select distinct account_key, top_contacts from marts.rep_accounts where account_key in ('ACC-A', 'ACC-C')"))
    assert contacts["ACC-A"] == ("Bo Best (CTO, technical evaluator) <bo@acme.com>; "
                                 "Jane Doe (VP Sales, economic buyer) <jane.doe@acme.com>; "
                                 "Cy Third (Sales Ops, champion) <cy@acme.com>")
    assert contacts["ACC-C"] is None
    opted_out_listed = rep_build.query("""
        select count(*) from marts.rep_accounts
        inner join marts.contact_priority using (account_key)
        where contact_priority.is_opted_out and contains(rep_accounts.top_contacts, contact_priority.full_name)""")
    assert opted_out_listed == [(0,)]


def test_resources_add_up_to_the_roster_at_every_level(rep_build):
    roster = rep_build.query("""
        select count(distinct owner_user_id), sum(annual_quota)
        from (select distinct owner_user_id from intermediate.int_territory_hierarchy
              where is_leaf and owner_user_id is not null)
        inner join staging.stg_crm__users on owner_user_id = user_id""")[0]
    assert roster == (2, sum(QUOTA.values()))
    totals = rep_build.query("""
        select level, round(sum(reps), 9), round(sum(quota_usd), 2) from marts.territory_resources group by 1""")
    assert sorted(totals) == [("country", *roster), ("state", *roster), ("territory", *roster)]
    owners_by_segment = rep_build.query("""
        select segment, count(distinct owner_user_id) from intermediate.int_territory_hierarchy
        where is_leaf and owner_user_id is not null group by 1 order by 1""")
    for level in ("territory", "state", "country"):
        by_segment = rep_build.query("""
            select segment, round(sum(reps), 9) from marts.territory_resources
            where level = ? group by 1 having sum(reps) > 0 order by 1""", [level])
        assert by_segment == owners_by_segment, level


def test_open_capacity_is_max_accounts_less_the_crm_book(rep_build):
    books = dict(rep_build.query("""
        select hierarchy.owner_user_id, count(territory_current.crm_account_id)
        from marts.territory_current
        inner join intermediate.int_territory_hierarchy as hierarchy using (territory_id)
        group by 1"""))
    expected = sum(max(MAX_ACCOUNTS[user] - books.get(user, 0), 0) for user in MAX_ACCOUNTS)
    assert books["U1"] > MAX_ACCOUNTS["U1"]
    assert rep_build.query(
        "select round(sum(open_capacity), 9) from marts.territory_resources where level = 'territory'"
    ) == [(expected,)]


def test_territory_tam_matches_tam_by_territory(rep_build):
    resources = rep_build.query("""
        select key, segment, accounts, round(tam_usd, 2), round(penetration, 9) from marts.territory_resources
        where level = 'territory' and accounts > 0 order by 1, 2""")
    tam = rep_build.query("""
        select territory_id, segment, sum(accounts), round(sum(tam_usd), 2), round(sum(customers) / sum(accounts), 9)
        from marts.tam_by_territory group by 1, 2 order by 1, 2""")
    assert resources == tam
    assert sum(row[3] for row in resources) > 0


def test_gap_compares_potential_per_rep_with_the_segment_at_that_level(rep_build):
    rows = rep_build.query("""
        select level, segment, reps, tam_usd, potential_per_rep_usd, gap_to_segment_mean_pct
        from marts.territory_resources""")
    for level, segment, reps, tam, per_rep, gap in rows:
        staffed = [(r, t) for lv, sg, r, t, *_ in rows if lv == level and sg == segment and r > 0]
        if reps == 0:
            assert per_rep is None and gap is None
            continue
        mean = sum(t for _, t in staffed) / sum(r for r, _ in staffed)
        assert per_rep == pytest.approx(tam / reps)
        assert gap == pytest.approx(100 * (per_rep / mean - 1), abs=1e-9)
    assert any(gap not in (None, 0) for *_, gap in rows)
