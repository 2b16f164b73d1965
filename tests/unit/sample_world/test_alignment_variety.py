"""A sample world carries the variety of real alignments: a national vertical, a segment defined by
revenue, accounts abroad in every common spelling, reps over capacity, and a truth that follows the rules."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pycountry
from sample_world_helpers import read_landing

from sample_world.locations import home_country
from sample_world.territories import UNASSIGNED, assign_territories
from sample_world.world import vendor_placement

GEOGRAPHY_FIELDS = {"BillingState", "BillingPostalCode", "BillingCountry"}
POSTAL_FORMATS = {"CA": r"[A-Z]\d[A-Z] ?\d[A-Z]\d", "GB": r"[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}", "DE": r"\d{5}"}
TOP_LEVEL_DOMAINS = {"CA": ".ca", "GB": ".co.uk", "DE": ".de"}


def _iso(value: object) -> str | None:
    """A test-side reading of a country spelling, independent of the generator's."""
    if pd.isna(value):
        return None
    text = str(value).strip()
    return "GB" if text.lower() == "uk" else pycountry.countries.lookup(text).alpha_2


def _current_accounts(out) -> pd.DataFrame:
    accounts = read_landing(out / "crm/accounts")
    modified = pd.to_datetime(accounts["LastModifiedDate"], utc=True, format="mixed")
    return accounts.assign(_modified=modified).sort_values("_modified", kind="stable").drop_duplicates("Id", keep="last")


def _truth(out) -> pd.DataFrame:
    return pd.read_csv(out / "_truth/territory_assignment.csv", dtype=str, keep_default_na=False)


def _placed(out) -> pd.DataFrame:
    """Truth rows with the country and employee count of the record that placed them."""
    truth = _truth(out)
    accounts = _current_accounts(out)
    firmo = read_landing(out / "vendor/firmographics")
    crm = truth.loc[truth["CRM_Id"] != ""].merge(
        accounts[["Id", "BillingCountry", "NumberOfEmployees", "BillingState"]], left_on="CRM_Id", right_on="Id")
    vendor = truth.loc[truth["CRM_Id"] == ""].merge(firmo[["Company_Id", "Country", "Employee_Count"]], on="Company_Id")
    crm = crm.assign(country=crm["BillingCountry"].map(_iso), employees=pd.to_numeric(crm["NumberOfEmployees"]))
    vendor = vendor.assign(country=vendor["Country"].map(_iso), employees=pd.to_numeric(vendor["Employee_Count"]))
    return pd.concat([crm, vendor], ignore_index=True)


def test_truth_equals_the_rule_engine_on_the_written_files(world):
    out, _ = world
    rules = read_landing(out / "territories/rules").astype({"Priority": int})
    accounts = _current_accounts(out)
    firmo = read_landing(out / "vendor/firmographics")
    home = home_country(accounts["BillingCountry"])
    truth = _truth(out)
    crm_truth = truth.loc[truth["CRM_Id"] != ""].set_index("CRM_Id")["Territory_Id"]
    crm_engine = pd.Series(assign_territories(accounts, rules, home), index=accounts["Id"].to_numpy())
    assert home == "US"
    assert len(crm_truth) == len(crm_engine)
    assert (crm_engine.reindex(crm_truth.index) == crm_truth).all()
    vendor_truth = truth.loc[truth["CRM_Id"] == ""].set_index("Company_Id")["Territory_Id"]
    vendor_engine = pd.Series(assign_territories(vendor_placement(firmo), rules, home), index=firmo["Company_Id"].to_numpy())
    assert (vendor_engine.reindex(vendor_truth.index) == vendor_truth).all()


def test_no_company_abroad_lands_in_a_territory_that_does_not_name_its_country(world):
    out, _ = world
    placed = _placed(out)
    rules = read_landing(out / "territories/rules")
    countries_named = rules.loc[rules["Field"] == "BillingCountry"].assign(country=lambda r: r["Value"].map(_iso))
    named_ids = set(rules.loc[rules["Field"] == "Id", "Value"])
    abroad = placed.loc[(placed["country"] != "US") & (placed["Territory_Id"] != UNASSIGNED)]
    allowed = set(zip(countries_named["Territory_Id"], countries_named["country"]))
    by_country = [(t, c) in allowed for t, c in zip(abroad["Territory_Id"], abroad["country"])]
    by_name = abroad["CRM_Id"].isin(named_ids).to_numpy()
    assert len(abroad) > 0 and (np.array(by_country) | by_name).all()
    uncovered = placed.loc[placed["country"].isin(["GB", "DE"])]
    assert len(uncovered) > 0 and (uncovered["Territory_Id"] == UNASSIGNED).all()
    canada = placed.loc[placed["country"] == "CA", "Territory_Id"]
    assert (canada != UNASSIGNED).mean() > 0.9


def test_companies_abroad_in_three_countries_with_varied_spellings_and_real_postal_codes(world):
    out, _ = world
    accounts = _current_accounts(out)
    firmo = read_landing(out / "vendor/firmographics")
    bombora = read_landing(out / "intent/bombora")
    share_abroad = (firmo["Country"].map(_iso) != "US").mean()
    assert 0.01 <= share_abroad <= 0.02
    spellings = pd.concat([
        accounts["BillingCountry"], firmo["Country"], bombora["Domain Origin Country"]]).dropna().drop_duplicates()
    codes = spellings.map(_iso)
    for country in ("CA", "GB", "DE"):
        written = set(spellings[codes == country])
        assert len(written) >= 4 and any(len(s) == 2 for s in written) and any(len(s) > 3 for s in written), written
        crm_rows = accounts.loc[accounts["BillingCountry"].map(_iso) == country]
        vendor_rows = firmo.loc[firmo["Country"].map(_iso) == country]
        assert len(crm_rows) > 0 and len(vendor_rows) > 0
        postal = pd.concat([crm_rows["BillingPostalCode"], vendor_rows["Postal_Code"]]).dropna()
        assert postal.str.fullmatch(POSTAL_FORMATS[country]).all(), postal[~postal.str.fullmatch(POSTAL_FORMATS[country])]
        assert vendor_rows["Website"].dropna().str.endswith(TOP_LEVEL_DOMAINS[country]).any()
    assert {"Canada", "United Kingdom", "Germany", "UK", "deu"} <= set(spellings)
    assert accounts["BillingState"].isin(["ON", "Ontario", "BY", "Bayern", "ENG", "England"]).any()


