"""The dbt project on a hand-written alignment unlike the sample world's (world_alignment_fixture.py):
the customer's segments, territory kinds and accounts in Canada, the UK and Germany."""

from __future__ import annotations

from world_alignment_fixture import ACCOUNTS

BAND_WARNING = "band_segment_agrees_with_territory_segment"


def _test_name(unique_id: str) -> str:
    """The data test's name without dbt's hash suffix."""
    return unique_id.split(".")[2]

# account_key -> (territory, segment, default employee band) with the rules naming Canada and the UK.
EXPECTED = {
    "ACC-US-SMB": ("T-W-SMB", "SMB", "SMB"),
    "ACC-US-COM": ("T-W-COM", "Commercial", "SMB"),  # 150 employees: the rules' Commercial band
    "ACC-US-ENT": ("T-W-ENT", "Enterprise", "Mid-Market"),  # 600 employees: the rules' Enterprise band
    "ACC-US-BLANK": ("T-W-SMB", "SMB", "SMB"),  # no country: the home country (US)
    "ACC-US-REV": ("T-STRAT", "Strategic", "SMB"),  # revenue segment, Segment set on the parent area
    "ACC-US-HEALTH": ("T-HEALTH", "Healthcare", "Mid-Market"),  # national vertical
    "ACC-US-NY": ("T-MIX", "Commercial", "SMB"),  # the mixed territory's state rule
    "ACC-US-MIX-NAMED": ("T-MIX", "Commercial", "Mid-Market"),  # the mixed territory's Id rule
    "ACC-US-RETAIL": ("T-RETAIL-TX", "SMB", "SMB"),  # industry and state
    "ACC-US-NAMED": ("T-NAMED", "Enterprise", "Enterprise"),
    "ACC-US-NOSTATE": ("UNASSIGNED", "SMB", "SMB"),  # ZIP 10001: the German rule on prefix 10 names Germany
    "ACC-CA-TORONTO": ("T-CANADA", "Commercial", "SMB"),  # "Canada", "Ontario"
    "ACC-CA-OTTAWA": ("T-CANADA", "Commercial", "Mid-Market"),  # "CAN", "ON"
    "ACC-CA-VANCOUVER": ("UNASSIGNED", "SMB", "SMB"),  # Canada is covered, British Columbia is not
    "ACC-UK-1": ("T-UK", "Commercial", "SMB"),  # "United Kingdom"
    "ACC-UK-2": ("T-UK", "Commercial", "SMB"),  # "GB"
    "ACC-UK-3": ("T-UK", "Commercial", "Enterprise"),  # "GBR"
    "ACC-UK-4": ("T-UK", "Commercial", "Mid-Market"),  # "uk"
    "ACC-DE-1": ("T-DACH", "Commercial", "SMB"),  # "Germany", postal code 10115
    "ACC-DE-2": ("T-DACH", "Commercial", "Mid-Market"),  # "DE", "Bayern" in a rule naming Germany and Austria
    "ACC-DE-3": ("UNASSIGNED", "SMB", "SMB"),  # "deu", Bavaria, but 5 employees
    "ACC-DE-NAMED-1": ("T-NAMED", "Enterprise", "Enterprise"),  # Id rules stand for any country
    "ACC-DE-NAMED-2": ("T-NAMED", "Enterprise", "Enterprise"),
    "ACC-V-DE": ("T-DACH", "Commercial", "SMB"),
    "ACC-V-US": ("T-MIX", "Commercial", "SMB"),
    "ACC-V-CA": ("T-CANADA", "Commercial", "SMB"),
    "ACC-V-OR": ("T-W-SMB", "SMB", "SMB"),  # vendor-only, no country: the home country
}

ABROAD = {"ACC-CA-TORONTO", "ACC-CA-OTTAWA", "ACC-UK-1", "ACC-UK-2", "ACC-UK-3", "ACC-UK-4", "ACC-V-CA",
          "ACC-DE-1", "ACC-DE-2", "ACC-V-DE"}


def _statuses(build) -> dict[str, str]:
    return {result["unique_id"]: result["status"] for result in build.run_results["results"]}


def _companies(build) -> dict[str, tuple]:
    return {
        row[0]: row[1:]
        for row in build.query(
            "select account_key, territory_id, segment, band_segment, segment_source from marts.territory_current"
        )
    }


