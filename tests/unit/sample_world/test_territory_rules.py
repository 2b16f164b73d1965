"""The generator's rule engine reads territory rules the way the pipeline must (CONTRACT.md section 2)."""

from __future__ import annotations

import pandas as pd

from sample_world.territories import UNASSIGNED, assign_territories

RULES = pd.DataFrame(
    [
        ("NAMED", 1, "Id", "equals", "001A"),
        ("HEALTH", 10, "Industry", "in", "Hospitals;Offices of Dentists"),
        ("HEALTH", 10, "NumberOfEmployees", "between", "200;999"),
        ("WEST", 20, "BillingState", "in", "CA;OR"),
        ("NYC", 15, "BillingPostalCode", "starts_with", "100;101"),
        ("NYC", 15, "BillingState", "in", "NY"),
        ("CANADA", 30, "BillingCountry", "equals", "Canada"),
        ("CENTRAL", 25, "BillingState", "in", "TX"),
        ("CENTRAL", 25, "AnnualRevenue", "between", "50000000;500000000"),
    ],
    columns=["Territory_Id", "Priority", "Field", "Operator", "Value"],
)


def _accounts(rows: list[dict]) -> pd.DataFrame:
    columns = ["Id", "BillingState", "BillingPostalCode", "BillingCountry", "Industry", "NumberOfEmployees", "AnnualRevenue"]
    return pd.DataFrame([{column: row.get(column) for column in columns} for row in rows], dtype=object)


def test_a_rule_without_a_country_covers_only_the_home_country():
    accounts = _accounts([
        {"Id": "a", "Industry": "Hospitals", "NumberOfEmployees": 300, "BillingCountry": "USA"},
        {"Id": "b", "Industry": "hospitals ", "NumberOfEmployees": 300, "BillingCountry": "deu"},
        {"Id": "c", "Industry": "Hospitals", "NumberOfEmployees": 300, "BillingCountry": "UK"},
        {"Id": "d", "BillingState": "CA", "BillingCountry": "Canada"},
    ])
    assert list(assign_territories(accounts, RULES, "US")) == ["HEALTH", UNASSIGNED, UNASSIGNED, "CANADA"]


def test_country_spellings_are_one_country_and_rules_on_id_stand_as_written():
    accounts = _accounts([
        {"Id": "x1", "BillingCountry": "CA"}, {"Id": "x2", "BillingCountry": " canada"},
        {"Id": "x3", "BillingCountry": "CAN"}, {"Id": "x4", "BillingCountry": "Germany"},
        {"Id": "001a", "BillingCountry": "DE"},
    ])
    assert list(assign_territories(accounts, RULES, "US")) == ["CANADA", "CANADA", "CANADA", UNASSIGNED, "NAMED"]


def test_states_and_postal_codes_are_read_in_any_form_and_priority_decides():
    accounts = _accounts([
        {"Id": "s1", "BillingState": "california", "BillingCountry": "United States"},
        {"Id": "s2", "BillingState": "New York", "BillingPostalCode": "10013-4412", "BillingCountry": "US"},
        {"Id": "s3", "BillingState": "ny", "BillingPostalCode": "14604", "BillingCountry": "US"},
        {"Id": "s4", "BillingState": "Texas", "AnnualRevenue": "75000000.0", "BillingCountry": "US"},
        {"Id": "s5", "BillingState": "TX", "AnnualRevenue": None, "BillingCountry": "US"},
        {"Id": "s6", "BillingState": "OR", "Industry": "Offices of Dentists", "NumberOfEmployees": "450", "BillingCountry": "us"},
    ])
    assert list(assign_territories(accounts, RULES, "US")) == ["WEST", "NYC", UNASSIGNED, "CENTRAL", UNASSIGNED, "HEALTH"]


def test_the_home_country_is_the_callers_not_a_fixed_one():
    accounts = _accounts([{"Id": "g", "Industry": "Hospitals", "NumberOfEmployees": 300, "BillingCountry": "Germany"}])
    assert list(assign_territories(accounts, RULES, "DE")) == ["HEALTH"]