def test_companies_abroad_have_intent_engagement_and_opportunities(world):
    out, _ = world
    accounts = _current_accounts(out)
    abroad_ids = set(accounts.loc[accounts["BillingCountry"].map(_iso) != "US", "Id"])
    opportunities = read_landing(out / "crm/opportunities")
    assert opportunities["AccountId"].isin(abroad_ids).sum() > 0
    contacts = read_landing(out / "crm/contacts")
    abroad_mail = contacts.loc[contacts["AccountId"].isin(abroad_ids), "Email"].dropna().str.lower()
    activities = read_landing(out / "map/activities")
    assert activities["email"].str.lower().isin(set(abroad_mail)).any()
    bombora = read_landing(out / "intent/bombora")
    assert bombora["Domain"].str.endswith((".ca", ".co.uk", ".de")).any()
    g2 = read_landing(out / "intent/g2")
    assert g2["company_domain"].str.endswith((".ca", ".co.uk", ".de")).any()


def test_a_national_vertical_wins_over_geography_with_its_own_owner(world):
    out, _ = world
    rules = read_landing(out / "territories/rules").astype({"Priority": int})
    definitions = read_landing(out / "territories/definitions")
    fields = rules.groupby("Territory_Id")["Field"].agg(set)
    vertical = [t for t, f in fields.items() if "Industry" in f and not f & GEOGRAPHY_FIELDS]
    assert len(vertical) == 1
    geographic = rules.loc[rules["Territory_Id"].isin(fields[fields.map(lambda f: bool(f & GEOGRAPHY_FIELDS))].index)]
    assert rules.loc[rules["Territory_Id"] == vertical[0], "Priority"].max() < geographic["Priority"].min()
    industries = rules.loc[(rules["Territory_Id"] == vertical[0]) & (rules["Field"] == "Industry"), "Value"].iloc[0]
    assert "Health Care and Social Assistance" in industries.split(";")
    owners = definitions.loc[definitions["Level"] == "territory", ["Territory_Id", "Owner_User_Id"]]
    owner = owners.loc[owners["Territory_Id"] == vertical[0], "Owner_User_Id"].iloc[0]
    assert (owners["Owner_User_Id"] == owner).sum() == 1
    placed = _placed(out)
    in_vertical = placed.loc[placed["Territory_Id"] == vertical[0]]
    assert len(in_vertical) > 20 and in_vertical["CRM_Id"].ne("").any() and in_vertical["CRM_Id"].eq("").any()


def test_a_revenue_defined_segment_disagrees_with_employee_bands_for_some_companies(world):
    out, _ = world
    rules = read_landing(out / "territories/rules")
    definitions = read_landing(out / "territories/definitions")
    segment = dict(zip(definitions["Territory_Id"], definitions["Segment"]))
    by_revenue = rules.loc[(rules["Field"] == "AnnualRevenue") & (rules["Operator"] == "between"), "Territory_Id"]
    assert len(by_revenue) > 0 and {segment[t] for t in by_revenue} == {"Mid-Market"}
    assert not rules.loc[rules["Territory_Id"].isin(by_revenue), "Field"].eq("NumberOfEmployees").any()
    placed = _placed(out)
    revenue_placed = placed.loc[placed["Territory_Id"].isin(set(by_revenue)) & placed["employees"].notna()]
    assert (revenue_placed["employees"] < 200).sum() > 10
    states = set(rules.loc[rules["Territory_Id"].isin(by_revenue) & (rules["Field"] == "BillingState"), "Value"]
                 .str.split(";").explode())
    accounts = _current_accounts(out)
    there = accounts.loc[accounts["BillingState"].str.upper().isin(states)]
    assert there["AnnualRevenue"].notna().mean() > 0.9


def test_crm_revenue_and_vendor_revenue_agree_for_the_same_company(world):
    out, _ = world
    accounts = _current_accounts(out)
    firmo = read_landing(out / "vendor/firmographics")
    matches = pd.read_csv(out / "_truth/matches.csv", dtype=str)
    pairs = matches.merge(accounts[["Id", "AnnualRevenue"]], left_on="CRM_Id", right_on="Id") \
        .merge(firmo[["Company_Id", "Revenue_USD"]], on="Company_Id").dropna(subset=["AnnualRevenue", "Revenue_USD"])
    assert len(pairs) > 100
    assert np.allclose(pairs["AnnualRevenue"].astype(float), pairs["Revenue_USD"].astype(float))


def test_a_few_reps_are_over_capacity_today(world):
    out, _ = world
    users = read_landing(out / "crm/users")
    book = _current_accounts(out)["OwnerId"].value_counts()
    users = users.assign(book=users["Id"].map(book).fillna(0), cap=pd.to_numeric(users["Max_Accounts__c"]))
    over = users.loc[users["cap"].notna() & (users["book"] > users["cap"])]
    assert 1 <= len(over) <= 5
    assert set(over["Sales_Role__c"]) <= {"AE", "AM"} and (over["IsActive"] == "true").all()