def test_build_passes_every_data_test_and_warns_on_band_disagreements(world_build):
    assert world_build.returncode == 0, world_build.output[-4000:]
    statuses = {_test_name(uid): status for uid, status in _statuses(world_build).items()}
    assert statuses[BAND_WARNING] == "warn"
    assert all(status in {"success", "pass"} for name, status in statuses.items() if name != BAND_WARNING), statuses
    failures = {_test_name(r["unique_id"]): r["failures"] for r in world_build.run_results["results"]}
    customer_segments = {segment for territory, segment, _ in EXPECTED.values() if territory != "UNASSIGNED"}
    disagreements = sum(1 for territory, segment, band in EXPECTED.values()
                        if territory != "UNASSIGNED" and segment != band and band in customer_segments)
    assert failures[BAND_WARNING] == disagreements > 0


def test_countries_are_iso_codes_from_any_spelling(world_build):
    countries = dict(world_build.query("select account_id, country_code from staging.stg_crm__accounts"))
    assert {countries[f"UK-{n}"] for n in range(1, 5)} == {"GB"}
    assert {countries[key] for key in ("DE-1", "DE-2", "DE-3", "DE-NAMED-1")} == {"DE"}
    assert {countries[key] for key in ("CA-TORONTO", "CA-OTTAWA", "CA-VANCOUVER")} == {"CA"}
    assert {countries[key] for key in ("US-SMB", "US-COM", "US-ENT", "US-REV", "US-HEALTH")} == {"US"}
    assert countries["US-BLANK"] is None
    assert world_build.query("select home_country_code, is_default from staging.stg_crm__home_country") == [
        ("US", False)
    ]


def test_states_and_postal_codes_are_read_within_their_country(world_build):
    rows = {
        row[0]: row[1:]
        for row in world_build.query("select account_id, state_code, postal_code from staging.stg_crm__accounts")
    }
    assert rows["CA-TORONTO"] == ("ON", "M5V 2T6")
    assert rows["CA-VANCOUVER"] == ("BC", "V6B 1A1")
    assert rows["DE-1"] == ("BE", "10115")
    assert rows["DE-2"][0] == rows["DE-3"][0] == "BY"  # "Bayern" and "Bavaria"
    assert rows["UK-1"] == ("ENG", "SW1A 1AA")
    assert rows["US-BLANK"] == ("CA", "90210")
    assert rows["US-RETAIL"][0] == "TX"
    vendor = dict(world_build.query("select company_id, postal_code from staging.stg_vendor__firmographics"))
    assert vendor["V-DE"] == "10115"


def test_rule_values_are_read_in_the_countries_the_rule_names(world_build):
    rows = world_build.query(
        "select priority, field, match_text, implied_country_code from intermediate.int_territory_rules "
        "where territory_id = 'T-DACH' and field in ('billingcountry', 'billingstate') order by all")
    assert rows == [
        (22.0, "billingcountry", "DE", None),
        (23.0, "billingcountry", "AT", None),
        (23.0, "billingcountry", "DE", None),
        (23.0, "billingstate", "BAVARIA", None),  # read in Austria: no such Land, kept as written
        (23.0, "billingstate", "BY", None),  # read in Germany
    ]
    implied = dict(world_build.query(
        "select distinct territory_id, implied_country_code from intermediate.int_territory_rules "
        "where territory_id in ('T-W-SMB', 'T-HEALTH', 'T-NAMED')"))
    assert implied == {"T-W-SMB": "US", "T-HEALTH": "US", "T-NAMED": None}


def test_only_us_companies_get_a_county(world_build):
    counties = dict(world_build.query(
        "select account_key, county_fips from intermediate.int_companies_unified"))
    assert counties["ACC-V-US"] == "36061"  # ZIP 10115 in Manhattan
    assert counties["ACC-US-NY"] == "36061"
    assert counties["ACC-V-DE"] is None  # Berlin's 10115 is no ZIP
    assert counties["ACC-DE-1"] is None
    assert counties["ACC-US-BLANK"] is not None
    assert counties["ACC-US-NOSTATE"] == "36061"
    assert all(counties[key] is None for key in counties if key.startswith(("ACC-UK", "ACC-CA", "ACC-DE")))


def test_companies_land_where_their_rules_and_countries_say(world_build):
    placed = {key: values[0] for key, values in _companies(world_build).items()}
    assert placed == {key: expected[0] for key, expected in EXPECTED.items()}


