"""The dbt project built end to end on a small warehouse (see dbt_warehouse_fixture.py)."""

from __future__ import annotations

from datetime import date

import pytest

BAND_WARNING = "band_segment_agrees_with_territory_segment"


def _test_name(unique_id: str) -> str:
    """The data test's name without dbt's hash suffix."""
    return unique_id.split(".")[2]


def test_build_succeeds_with_every_test_and_unit_test(dbt_build):
    assert dbt_build.returncode == 0, dbt_build.output[-4000:]
    results = dbt_build.run_results["results"]
    statuses = {result["unique_id"]: result["status"] for result in results}
    assert statuses and all(
        status in {"success", "pass"} for unique_id, status in statuses.items() if _test_name(unique_id) != BAND_WARNING
    ), statuses
    kinds = {unique_id.split(".")[0] for unique_id in statuses}
    assert {"model", "seed", "test", "unit_test"} <= kinds
    assert "test.terrain.assert_tam_by_territory_reconciles" in statuses


def test_a_band_naming_no_customer_segment_is_no_disagreement(dbt_build):
    warning = next(result for result in dbt_build.run_results["results"]
                   if _test_name(result["unique_id"]) == BAND_WARNING)
    assert (warning["status"], warning["failures"]) == ("pass", 0)
    gamma = dbt_build.query(
        "select segment, band_segment, segment_source, band_disagrees_with_territory "
        "from intermediate.int_companies_unified where account_key = 'ACC-C'")
    # 200 employees in CA Enterprise (gte 200): the band says Mid-Market, a segment this customer
    # does not have, so it says nothing against the customer's own rules
    assert gamma == [("Enterprise", "Mid-Market", "territory", False)]


def test_models_land_in_their_own_schemas(dbt_build):
    rows = dbt_build.query(
        "select table_schema, table_name from information_schema.tables "
        "where table_name in ('stg_crm__accounts', 'int_companies_unified', 'tam_by_territory')"
    )
    assert set(rows) == {
        ("staging", "stg_crm__accounts"),
        ("intermediate", "int_companies_unified"),
        ("marts", "tam_by_territory"),
    }


def test_newest_version_wins_per_id(dbt_build):
    names = dict(dbt_build.query("select account_id, account_name from staging.stg_crm__accounts"))
    assert names["001B"] == "Beta Co"  # newer date in a later delivery
    assert names["001C"] == "Gamma Inc"  # older date in a later delivery loses
    assert names["001D"] == "Delta Corp"  # same date: later delivery
    assert names["001E"] == "Epsilon Co"  # missing date: later delivery
    assert len(names) == 7


def test_staging_normalises_location_fields(dbt_build):
    rows = {
        row[0]: row[1:]
        for row in dbt_build.query(
            "select account_id, domain, state_code, postal_code, is_customer from staging.stg_crm__accounts"
        )
    }
    assert rows["001A"] == ("acme.com", "CA", "94105", True)
    assert rows["001B"][1] == "CA"  # "california"
    assert rows["001C"][:3] == ("gamma.co.uk", "CA", "94016")  # "ca", sub-domain and port dropped
    assert rows["001D"][1:3] == ("NY", "10001")  # "New York", ZIP+4
    assert rows["001E"][2] == "02134"  # lost leading zero


def test_bombora_restated_week_replaces_the_earlier_delivery(dbt_build):
    rows = dbt_build.query(
        "select domain, topic, composite_score from staging.stg_intent__bombora "
        "where week_start = date '2026-02-02'"
    )
    assert rows == [("acme.com", "CRM Software", 55.0)]
    later_week = dbt_build.query(
        "select count(*) from staging.stg_intent__bombora where week_start = date '2026-02-09'"
    )
    assert later_week == [(3,)]


def test_g2_rows_are_upserted_by_key(dbt_build):
    rows = dbt_build.query(
        "select signal_type, visitor_count from staging.stg_intent__g2 order by signal_type"
    )
    assert rows == [("comparison", None), ("pricing", 3.0), ("profile", None)]


def test_as_of_defaults_to_the_sunday_ending_the_latest_intent_week(dbt_build):
    assert dbt_build.query("select as_of_date, horizon_end_date from intermediate.int_as_of") == [
        (date(2026, 2, 15), date(2026, 5, 16))
    ]


EXPECTED_TERRITORIES = {
    "ACC-A": "T-NAMED",  # named-account Id rule (priority 1) over CA Enterprise (priority 10)
    "ACC-B": "T-CA-SMB",  # "california" in a rule written "California; Oregon", 199 employees inclusive
    "ACC-C": "T-CA-ENT",  # CRM state "ca" wins over the vendor's TX; 200 employees: gte 200
    "ACC-D": "T-NY",  # ties with T-ZIP on priority 20: the lower Territory_Id wins
    "ACC-E": "T-ZIP",  # ZIP "2134" restored to 02134 matches prefix 021
    "ACC-F": "UNASSIGNED",
    "ACC-V9": "T-CA-SMB",  # vendor-only company matched through its own State "oregon"
    "ACC-V10": "T-CA-ENT",
    "ACC-V11": "UNASSIGNED",
}


def test_rule_engine_assigns_every_company(dbt_build):
    assigned = dict(dbt_build.query("select account_key, territory_id from marts.territory_current"))
    assert assigned == EXPECTED_TERRITORIES
    hierarchy = dbt_build.query(
        "select area_id, region_id from marts.territory_current where account_key = 'ACC-D'"
    )
    assert hierarchy == [("A-NE", "R-EAST")]


def test_rule_engine_places_each_crm_record_by_its_own_fields(dbt_build):
    records = dict(
        dbt_build.query("select account_id, territory_id from intermediate.int_crm_accounts_territory_assigned")
    )
    assert records["001A"] == "T-NAMED"
    assert records["001A2"] == "T-CA-ENT"  # the duplicate record is not the named Id


