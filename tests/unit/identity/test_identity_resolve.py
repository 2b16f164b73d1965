"""Resolution on a world with known truth: hand-made hard cases on a synthetic background."""

from __future__ import annotations

import duckdb
import pandas as pd
import pytest
from identity_world import make_world, pair_quality

from models_ml.identity import resolve_accounts
from models_ml.identity.probabilistic import rare_agreement_u

VENDOR_CASES = [
    # company_id, company_name, website, street, city, state, zip, parent
    ("V-GLOBEX", "Globex Corporation", "https://www.globex.com", "1 Globex Plaza", "New York", "NY", "10001", None),
    ("V-GLOBEXFIN", "Globex Financial Services LLC", "globex.com", "250 Water St", "New York", "NY", "10038", "V-GLOBEX"),
    ("V-INITECH", "Initech, Inc.", "initech.com", "4120 Freidrich Ln", "Austin", "TX", "78744", None),
    ("V-SOYLENT", "Soylent Company", "soylent.co.uk", "15 Green Street", "Boston", "MA", "02134", None),
    ("V-HOOLI", "Hooli Dynamics Inc", "hooli.io", "900 Market St", "San Francisco", "CA", "94105", None),
    ("V-VANDELAY", "Vandelay Industries", "vandelay.com", "129 W 81st St", "New York", "NY", "10024", None),
]
CRM_CASES = [
    # account_id, account_name, website, street, city, state, zip, is_customer
    ("C-GLOBEX", "GLOBEX CORP", "globex.com", "1 Globex Plaza", "NEW YORK", "NY", "10001-2233", True),
    ("C-GLOBEXFIN", "Globex Financial Services", "http://www.globex.com/finance", "250 Water Street", "New York", "NY", "10038", False),
    ("C-INITECH-1", "Initech, Inc.", "WWW.INITECH.COM/", "4120 Freidrich Lane", "Austin", "TX", "78744", False),
    ("C-INITECH-2", "Initech", None, "Suite 300, 4120 Freidrich Ln", "Austin", "TX", "78744", True),
    ("C-SOYLENT", "Soylent & Co", None, "15 Green St", "Boston", "MA", "2134", False),
    ("C-HOOLI-DENTAL", "Hooli Dental", None, "12 Pine St", "San Francisco", "CA", "94105", False),
    ("C-BOB", "Bob's Plumbing", "gmail.com", "7 Elm Rd", "Denver", "CO", "80202", False),
    ("C-CAROL", "Carol's Catering", "https://mail.google.com/", "9 Ash Ave", "Denver", "CO", "80203", False),
    ("C-UMBRELLA-1", "Umbrella Research", "umbrella-research.com", "1 Hive Way", "Raccoon City", "MO", "65801", False),
    ("C-UMBRELLA-2", "Umbrella Research Ltd.", "https://umbrella-research.com/about", None, None, "MO", "65801", False),
]
TRUE_CASE_PAIRS = {
    ("V-GLOBEX", "C-GLOBEX"), ("V-GLOBEXFIN", "C-GLOBEXFIN"), ("V-INITECH", "C-INITECH-1"),
    ("V-INITECH", "C-INITECH-2"), ("V-SOYLENT", "C-SOYLENT"),
}


def _world(extra_vendor: list[tuple] | None = None):
    crm, vendor, truth = make_world(600, 150, seed=11)
    vendor_cases = pd.DataFrame(
        VENDOR_CASES + (extra_vendor or []),
        columns=["company_id", "company_name", "website", "street", "city", "state_code",
                 "postal_code", "parent_company_id"],
    )
    crm_cases = pd.DataFrame(
        CRM_CASES,
        columns=["account_id", "account_name", "website", "billing_street", "billing_city",
                 "state_code", "postal_code", "is_customer"],
    )
    truth_cases = pd.DataFrame(sorted(TRUE_CASE_PAIRS), columns=["Company_Id", "CRM_Id"])
    return (pd.concat([crm, crm_cases], ignore_index=True),
            pd.concat([vendor, vendor_cases], ignore_index=True),
            pd.concat([truth, truth_cases], ignore_index=True))


@pytest.fixture(scope="module")
def world():
    return _world()


@pytest.fixture(scope="module")
def resolved(world):
    crm, vendor, _ = world
    return resolve_accounts(crm, vendor, match_threshold=0.92)


def _key(result, source: str, record_id: str) -> str:
    keys = result.account_keys
    row = keys[(keys["record_source"] == source) & (keys["record_id"] == record_id)]
    assert len(row) == 1
    return row["account_key"].iloc[0]


def test_precision_and_recall_against_truth(world, resolved):
    quality = pair_quality(resolved.entity_matches, world[2])
    assert quality["precision"] >= 0.98, quality
    assert quality["recall"] >= 0.95, quality


def test_every_record_gets_exactly_one_key(world, resolved):
    crm, vendor, _ = world
    keys = resolved.account_keys
    assert len(keys) == len(crm) + len(vendor)
    assert not keys.duplicated(["record_source", "record_id"]).any()
    assert keys["account_key"].str.fullmatch(r"ACC-[0-9a-f]{12}").all()
    assert not keys.groupby("account_key")["record_source"].apply(lambda s: (s == "vendor").sum() > 1).any()