def test_segments_agree_with_the_territories_everywhere(world_build):
    companies = _companies(world_build)
    assert {key: values[1:] for key, values in companies.items()} == {
        key: (segment, band, "band" if territory == "UNASSIGNED" else "territory")
        for key, (territory, segment, band) in EXPECTED.items()
    }
    disagreeing = world_build.query("""
        select count(*)
        from marts.territory_current as current
        inner join intermediate.int_territory_kinds as kinds using (territory_id)
        where current.segment is distinct from kinds.segment
    """)
    assert disagreeing == [(0,)]
    unified = dict(world_build.query("select account_key, segment from intermediate.int_companies_unified"))
    potential = dict(world_build.query("select account_key, segment from intermediate.int_company_potential"))
    assert unified == potential == {key: expected[1] for key, expected in EXPECTED.items()}


def test_territory_kinds_come_from_their_rules(world_build):
    rows = {
        row[0]: row[1:]
        for row in world_build.query(
            "select territory_id, territory_kind, segment, country_code, is_leaf from intermediate.int_territory_kinds"
        )
    }
    assert {key: value[0] for key, value in rows.items()} == {
        "R-NA": None, "R-EMEA": None, "R-SPECIAL": None,
        "A-US-WEST": None, "A-STRATEGIC": None, "A-CANADA": None, "A-UK": None, "A-DACH": None, "A-OVERLAY": None,
        "T-W-SMB": "geographic", "T-W-COM": "geographic", "T-W-ENT": "geographic",
        "T-STRAT": "geographic",  # revenue only: national geographic
        "T-CANADA": "geographic", "T-UK": "geographic", "T-DACH": "geographic",
        "T-NAMED": "named", "T-HEALTH": "vertical", "T-MIX": "mixed", "T-RETAIL-TX": "mixed",
    }
    assert rows["T-STRAT"][1] == "Strategic"  # from the parent area
    countries = {key: value[2] for key, value in rows.items() if value[3]}
    assert countries == {
        "T-W-SMB": "US", "T-W-COM": "US", "T-W-ENT": "US", "T-STRAT": "US", "T-CANADA": "CA", "T-UK": "GB",
        "T-DACH": "DE",  # covers Germany and Austria, its companies are German
        "T-NAMED": "DE",  # two German named accounts and one American
        "T-HEALTH": "US", "T-MIX": "US", "T-RETAIL-TX": "US",
    }


def test_territory_summary_and_tam_carry_kind_and_country(world_build):
    summary = {
        row[0]: row[1:]
        for row in world_build.query(
            "select territory_id, territory_kind, country, segment, accounts from marts.territory_summary")
    }
    assert summary["T-UK"] == ("geographic", "GB", "Commercial", 4)
    assert summary["T-NAMED"] == ("named", "DE", "Enterprise", 3)
    assert summary["T-STRAT"] == ("geographic", "US", "Strategic", 1)
    assert summary["UNASSIGNED"] == (None, None, None, 3)
    tam = world_build.query(
        "select country, sum(accounts) from marts.tam_by_territory where territory_id = 'UNASSIGNED' "
        "group by country order by country")
    assert tam == [("CA", 1), ("DE", 1), ("US", 1)]
    named = world_build.query(
        "select country, sum(accounts) from marts.tam_by_territory where territory_id = 'T-NAMED' "
        "group by country order by country")
    assert named == [("DE", 2), ("US", 1)]


def test_without_rules_naming_them_foreign_accounts_stay_unassigned(world_build_uncovered):
    assert world_build_uncovered.returncode == 0, world_build_uncovered.output[-4000:]
    placed = {key: values[0] for key, values in _companies(world_build_uncovered).items()}
    expected = {key: "UNASSIGNED" if key in ABROAD else value[0] for key, value in EXPECTED.items()}
    assert placed == expected
    records = dict(world_build_uncovered.query(
        "select account_id, territory_id from intermediate.int_crm_accounts_territory_assigned"))
    foreign = [row["Id"] for row in ACCOUNTS if row["Id"][:2] in {"CA", "UK", "DE"}]
    assert {records[account] for account in foreign if "NAMED" not in account} == {"UNASSIGNED"}
    kinds = dict(world_build_uncovered.query(
        "select territory_id, territory_kind from intermediate.int_territory_kinds "
        "where territory_id in ('T-UK', 'T-CANADA', 'T-DACH')"))
    assert kinds == {"T-UK": None, "T-CANADA": None, "T-DACH": None}