def test_tam_by_territory_reconciles_with_the_universe(dbt_build):
    totals = dbt_build.query(
        "select sum(accounts), sum(customers), sum(whitespace_accounts), sum(tam_usd) from marts.tam_by_territory"
    )[0]
    universe = dbt_build.query(
        "select count(*), count(case when is_customer then 1 end), count(case when not is_customer then 1 end), "
        "sum(potential_usd) from intermediate.int_company_potential"
    )[0]
    assert totals[:3] == universe[:3] == (9, 2, 7)
    assert totals[3] == pytest.approx(universe[3])
    assert universe[3] > 0
    cells = dbt_build.query("select accounts, customers, penetration from marts.tam_by_territory")
    for accounts, customers, penetration in cells:
        assert penetration == pytest.approx(customers / accounts)


def test_potential_follows_customer_spend_and_size(dbt_build):
    potential = dict(dbt_build.query("select account_key, potential_usd from intermediate.int_company_potential"))
    # A and C are both Enterprise (C's territory says so): C's size puts its cell estimate below what
    # it spends, and a customer is worth at least its spend; A, the larger, is worth more than its spend.
    assert potential["ACC-C"] == pytest.approx(50000.0)
    assert potential["ACC-A"] > 100000.0
    assert len({round(value, 2) for value in potential.values()}) > 2
    assert potential["ACC-V10"] > potential["ACC-V9"]  # 4,000 employees against 50


def test_whitespace_lists_non_customers_and_customers_with_products_to_add(dbt_build):
    rows = {
        row[0]: row[1:]
        for row in dbt_build.query(
            "select account_key, motion, whitespace_products, similar_customer_ids, lookalike_score "
            "from marts.whitespace"
        )
    }
    non_customers = {"ACC-B", "ACC-D", "ACC-E", "ACC-F", "ACC-V9", "ACC-V10", "ACC-V11"}
    assert non_customers <= set(rows)
    for key in non_customers:
        assert rows[key][0] == "new_logo"
        assert rows[key][1] == "Analytics;Platform"
    assert rows["ACC-A"][:2] == ("upsell", "Platform")
    assert rows["ACC-C"][:2] == ("renewal", "Analytics")  # renewal on 2026-03-20, inside the horizon
    assert rows["ACC-V10"][2].split(";")[0] == "ACC-A"  # same NAICS, size and technologies
    assert rows["ACC-V10"][3] > rows["ACC-V9"][3]
    assert all(0 <= row[3] <= 100 for row in rows.values())


def test_intent_weekly_scores_surges_and_momentum(dbt_build):
    rows = {
        (row[0], row[1], row[2]): row[3:]
        for row in dbt_build.query(
            "select account_key, week_start, vendor, topic_cluster, surging_topics, max_score, momentum, is_surging "
            "from marts.intent_weekly"
        )
    }
    assert set(rows) == {
        ("ACC-A", date(2026, 2, 2), "bombora"),
        ("ACC-A", date(2026, 2, 9), "bombora"),
        ("ACC-B", date(2026, 2, 9), "g2"),
    }
    cluster, surging, max_score, momentum, is_surging = rows[("ACC-A", date(2026, 2, 9), "bombora")]
    assert (cluster, surging, max_score, is_surging) == ("Sales Tech", 2, 80.0, True)
    assert momentum == pytest.approx(80.0 - 55.0 / 3)
    assert rows[("ACC-A", date(2026, 2, 2), "bombora")][4] is False
    cluster, surging, max_score, _, is_surging = rows[("ACC-B", date(2026, 2, 9), "g2")]
    assert (cluster, surging, max_score, is_surging) == ("CRM", 1, 73.0, True)


def test_marketing_activity_attaches_by_email_then_domain_never_free_mail(dbt_build):
    rows = dict(
        dbt_build.query(
            "select email, coalesce(attribution_method, 'none') from intermediate.int_map_activities_attributed"
        )
    )
    assert rows == {
        "jane.doe@acme.com": "contact_email",
        "bob@beta.com": "email_domain",
        "someone@gmail.com": "none",
    }
    engagement = dict(dbt_build.query("select contact_id, engagement_score from intermediate.int_contact_engagement"))
    assert engagement["C1"] > 50 and engagement["C2"] == 0


def test_crm_account_updates_carry_company_scores_to_every_record(dbt_build):
    rows = {
        row[0]: row[1:]
        for row in dbt_build.query(
            'select "Id", "Fit_Score__c", "Readiness_Score__c", "Priority_Tier__c", "Proposed_Territory__c" '
            "from marts.crm_account_updates"
        )
    }
    assert len(rows) == 7
    assert rows["001A2"] == rows["001A"] == (90.0, 40.0, "A", "T-NAMED")
    assert rows["001B"][3] == "T-CA-ENT"
    assert rows["001D"][3] is None


def test_territory_summary_balances_expected_value_within_segments(dbt_build):
    rows = dbt_build.query(
        "select segment, avg(balance_index), sum(accounts) from marts.territory_summary "
        "where territory_id <> 'UNASSIGNED' group by segment"
    )
    for _, mean_index, _ in rows:
        assert mean_index == pytest.approx(1.0)
    total = dbt_build.query("select sum(accounts), sum(tier_a_accounts) from marts.territory_summary")
    assert total == [(9, 3)]


def test_county_fips_comes_from_the_packaged_zip_reference(dbt_build):
    counties = dict(dbt_build.query(
        "select crm_account_id, county_fips from intermediate.int_companies_unified where crm_account_id is not null"))
    assert counties["001A"] == "06075"