def test_subsidiary_on_parent_domain_is_kept_apart(resolved):
    matches = set(zip(resolved.entity_matches["vendor_company_id"], resolved.entity_matches["crm_account_id"]))
    assert ("V-GLOBEXFIN", "C-GLOBEXFIN") in matches
    assert ("V-GLOBEX", "C-GLOBEX") in matches
    assert _key(resolved, "vendor", "V-GLOBEX") != _key(resolved, "vendor", "V-GLOBEXFIN")
    domain_owner = resolved.domain_keys.set_index("domain")["account_key"]["globex.com"]
    assert domain_owner == _key(resolved, "vendor", "V-GLOBEX")


def test_crm_duplicates_share_a_key_and_are_listed(resolved):
    assert _key(resolved, "crm", "C-INITECH-1") == _key(resolved, "crm", "C-INITECH-2")
    duplicates = resolved.crm_duplicates.set_index("crm_account_id")
    # The customer record is the primary one; the other is listed for merging, never dropped.
    assert duplicates.loc["C-INITECH-1", "primary_crm_account_id"] == "C-INITECH-2"
    assert duplicates.loc["C-INITECH-1", "match_probability"] >= 0.92
    assert _key(resolved, "crm", "C-UMBRELLA-1") == _key(resolved, "crm", "C-UMBRELLA-2")
    assert "C-UMBRELLA-2" in duplicates.index


def test_name_variant_without_domain_matches_by_model(resolved):
    matches = resolved.entity_matches.set_index("crm_account_id")
    assert matches.loc["C-SOYLENT", "vendor_company_id"] == "V-SOYLENT"
    assert matches.loc["C-SOYLENT", "match_method"] == "splink"
    assert matches.loc["C-SOYLENT", "match_probability"] >= 0.92
    assert matches.loc["C-INITECH-1", "match_method"] == "domain"
    assert matches.loc["C-GLOBEXFIN", "match_method"] == "domain+name"


def test_lookalike_in_same_zip_is_not_matched(resolved):
    assert "C-HOOLI-DENTAL" not in set(resolved.entity_matches["crm_account_id"])
    assert _key(resolved, "crm", "C-HOOLI-DENTAL") != _key(resolved, "vendor", "V-HOOLI")
    row = resolved.account_keys.set_index("record_id").loc["C-HOOLI-DENTAL"]
    assert row["match_method"] == "crm_only" and bool(row["is_primary"])


def test_free_mail_websites_never_link_or_key(resolved):
    assert _key(resolved, "crm", "C-BOB") != _key(resolved, "crm", "C-CAROL")
    assert "gmail.com" not in set(resolved.domain_keys["domain"])
    assert resolved.domain_keys["domain"].is_unique


def test_rerun_with_previous_keys_is_identical(world, resolved):
    crm, vendor, _ = world
    again = resolve_accounts(crm, vendor, previous_keys=resolved.account_keys, match_threshold=0.92)
    pd.testing.assert_frame_equal(again.account_keys, resolved.account_keys)
    pd.testing.assert_frame_equal(again.entity_matches, resolved.entity_matches)


def test_new_vendor_companies_keep_existing_keys(resolved):
    """A new delivery adds an unrelated company and the vendor record of Hooli Dental."""
    crm, vendor, _ = _world(extra_vendor=[
        ("V-NEWCO", "Newco Widgets Inc", "newco-widgets.com", "5 New Rd", "Denver", "CO", "80202", None),
        ("V-HOOLIDENTAL", "Hooli Dental LLC", None, "12 Pine Street", "San Francisco", "CA", "94105", None),
    ])
    later = resolve_accounts(crm, vendor, previous_keys=resolved.account_keys, match_threshold=0.92)
    before = resolved.account_keys.set_index(["record_source", "record_id"])["account_key"]
    after = later.account_keys.set_index(["record_source", "record_id"])["account_key"]
    assert (after.reindex(before.index) == before).all()
    assert after[("vendor", "V-HOOLIDENTAL")] == before[("crm", "C-HOOLI-DENTAL")]
    assert after[("vendor", "V-NEWCO")] not in set(before)


def test_rare_agreement_u_counts_agreeing_pairs_exactly():
    """Two of four records share a domain: 2 of the 12 ordered pairs agree."""
    con = duckdb.connect()
    con.execute(
        "create table identity_splink_input as select * from (values "
        "('a.com', '02134', '1'), ('a.com', '02134', '2'), ('b.com', '02134', '1'), (null, null, null)"
        ") t(domain, zip5, street_number)"
    )
    u = rare_agreement_u(con)
    assert u["domain"] == pytest.approx(2 / 12)
    assert u["zip_house"] == pytest.approx(2 / 12)
    assert u["zip"] == pytest.approx(6 / 12 - 2 / 12)


def test_resolution_without_street_addresses_still_runs():
    """Exports without streets leave some Splink training blocks empty; matching must go on."""
    import pandas as pd

    from models_ml.identity import resolve_accounts

    crm = pd.DataFrame({"account_id": ["001A", "001B"], "account_name": ["Northwind Traders", "Contoso Ltd"],
                        "website": ["northwind.com", None], "postal_code": ["94105", "10001"], "state_code": ["CA", "NY"]})
    vendor = pd.DataFrame({"company_id": ["V1", "V2", "V3"], "company_name": ["Northwind Traders Inc", "Contoso Limited", "Fabrikam"],
                           "website": ["https://www.northwind.com", "contoso.com", "fabrikam.com"],
                           "postal_code": ["94105", "10001", "60601"], "state_code": ["CA", "NY", "IL"]})
    result = resolve_accounts(crm, vendor, match_threshold=0.92)
    pairs = set(zip(result.entity_matches.vendor_company_id, result.entity_matches.crm_account_id))
    assert ("V1", "001A") in pairs
    assert len(result.account_keys) == 5
    assert result.account_keys.account_key.notna().all()
