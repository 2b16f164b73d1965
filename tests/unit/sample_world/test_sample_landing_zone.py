"""The landing zone a sample world writes follows CONTRACT.md section 2, and is reproducible."""

from __future__ import annotations

import hashlib

import pandas as pd
import pytest
from sample_world_helpers import current_records, read_landing

from sample_world import generate

CONTRACT_COLUMNS = {
    "crm/accounts": "Id Name Website BillingStreet BillingCity BillingState BillingPostalCode BillingCountry Industry "
                    "NumberOfEmployees AnnualRevenue OwnerId Type ParentId CreatedDate LastModifiedDate Named_Account__c "
                    "Exclude_From_Realign__c",
    "crm/opportunities": "Id AccountId Name StageName Amount CloseDate CreatedDate IsClosed IsWon Type Product_Family__c "
                         "OwnerId LastModifiedDate",
    "crm/contacts": "Id AccountId FirstName LastName Email Title Department LeadSource HasOptedOutOfEmail CreatedDate "
                    "LastModifiedDate",
    "crm/users": "Id Name Email Title ManagerId IsActive Sales_Role__c Segment__c Home_Postal_Code__c Hire_Date__c "
                 "Annual_Quota__c Max_Accounts__c Industry_Focus__c",
    "territories/definitions": "Territory_Id Name Parent_Territory_Id Level Owner_User_Id Segment",
    "territories/rules": "Territory_Id Priority Field Operator Value",
    "vendor/firmographics": "Company_Id Company_Name Website Street City State Postal_Code Country NAICS_Code Industry "
                            "Employee_Count Revenue_USD Founded_Year Parent_Company_Id Ultimate_Parent_Id Is_Public "
                            "LastModifiedDate",
    "vendor/technographics": "Company_Id Technology Category Domain First_Seen Last_Seen",
    "intent/bombora": "Domain|Topic|Composite Score|Company Name|Size|Industry|Category|Metro Area|Metro Composite Score|"
                      "Domain Origin Country",
    "intent/g2": "company_domain category signal_type date company_name company_intent_score visitor_count",
    "map/activities": "email activity_type activity_ts campaign source_system",
    "map/scores": "email source_system score grade scored_at",
}


def _header(path) -> list[str]:
    if path.suffix == ".parquet":
        return list(pd.read_parquet(path).columns)
    return list(pd.read_csv(path, nrows=0, encoding="utf-8-sig").columns)


@pytest.mark.parametrize("source", sorted(CONTRACT_COLUMNS))
def test_every_file_has_every_contract_column(world, source):
    out, _ = world
    expected = CONTRACT_COLUMNS[source].split("|") if "|" in CONTRACT_COLUMNS[source] else CONTRACT_COLUMNS[source].split()
    files = sorted((out / source).iterdir())
    assert files, f"no delivery in {source}"
    for path in files:
        missing = set(expected) - set(_header(path))
        assert not missing, f"{path.name} lacks {missing}"


def test_bombora_files_are_named_by_monday_and_some_carry_week(world):
    out, _ = world
    files = sorted((out / "intent/bombora").iterdir())
    mondays = [pd.Timestamp(p.stem.rsplit("_", 1)[1]) for p in files]
    assert len(files) == 26 and all(day.dayofweek == 0 for day in mondays)
    with_week = [p for p in files if "Week" in _header(p)]
    assert 0 < len(with_week) < len(files)


def test_as_of_is_the_sunday_ending_the_latest_intent_week(world):
    out, summary = world
    as_of = pd.Timestamp(summary["as_of"])
    latest = max(pd.Timestamp(p.stem.rsplit("_", 1)[1]) for p in (out / "intent/bombora").iterdir())
    assert as_of.dayofweek == 6 and as_of == latest + pd.Timedelta(days=6)


def test_no_opportunity_is_created_after_as_of(world):
    out, summary = world
    opps = read_landing(out / "crm/opportunities")
    created = pd.to_datetime(opps["CreatedDate"], utc=True).dt.tz_localize(None)
    assert created.max() <= pd.Timestamp(summary["as_of"]) + pd.Timedelta(days=1)
    assert set(opps["Type"]) == {"New Business", "Existing Business", "Renewal"}
    assert {"Closed Won", "Closed Lost"} <= set(opps["StageName"]) and (opps["IsClosed"] == "false").any()


def test_crm_carries_the_promised_noise(world):
    out, _ = world
    accounts = read_landing(out / "crm/accounts")
    current = current_records(out / "crm/accounts")
    assert len(accounts) > len(current), "later exports re-deliver changed rows"
    assert set(current["Type"]) >= {"Customer", "Prospect", "Former Customer"}
    assert current["Website"].isna().any()
    assert current["BillingState"].str.len().gt(2).any() and current["BillingState"].str.islower().any()
    assert current["BillingPostalCode"].str.contains("-").any() and current["BillingPostalCode"].str.len().eq(4).any()
    matches = pd.read_csv(out / "_truth/matches.csv", dtype=str)
    assert matches["Company_Id"].duplicated().any(), "some companies have duplicate CRM records"


def test_vendor_ids_keep_leading_zeros_and_families_exist(world):
    out, _ = world
    firmo = read_landing(out / "vendor/firmographics")
    assert firmo["Company_Id"].str.startswith("0").any() and firmo["Company_Id"].str.len().eq(9).all()
    assert firmo["Parent_Company_Id"].notna().mean() > 0.01
    assert firmo["NAICS_Code"].dropna().str.fullmatch(r"\d{6}").all()


def _digest(folder) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_same_seed_gives_byte_identical_files(world, tmp_path):
    out, _ = world
    again = tmp_path / "again"
    generate("S", 7, again)
    assert _digest(again) == _digest(out)
