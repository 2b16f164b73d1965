"""A small warehouse with every raw, identity and scoring table the dbt project reads.

The rows are chosen so that each behaviour the tests check has exactly one way to come out
right: restated records and weeks, every territory-rule operator, a rule tie, a named account,
customers with and without products to add, and each marketing-automation system's scale.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import duckdb

from orchestration.reference.zip_codes import write_zip_reference

LINEAGE = {
    "_file_name": "VARCHAR",
    "_file_sha256": "VARCHAR",
    "_row_number": "BIGINT",
    "_loaded_at": "TIMESTAMP",
    "_delivery_seq": "BIGINT",
}

# Column names and types of docs/ARCHITECTURE.md: contract names with spaces as underscores.
RAW_TABLES: dict[str, dict[str, str]] = {
    "crm_accounts": {
        "Id": "VARCHAR", "Name": "VARCHAR", "Website": "VARCHAR", "BillingStreet": "VARCHAR",
        "BillingCity": "VARCHAR", "BillingState": "VARCHAR", "BillingPostalCode": "VARCHAR",
        "BillingCountry": "VARCHAR", "Industry": "VARCHAR", "NumberOfEmployees": "DOUBLE",
        "AnnualRevenue": "DOUBLE", "OwnerId": "VARCHAR", "Type": "VARCHAR", "ParentId": "VARCHAR",
        "CreatedDate": "TIMESTAMP", "LastModifiedDate": "TIMESTAMP",
        "Named_Account__c": "BOOLEAN", "Exclude_From_Realign__c": "BOOLEAN",
    },
    "crm_opportunities": {
        "Id": "VARCHAR", "AccountId": "VARCHAR", "Name": "VARCHAR", "StageName": "VARCHAR",
        "Amount": "DOUBLE", "CloseDate": "DATE", "CreatedDate": "TIMESTAMP", "IsClosed": "BOOLEAN",
        "IsWon": "BOOLEAN", "Type": "VARCHAR", "Product_Family__c": "VARCHAR", "OwnerId": "VARCHAR",
        "LastModifiedDate": "TIMESTAMP",
    },
    "crm_contacts": {
        "Id": "VARCHAR", "AccountId": "VARCHAR", "FirstName": "VARCHAR", "LastName": "VARCHAR",
        "Email": "VARCHAR", "Title": "VARCHAR", "Department": "VARCHAR", "LeadSource": "VARCHAR",
        "HasOptedOutOfEmail": "BOOLEAN", "CreatedDate": "TIMESTAMP", "LastModifiedDate": "TIMESTAMP",
    },
    "crm_users": {
        "Id": "VARCHAR", "Name": "VARCHAR", "Email": "VARCHAR", "Title": "VARCHAR",
        "ManagerId": "VARCHAR", "IsActive": "BOOLEAN", "Sales_Role__c": "VARCHAR",
        "Segment__c": "VARCHAR", "Home_Postal_Code__c": "VARCHAR", "Hire_Date__c": "DATE",
        "Annual_Quota__c": "DOUBLE", "Max_Accounts__c": "DOUBLE", "Industry_Focus__c": "VARCHAR",
    },
    "territory_definitions": {
        "Territory_Id": "VARCHAR", "Name": "VARCHAR", "Parent_Territory_Id": "VARCHAR",
        "Level": "VARCHAR", "Owner_User_Id": "VARCHAR", "Segment": "VARCHAR",
    },
    "territory_rules": {
        "Territory_Id": "VARCHAR", "Priority": "DOUBLE", "Field": "VARCHAR", "Operator": "VARCHAR",
        "Value": "VARCHAR",
    },
    "vendor_firmographics": {
        "Company_Id": "VARCHAR", "Company_Name": "VARCHAR", "Website": "VARCHAR", "Street": "VARCHAR",
        "City": "VARCHAR", "State": "VARCHAR", "Postal_Code": "VARCHAR", "Country": "VARCHAR",
        "NAICS_Code": "VARCHAR", "Industry": "VARCHAR", "Employee_Count": "DOUBLE",
        "Revenue_USD": "DOUBLE", "Founded_Year": "DOUBLE", "Parent_Company_Id": "VARCHAR",
        "Ultimate_Parent_Id": "VARCHAR", "Is_Public": "BOOLEAN", "LastModifiedDate": "TIMESTAMP",
    },
    "vendor_technographics": {
        "Company_Id": "VARCHAR", "Technology": "VARCHAR", "Category": "VARCHAR", "Domain": "VARCHAR",
        "First_Seen": "DATE", "Last_Seen": "DATE",
    },
    "intent_bombora": {
        "Domain": "VARCHAR", "Topic": "VARCHAR", "Composite_Score": "DOUBLE",
        "Company_Name": "VARCHAR", "Size": "VARCHAR", "Industry": "VARCHAR", "Category": "VARCHAR",
        "Metro_Area": "VARCHAR", "Metro_Composite_Score": "DOUBLE",
        "Domain_Origin_Country": "VARCHAR", "Week": "DATE", "week_start": "DATE",
    },
    "intent_g2": {
        "company_domain": "VARCHAR", "category": "VARCHAR", "signal_type": "VARCHAR", "date": "DATE",
        "company_name": "VARCHAR", "company_intent_score": "DOUBLE", "visitor_count": "DOUBLE",
    },
    "map_activities": {
        "email": "VARCHAR", "activity_type": "VARCHAR", "activity_ts": "TIMESTAMP",
        "campaign": "VARCHAR", "source_system": "VARCHAR",
    },
    "map_scores": {
        "email": "VARCHAR", "source_system": "VARCHAR", "score": "DOUBLE", "grade": "VARCHAR",
        "scored_at": "TIMESTAMP",
    },
}

ACCOUNT_PRIORITY_COLUMNS = {
    "account_key": "VARCHAR", "crm_account_id": "VARCHAR", "vendor_company_id": "VARCHAR",
    "account_name": "VARCHAR", "territory_id": "VARCHAR", "is_customer": "BOOLEAN",
    "motion": "VARCHAR", "fit_score": "DOUBLE", "intent_score": "DOUBLE",
    "engagement_score": "DOUBLE", "readiness_probability": "DOUBLE", "priority_rank": "BIGINT",
    "priority_tier": "VARCHAR", "top_reasons": "VARCHAR", "as_of_date": "DATE",
    "model_version": "VARCHAR", "owner_user_id": "VARCHAR", "expected_value_usd": "DOUBLE",
}

CONTACT_PRIORITY_COLUMNS = {
    "contact_id": "VARCHAR", "account_key": "VARCHAR", "crm_account_id": "VARCHAR",
    "full_name": "VARCHAR", "title": "VARCHAR", "persona": "VARCHAR", "contact_score": "DOUBLE",
    "rank_in_account": "BIGINT", "is_opted_out": "BOOLEAN", "as_of_date": "DATE",
}


def create_scoring_tables(con: duckdb.DuckDBPyConnection) -> None:
    """The tables the Python scoring asset writes into marts, empty."""
    for table, columns in {"account_priority": ACCOUNT_PRIORITY_COLUMNS,
                           "contact_priority": CONTACT_PRIORITY_COLUMNS}.items():
        ddl = ", ".join(f"{name} {type_}" for name, type_ in columns.items())
        con.execute(f"create table marts.{table} ({ddl})")


def _insert(con: duckdb.DuckDBPyConnection, table: str, rows: list[dict], *, delivery: int,
            file_name: str) -> None:
    """Append one delivery: unspecified columns are NULL, lineage columns are filled in."""
    columns = list(RAW_TABLES[table]) + list(LINEAGE)
    for row_number, row in enumerate(rows, start=1):
        values = dict(row)
        values.update({
            "_file_name": file_name,
            "_file_sha256": f"sha-{file_name}",
            "_row_number": row_number,
            "_loaded_at": datetime(2026, 2, 16, 6, 0, 0),
            "_delivery_seq": delivery,
        })
        unknown = set(values) - set(columns)
        assert not unknown, f"{table} has no columns {unknown}"
        con.execute(
            f"insert into raw.{table} ({', '.join(columns)}) values ({', '.join('?' * len(columns))})",
            [values.get(column) for column in columns],
        )


def create_raw_tables(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("create schema if not exists raw")
    for table, columns in RAW_TABLES.items():
        all_columns = {**columns, **LINEAGE}
        ddl = ", ".join(f'"{name}" {type_}' for name, type_ in all_columns.items())
        con.execute(f"create table raw.{table} ({ddl})")


def ts(value: str) -> datetime:
    return datetime.fromisoformat(value)


def d(value: str) -> date:
    return date.fromisoformat(value)


def build_warehouse(path: Path) -> Path:
    """Write the fixture warehouse at `path` and return it."""
    con = duckdb.connect(str(path))
    create_raw_tables(con)

    _insert(con, "crm_accounts", [
        {"Id": "001A", "Name": "Acme Corp", "Website": "https://www.Acme.com/about", "BillingState": "CA",
         "BillingPostalCode": "94105", "BillingCountry": "USA", "NumberOfEmployees": 5000,
         "AnnualRevenue": 9e8, "OwnerId": "U1", "Type": "Customer - Direct",
         "LastModifiedDate": ts("2026-01-05 10:00:00"), "Named_Account__c": True},
        {"Id": "001B", "Name": "Beta Old Name", "Website": "beta.com", "BillingState": "TX",
         "NumberOfEmployees": 199, "OwnerId": "U1", "Type": "Prospect",
         "LastModifiedDate": ts("2026-01-01 00:00:00")},
        {"Id": "001C", "Name": "Gamma Inc", "Website": "http://shop.gamma.co.uk:8080/", "BillingState": "ca",
         "BillingPostalCode": "94016", "NumberOfEmployees": 200, "OwnerId": "U2", "Type": "customer",
         "LastModifiedDate": ts("2026-01-15 00:00:00")},
        {"Id": "001D", "Name": "Delta First", "Website": "delta.io", "BillingState": "New York",
         "BillingPostalCode": "10001-1234", "NumberOfEmployees": 40, "OwnerId": "U2", "Type": "Prospect",
         "LastModifiedDate": ts("2026-01-10 00:00:00")},
        {"Id": "001E", "Name": "Epsilon Dated", "Website": "epsilon.com", "BillingState": "MA",
         "BillingPostalCode": "2134", "NumberOfEmployees": 30, "OwnerId": "U2", "Type": "Prospect",
         "LastModifiedDate": ts("2026-01-10 00:00:00")},
        {"Id": "001F", "Name": "Foxtrot LLC", "Website": "foxtrot.com", "BillingState": "TX",
         "BillingPostalCode": "73301", "NumberOfEmployees": 60, "OwnerId": "U1", "Type": "Former Customer",
         "LastModifiedDate": ts("2026-01-10 00:00:00")},
        {"Id": "001A2", "Name": "ACME Corporation", "Website": "acme.com", "BillingState": "CA",
         "NumberOfEmployees": 5000, "OwnerId": "U1", "Type": "Prospect",
         "LastModifiedDate": ts("2026-01-05 10:00:00")},
    ], delivery=1, file_name="accounts_2026-01.csv")
    _insert(con, "crm_accounts", [
        # newer date: replaces the first version
        {"Id": "001B", "Name": "Beta Co", "Website": "beta.com", "BillingState": "california",
         "NumberOfEmployees": 199, "OwnerId": "U1", "Type": "Prospect",
         "LastModifiedDate": ts("2026-02-01 00:00:00")},
        # older date in a later delivery: the earlier, newer version stays current
        {"Id": "001C", "Name": "Gamma Stale", "Website": "gamma.co.uk", "BillingState": "TX",
         "NumberOfEmployees": 200, "OwnerId": "U2", "Type": "customer",
         "LastModifiedDate": ts("2025-12-01 00:00:00")},
        # same date: the later delivery wins
        {"Id": "001D", "Name": "Delta Corp", "Website": "delta.io", "BillingState": "New York",
         "BillingPostalCode": "10001-1234", "NumberOfEmployees": 40, "OwnerId": "U2", "Type": "Prospect",
         "LastModifiedDate": ts("2026-01-10 00:00:00")},
        # no date: goes to the later delivery
        {"Id": "001E", "Name": "Epsilon Co", "Website": "epsilon.com", "BillingState": "MA",
         "BillingPostalCode": "2134", "NumberOfEmployees": 30, "OwnerId": "U2", "Type": "Prospect"},
    ], delivery=2, file_name="accounts_2026-02.csv")

    _insert(con, "crm_opportunities", [
        {"Id": "OPP1", "AccountId": "001A", "Name": "Acme analytics", "StageName": "Closed Won",
         "Amount": 100000, "CloseDate": d("2026-01-10"), "CreatedDate": ts("2025-10-01 00:00:00"),
         "IsClosed": True, "IsWon": True, "Type": "New Business", "Product_Family__c": "Analytics",
         "LastModifiedDate": ts("2026-01-10 00:00:00")},
        {"Id": "OPP2", "AccountId": "001C", "Name": "Gamma platform", "StageName": "Closed Won - Renewal",
         "Amount": 50000, "CloseDate": d("2025-03-20"), "CreatedDate": ts("2025-01-01 00:00:00"),
         "IsClosed": True, "IsWon": False, "Type": "Renewal", "Product_Family__c": "Platform",
         "LastModifiedDate": ts("2025-03-20 00:00:00")},
        {"Id": "OPP3", "AccountId": "001B", "Name": "Beta platform", "StageName": "Negotiation",
         "Amount": 20000, "CloseDate": d("2026-03-31"), "CreatedDate": ts("2026-01-20 00:00:00"),
         "IsClosed": False, "IsWon": False, "Type": "New Business", "Product_Family__c": "Platform",
         "LastModifiedDate": ts("2026-02-01 00:00:00")},
        {"Id": "OPP4", "AccountId": "001F", "Name": "Foxtrot lost", "StageName": "Closed Lost",
         "Amount": 30000, "CloseDate": d("2025-11-01"), "CreatedDate": ts("2025-08-01 00:00:00"),
         "IsClosed": True, "IsWon": False, "Type": "New Business", "Product_Family__c": "Analytics",
         "LastModifiedDate": ts("2025-11-01 00:00:00")},
    ], delivery=1, file_name="opportunities.csv")

    _insert(con, "crm_contacts", [
        {"Id": "C1", "AccountId": "001A", "FirstName": "Jane", "LastName": "Doe",
         "Email": "Jane.Doe@Acme.com", "Title": "VP Sales", "HasOptedOutOfEmail": False,
         "LastModifiedDate": ts("2026-01-01 00:00:00")},
        {"Id": "C2", "AccountId": "001C", "FirstName": "Sam", "LastName": "Lee",
         "Email": "sam@gamma.co.uk", "Title": "CTO", "HasOptedOutOfEmail": True,
         "LastModifiedDate": ts("2026-01-01 00:00:00")},
    ], delivery=1, file_name="contacts.csv")

    _insert(con, "crm_users", [
        {"Id": "U1", "Name": "Ursula One", "Email": "u1@seller.com", "IsActive": True,
         "Sales_Role__c": "AE", "Segment__c": "SMB"},
        {"Id": "U2", "Name": "Ulrich Two", "Email": "u2@seller.com", "IsActive": True,
         "Sales_Role__c": "AE", "Segment__c": "Enterprise"},
    ], delivery=1, file_name="users.csv")

    _insert(con, "territory_definitions", [
        {"Territory_Id": "R-WEST", "Name": "West", "Level": "Region"},
        {"Territory_Id": "R-EAST", "Name": "East", "Level": "Region"},
        {"Territory_Id": "A-CA", "Name": "California", "Parent_Territory_Id": "R-WEST", "Level": "Area"},
        {"Territory_Id": "A-NE", "Name": "North East", "Parent_Territory_Id": "R-EAST", "Level": "Area"},
        {"Territory_Id": "T-CA-SMB", "Name": "CA SMB", "Parent_Territory_Id": "A-CA",
         "Level": "Territory", "Owner_User_Id": "U1", "Segment": "SMB"},
        {"Territory_Id": "T-CA-ENT", "Name": "CA Enterprise", "Parent_Territory_Id": "A-CA",
         "Level": "Territory", "Owner_User_Id": "U2", "Segment": "Enterprise"},
        {"Territory_Id": "T-NAMED", "Name": "Named accounts", "Parent_Territory_Id": "A-CA",
         "Level": "Territory", "Owner_User_Id": "U2", "Segment": "Enterprise"},
        {"Territory_Id": "T-NY", "Name": "New York", "Parent_Territory_Id": "A-NE",
         "Level": "Territory", "Owner_User_Id": "U1", "Segment": "SMB"},
        {"Territory_Id": "T-ZIP", "Name": "Zip prefixes", "Parent_Territory_Id": "A-NE",
         "Level": "Territory", "Owner_User_Id": "U1", "Segment": "SMB"},
    ], delivery=1, file_name="definitions.csv")

    _insert(con, "territory_rules", [
        {"Territory_Id": "T-NAMED", "Priority": 1, "Field": "Id", "Operator": "equals", "Value": "001a"},
        {"Territory_Id": "T-CA-SMB", "Priority": 10, "Field": "BillingState", "Operator": "in",
         "Value": "California; Oregon"},
        {"Territory_Id": "T-CA-SMB", "Priority": 10, "Field": "NumberOfEmployees", "Operator": "between",
         "Value": "0;199"},
        {"Territory_Id": "T-CA-ENT", "Priority": 10, "Field": "billingstate", "Operator": "Equals",
         "Value": " ca "},
        {"Territory_Id": "T-CA-ENT", "Priority": 10, "Field": "NumberOfEmployees", "Operator": "gte",
         "Value": "200"},
        {"Territory_Id": "T-NY", "Priority": 20, "Field": "BillingState", "Operator": "equals", "Value": "NY"},
        {"Territory_Id": "T-ZIP", "Priority": 20, "Field": "BillingPostalCode", "Operator": "starts_with",
         "Value": "100;021"},
        {"Territory_Id": "T-ZIP", "Priority": 20, "Field": "NumberOfEmployees", "Operator": "lt",
         "Value": "200"},
    ], delivery=1, file_name="rules.csv")

    _insert(con, "vendor_firmographics", [
        {"Company_Id": "V1", "Company_Name": "Acme Corporation", "Website": "acme.com", "State": "CA",
         "Postal_Code": "94105", "Country": "United States", "NAICS_Code": "541511",
         "Employee_Count": 4800, "Revenue_USD": 8.5e8, "LastModifiedDate": ts("2026-01-01 00:00:00")},
        {"Company_Id": "V2", "Company_Name": "Beta Company", "Website": "www.beta.com", "State": "CA",
         "Country": "US", "NAICS_Code": "541512", "Employee_Count": 150, "Revenue_USD": 2e7,
         "LastModifiedDate": ts("2026-01-01 00:00:00")},
        {"Company_Id": "V3", "Company_Name": "Gamma Ltd", "Website": "gamma.co.uk", "State": "TX",
         "Country": "US", "NAICS_Code": "541519", "Employee_Count": 210, "Revenue_USD": 5e7,
         "LastModifiedDate": ts("2026-01-01 00:00:00")},
        {"Company_Id": "V9", "Company_Name": "Nine Oregon", "Website": "nine.com", "State": "oregon",
         "Postal_Code": "97201", "Country": "US", "NAICS_Code": "541519", "Employee_Count": 50,
         "Revenue_USD": 5e6, "LastModifiedDate": ts("2026-01-01 00:00:00")},
        {"Company_Id": "V10", "Company_Name": "Ten Systems", "Website": "ten.com", "State": "ca",
         "Postal_Code": "94107", "Country": "US", "NAICS_Code": "541511", "Employee_Count": 4000,
         "Revenue_USD": 6e8, "Ultimate_Parent_Id": "V1", "Parent_Company_Id": "V1",
         "LastModifiedDate": ts("2026-01-01 00:00:00")},
        {"Company_Id": "V11", "Company_Name": "Eleven Mfg", "Website": "eleven.com", "State": "TX",
         "Postal_Code": "75001", "Country": "US", "NAICS_Code": "332710", "Employee_Count": 800,
         "Revenue_USD": 9e7, "LastModifiedDate": ts("2026-01-01 00:00:00")},
    ], delivery=1, file_name="firmographics.csv")

    _insert(con, "vendor_technographics", [
        {"Company_Id": "V1", "Technology": "Salesforce", "Category": "CRM", "Last_Seen": d("2026-01-01")},
        {"Company_Id": "V1", "Technology": "Snowflake", "Category": "Data", "Last_Seen": d("2026-01-01")},
        {"Company_Id": "V10", "Technology": "Salesforce", "Category": "CRM", "Last_Seen": d("2026-01-01")},
        {"Company_Id": "V10", "Technology": "Snowflake", "Category": "Data", "Last_Seen": d("2026-01-01")},
        {"Company_Id": "V9", "Technology": "HubSpot", "Category": "CRM", "Last_Seen": d("2026-01-01")},
    ], delivery=1, file_name="technographics.csv")

    _insert(con, "intent_bombora", [
        {"Domain": "acme.com", "Topic": "CRM Software", "Composite_Score": 70, "Category": "Sales Tech",
         "week_start": d("2026-02-02")},
        {"Domain": "beta.com", "Topic": "CRM Software", "Composite_Score": 40, "Category": "Sales Tech",
         "week_start": d("2026-02-02")},
    ], delivery=1, file_name="bombora_2026-02-02.csv")
    _insert(con, "intent_bombora", [
        {"Domain": "www.acme.com", "Topic": "CRM Software", "Composite_Score": 55, "Category": "Sales Tech",
         "week_start": d("2026-02-02")},
    ], delivery=2, file_name="bombora_2026-02-02_restated.csv")
    _insert(con, "intent_bombora", [
        {"Domain": "acme.com", "Topic": "CRM Software", "Composite_Score": 80, "Category": "Sales Tech",
         "week_start": d("2026-02-09")},
        {"Domain": "acme.com", "Topic": "Sales Analytics", "Composite_Score": 65, "Category": "Sales Tech",
         "week_start": d("2026-02-09")},
        {"Domain": "unknown-domain.com", "Topic": "CRM Software", "Composite_Score": 90,
         "Category": "Sales Tech", "week_start": d("2026-02-09")},
    ], delivery=3, file_name="bombora_2026-02-09.csv")

    _insert(con, "intent_g2", [
        {"company_domain": "beta.com", "category": "CRM", "signal_type": "pricing", "date": d("2026-02-10")},
        {"company_domain": "beta.com", "category": "CRM", "signal_type": "comparison", "date": d("2026-02-11")},
        {"company_domain": "beta.com", "category": "CRM", "signal_type": "profile", "date": d("2026-02-12")},
    ], delivery=1, file_name="g2_1.csv")
    _insert(con, "intent_g2", [
        {"company_domain": "beta.com", "category": "CRM", "signal_type": "pricing", "date": d("2026-02-10"),
         "visitor_count": 3},
    ], delivery=2, file_name="g2_2.csv")

    _insert(con, "map_activities", [
        {"email": "jane.doe@acme.com", "activity_type": "form_fill", "activity_ts": ts("2026-02-14 09:00:00"),
         "source_system": "marketo"},
        {"email": "JANE.DOE@ACME.COM", "activity_type": "email_open", "activity_ts": ts("2026-01-16 09:00:00"),
         "source_system": "marketo"},
        {"email": "bob@beta.com", "activity_type": "web_visit", "activity_ts": ts("2026-02-10 09:00:00"),
         "source_system": "hubspot"},
        {"email": "someone@gmail.com", "activity_type": "form_fill", "activity_ts": ts("2026-02-10 09:00:00"),
         "source_system": "hubspot"},
    ], delivery=1, file_name="activities.csv")

    _insert(con, "map_scores", [
        {"email": "jane.doe@acme.com", "source_system": "marketo", "score": 150, "scored_at": ts("2026-02-01 00:00:00")},
        {"email": "a@acme.com", "source_system": "marketo", "score": 20, "scored_at": ts("2026-02-01 00:00:00")},
        {"email": "b@acme.com", "source_system": "marketo", "score": 75, "scored_at": ts("2026-02-01 00:00:00")},
        {"email": "sam@gamma.co.uk", "source_system": "pardot", "score": 100, "grade": "A",
         "scored_at": ts("2026-02-01 00:00:00")},
        {"email": "bob@beta.com", "source_system": "eloqua", "grade": "A1", "scored_at": ts("2026-02-01 00:00:00")},
        {"email": "bob@beta.com", "source_system": "hubspot", "score": 130, "scored_at": ts("2026-02-01 00:00:00")},
        {"email": "jane.doe@acme.com", "source_system": "marketo", "score": 10, "scored_at": ts("2026-01-01 00:00:00")},
    ], delivery=1, file_name="scores.csv")

    con.execute("create schema identity")
    con.execute("""
        create table identity.account_keys as
        select * from (values
            ('crm', '001A', 'ACC-A', true, 1.0, 'deterministic'),
            ('crm', '001A2', 'ACC-A', false, 0.97, 'splink'),
            ('crm', '001B', 'ACC-B', true, 1.0, 'deterministic'),
            ('crm', '001C', 'ACC-C', true, 1.0, 'deterministic'),
            ('crm', '001D', 'ACC-D', true, 1.0, 'singleton'),
            ('crm', '001E', 'ACC-E', true, 1.0, 'singleton'),
            ('crm', '001F', 'ACC-F', true, 1.0, 'singleton'),
            ('vendor', 'V1', 'ACC-A', true, 1.0, 'deterministic'),
            ('vendor', 'V2', 'ACC-B', true, 1.0, 'deterministic'),
            ('vendor', 'V3', 'ACC-C', true, 1.0, 'deterministic'),
            ('vendor', 'V9', 'ACC-V9', true, 1.0, 'singleton'),
            ('vendor', 'V10', 'ACC-V10', true, 1.0, 'singleton'),
            ('vendor', 'V11', 'ACC-V11', true, 1.0, 'singleton')
        ) as t(record_source, record_id, account_key, is_primary, match_probability, match_method)
    """)
    con.execute("""
        create table identity.domain_keys as
        select * from (values
            ('acme.com', 'ACC-A'), ('beta.com', 'ACC-B'), ('gamma.co.uk', 'ACC-C'),
            ('delta.io', 'ACC-D'), ('epsilon.com', 'ACC-E'), ('foxtrot.com', 'ACC-F'),
            ('nine.com', 'ACC-V9'), ('ten.com', 'ACC-V10'), ('eleven.com', 'ACC-V11')
        ) as t(domain, account_key)
    """)

    con.execute("create schema marts")
    create_scoring_tables(con)
    priorities = [
        ("ACC-A", "001A", "V1", "T-NAMED", True, 90.0, 70.0, 0.40, 1, "A"),
        ("ACC-B", "001B", "V2", "T-CA-SMB", False, 60.0, 50.0, 0.20, 1, "B"),
        ("ACC-C", "001C", "V3", "T-CA-ENT", True, 80.0, 20.0, 0.30, 1, "A"),
        ("ACC-D", "001D", None, "T-NY", False, 30.0, 10.0, 0.05, 1, "C"),
        ("ACC-E", "001E", None, "T-ZIP", False, 20.0, 5.0, 0.02, 1, "D"),
        ("ACC-F", "001F", None, "UNASSIGNED", False, 25.0, 0.0, 0.03, 1, "D"),
        ("ACC-V9", None, "V9", "T-CA-SMB", False, 55.0, 0.0, 0.10, 2, "B"),
        ("ACC-V10", None, "V10", "T-CA-ENT", False, 85.0, 0.0, 0.25, 2, "A"),
        ("ACC-V11", None, "V11", "UNASSIGNED", False, 15.0, 0.0, 0.01, 2, "D"),
    ]
    for key, crm_id, vendor_id, territory, customer, fit, intent, readiness, rank, tier in priorities:
        con.execute(
            "insert into marts.account_priority (account_key, crm_account_id, vendor_company_id, territory_id,"
            " is_customer, fit_score, intent_score, engagement_score, readiness_probability, priority_rank,"
            " priority_tier, top_reasons, as_of_date, model_version) values (?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?, ?, ?, ?)",
            [key, crm_id, vendor_id, territory, customer, fit, intent, readiness, rank, tier,
             "+ strong fit; + surging intent; - no engagement", d("2026-02-15"), "test"],
        )
    write_zip_reference(con)
    con.execute("create schema territory")
    con.execute("""
        create table territory.plan_published as
        select * from (values ('proposed', 'ACC-A', 'T-NAMED'), ('proposed', 'ACC-B', 'T-CA-ENT'))
            as t(scenario_id, account_key, proposed_territory_id)
    """)
    con.close()
    return path


if __name__ == "__main__":
    import sys

    build_warehouse(Path(sys.argv[1]))
