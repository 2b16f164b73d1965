"""A hand-written alignment unlike the sample world's, on a small warehouse.

A Region > Area > Territory hierarchy whose segments are the customer's own: employee bands
written in the rules (SMB < 50, Commercial 50-499, Enterprise >= 500, not the default 200/1000
bands), a Strategic segment defined by AnnualRevenue and set only on its parent area, a national
Healthcare vertical, a named-account list and mixed territories. Accounts sit in the US, Canada,
the UK and Germany, with countries written every common way. With ``cover_abroad`` the rules name
Canada (Ontario only), the United Kingdom and Germany (Berlin by postal code, and Bavaria in a rule
naming Germany and Austria); without them no rule names a country, so only the named German
accounts are placed abroad.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import duckdb
from dbt_warehouse_fixture import _insert, create_raw_tables, create_scoring_tables

from orchestration.reference.zip_codes import write_zip_reference

DEFINITIONS = [
    {"Territory_Id": "R-NA", "Name": "North America", "Level": "Region"},
    {"Territory_Id": "R-EMEA", "Name": "EMEA", "Level": "Region"},
    {"Territory_Id": "R-SPECIAL", "Name": "Overlay", "Level": "Region"},
    {"Territory_Id": "A-US-WEST", "Name": "US West", "Parent_Territory_Id": "R-NA", "Level": "Area"},
    {"Territory_Id": "A-STRATEGIC", "Name": "Strategic", "Parent_Territory_Id": "R-NA", "Level": "Area",
     "Segment": "Strategic"},
    {"Territory_Id": "A-CANADA", "Name": "Canada", "Parent_Territory_Id": "R-NA", "Level": "Area"},
    {"Territory_Id": "A-UK", "Name": "United Kingdom", "Parent_Territory_Id": "R-EMEA", "Level": "Area"},
    {"Territory_Id": "A-DACH", "Name": "DACH", "Parent_Territory_Id": "R-EMEA", "Level": "Area"},
    {"Territory_Id": "A-OVERLAY", "Name": "Overlays", "Parent_Territory_Id": "R-SPECIAL", "Level": "Area"},
    {"Territory_Id": "T-W-SMB", "Name": "West SMB", "Parent_Territory_Id": "A-US-WEST", "Level": "Territory",
     "Owner_User_Id": "U1", "Segment": "SMB"},
    {"Territory_Id": "T-W-COM", "Name": "West Commercial", "Parent_Territory_Id": "A-US-WEST",
     "Level": "Territory", "Owner_User_Id": "U2", "Segment": "Commercial"},
    {"Territory_Id": "T-W-ENT", "Name": "West Enterprise", "Parent_Territory_Id": "A-US-WEST",
     "Level": "Territory", "Owner_User_Id": "U3", "Segment": "Enterprise"},
    {"Territory_Id": "T-STRAT", "Name": "Billion-dollar accounts", "Parent_Territory_Id": "A-STRATEGIC",
     "Level": "Territory", "Owner_User_Id": "U3"},
    {"Territory_Id": "T-CANADA", "Name": "Ontario", "Parent_Territory_Id": "A-CANADA", "Level": "Territory",
     "Owner_User_Id": "U2", "Segment": "Commercial"},
    {"Territory_Id": "T-UK", "Name": "UK", "Parent_Territory_Id": "A-UK", "Level": "Territory",
     "Owner_User_Id": "U2", "Segment": "Commercial"},
    {"Territory_Id": "T-DACH", "Name": "Berlin and Bavaria", "Parent_Territory_Id": "A-DACH", "Level": "Territory",
     "Owner_User_Id": "U2", "Segment": "Commercial"},
    {"Territory_Id": "T-NAMED", "Name": "Global named accounts", "Parent_Territory_Id": "A-OVERLAY",
     "Level": "Territory", "Owner_User_Id": "U3", "Segment": "Enterprise"},
    {"Territory_Id": "T-HEALTH", "Name": "Healthcare", "Parent_Territory_Id": "A-OVERLAY", "Level": "Territory",
     "Owner_User_Id": "U1", "Segment": "Healthcare"},
    {"Territory_Id": "T-MIX", "Name": "New York and friends", "Parent_Territory_Id": "A-OVERLAY",
     "Level": "Territory", "Owner_User_Id": "U1", "Segment": "Commercial"},
    {"Territory_Id": "T-RETAIL-TX", "Name": "Texas retail", "Parent_Territory_Id": "A-OVERLAY",
     "Level": "Territory", "Owner_User_Id": "U1", "Segment": "SMB"},
]

HOME_RULES = [
    ("T-NAMED", 1, "Id", "in", "DE-NAMED-1;DE-NAMED-2;US-NAMED"),
    ("T-STRAT", 5, "AnnualRevenue", "gte", "1000000000"),
    ("T-HEALTH", 8, "Industry", "equals", "Healthcare"),
    ("T-MIX", 9, "Id", "equals", "US-MIX-NAMED"),
    ("T-MIX", 10, "BillingState", "equals", "New York"),
    ("T-RETAIL-TX", 11, "Industry", "equals", "Retail"),
    ("T-RETAIL-TX", 11, "BillingState", "equals", "TX"),
    ("T-W-SMB", 30, "BillingState", "in", "California;OR"),
    ("T-W-SMB", 30, "NumberOfEmployees", "lt", "50"),
    ("T-W-COM", 31, "BillingState", "in", "CA;Oregon"),
    ("T-W-COM", 31, "NumberOfEmployees", "between", "50;499"),
    ("T-W-ENT", 32, "BillingState", "in", "CA;OR"),
    ("T-W-ENT", 32, "NumberOfEmployees", "gte", "500"),
]

ABROAD_RULES = [
    ("T-CANADA", 20, "BillingCountry", "equals", "Canada"),
    ("T-CANADA", 20, "BillingState", "equals", "Ontario"),
    ("T-UK", 21, "BillingCountry", "in", "United Kingdom"),
    ("T-DACH", 22, "BillingCountry", "equals", "DEU"),
    ("T-DACH", 22, "BillingPostalCode", "starts_with", "10"),
    ("T-DACH", 23, "Country", "in", "Germany;Austria"),
    ("T-DACH", 23, "BillingState", "equals", "Bavaria"),
    ("T-DACH", 23, "NumberOfEmployees", "gte", "100"),
]


def _account(account_id: str, country: str | None, state: str | None, postal: str | None, employees: float,
             **extra) -> dict:
    return {"Id": account_id, "Name": f"{account_id} Ltd", "Website": f"{account_id.lower()}.example",
            "BillingCountry": country, "BillingState": state, "BillingPostalCode": postal,
            "NumberOfEmployees": employees, "OwnerId": "U1", "Type": "Prospect",
            "LastModifiedDate": datetime(2026, 1, 5), **extra}


ACCOUNTS = [
    _account("US-SMB", "United States", "CA", "94105", 20),
    _account("US-COM", "USA", "ca", "94107", 150),
    _account("US-ENT", "us", "Oregon", "97201", 600),
    _account("US-BLANK", None, "California", "90210", 10),
    _account("US-REV", "U.S.A.", "TX", "75001", 100, AnnualRevenue=2e9),
    _account("US-HEALTH", "America", "TX", "73301", 300, Industry="healthcare "),
    _account("US-NY", "US", "NY", "10115", 30),
    _account("US-MIX-NAMED", "US", "CA", "94016", 700),
    _account("US-RETAIL", "US", "Texas", "75002", 20, Industry="Retail"),
    _account("US-NAMED", "US", "CA", "94103", 5000, Type="Customer"),
    _account("US-NOSTATE", "US", None, "10001", 30),
    _account("CA-TORONTO", "Canada", "Ontario", " m5v 2t6 ", 30),
    _account("CA-OTTAWA", "CAN", "ON", "K1A 0B1", 800),
    _account("CA-VANCOUVER", "canada", "British Columbia", "V6B 1A1", 40),
    _account("UK-1", "United Kingdom", "England", "SW1A 1AA", 60),
    _account("UK-2", "GB", None, "EC1A 1BB", 10),
    _account("UK-3", "GBR", "Scotland", "EH1 1YZ", 3000),
    _account("UK-4", "uk", None, "M1 1AE", 200),
    _account("DE-1", "Germany", "Berlin", "10115", 30),
    _account("DE-2", "DE", "Bayern", "80331", 300),
    _account("DE-3", "deu", "Bavaria", "80333", 5),
    _account("DE-NAMED-1", "Deutschland", "Hessen", "60311", 20000),
    _account("DE-NAMED-2", "Germany", "Hamburg", "20095", 9000),
]

VENDOR_COMPANIES = [
    {"Company_Id": "V-DE", "Company_Name": "Berlin GmbH", "Website": "berlin-gmbh.example", "Country": "Germany",
     "State": "Berlin", "Postal_Code": "10115", "Employee_Count": 40, "NAICS_Code": "541511"},
    {"Company_Id": "V-US", "Company_Name": "Manhattan Inc", "Website": "manhattan.example", "Country": "US",
     "State": "NY", "Postal_Code": "10115", "Employee_Count": 40, "NAICS_Code": "541511"},
    {"Company_Id": "V-CA", "Company_Name": "Toronto Vendor", "Website": "toronto.example", "Country": "CA",
     "State": "ON", "Postal_Code": "M5V 3L9", "Employee_Count": 45, "NAICS_Code": "541511"},
    {"Company_Id": "V-OR", "Company_Name": "Portland Vendor", "Website": "portland.example",
     "State": "OR", "Postal_Code": "97205", "Employee_Count": 45, "NAICS_Code": "541511"},
]


def build_world_warehouse(path: Path, *, cover_abroad: bool) -> Path:
    """Write the warehouse at `path`: the alignment, accounts in four countries, identity and scores."""
    con = duckdb.connect(str(path))
    create_raw_tables(con)
    _insert(con, "crm_accounts", ACCOUNTS, delivery=1, file_name="accounts.csv")
    _insert(con, "crm_users", [
        {"Id": user, "Name": user, "IsActive": True, "Sales_Role__c": "AE"} for user in ("U1", "U2", "U3")
    ], delivery=1, file_name="users.csv")
    _insert(con, "territory_definitions", DEFINITIONS, delivery=1, file_name="definitions.csv")
    rules = HOME_RULES + (ABROAD_RULES if cover_abroad else [])
    _insert(con, "territory_rules", [
        {"Territory_Id": territory, "Priority": priority, "Field": field, "Operator": operator, "Value": value}
        for territory, priority, field, operator, value in rules
    ], delivery=1, file_name="rules.csv")
    _insert(con, "vendor_firmographics", VENDOR_COMPANIES, delivery=1, file_name="firmographics.csv")

    keys = [("crm", row["Id"], f"ACC-{row['Id']}") for row in ACCOUNTS]
    keys += [("vendor", row["Company_Id"], f"ACC-{row['Company_Id']}") for row in VENDOR_COMPANIES]
    con.execute("create schema identity")
    con.execute("create table identity.account_keys (record_source varchar, record_id varchar, account_key varchar,"
                " is_primary boolean, match_probability double, match_method varchar)")
    con.executemany("insert into identity.account_keys values (?, ?, ?, true, 1.0, 'singleton')", keys)
    con.execute("create table identity.domain_keys (domain varchar, account_key varchar)")

    con.execute("create schema marts")
    create_scoring_tables(con)
    con.execute("""
        insert into marts.account_priority (account_key, crm_account_id, vendor_company_id, readiness_probability,
                                            priority_tier, priority_rank, as_of_date)
        select account_key,
               case when record_source = 'crm' then record_id end,
               case when record_source = 'vendor' then record_id end,
               0.1, 'B', 1, date '2026-11-08'
        from identity.account_keys
    """)
    write_zip_reference(con)
    con.execute("create schema territory")
    con.execute("create table territory.plan_published (scenario_id varchar, account_key varchar,"
                " proposed_territory_id varchar)")
    con.close()
    return path
