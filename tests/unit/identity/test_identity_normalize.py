"""Normalisers on the oddities real CRM exports and vendor files contain."""

from __future__ import annotations

import duckdb
import pytest

from models_ml.identity import normalize as n
from models_ml.identity.sql_normalize import install_normalizers


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("HTTPS://WWW.Acme.com:8443/about-us?ref=x", "acme.com"),
        ("www2.acme.com", "acme.com"),
        ("acme.com.", "acme.com"),
        ("http://shop.eu.acme.co.uk/path", "acme.co.uk"),
        ("www.bigcorp.com.au", "bigcorp.com.au"),
        ("sales+eu@Acme.CO.UK", "acme.co.uk"),
        ("https://user:pw@portal.acme.io/login", "acme.io"),
        ("  acme.com  ", "acme.com"),
        ("acme", None),
        ("192.168.0.1", None),
        ("", None),
        (None, None),
        ("co.uk", None),
        ("www.acme.com.pe", "acme.com.pe"),
        ("www.EXAMPLE.com:8080/path", "example.com"),
        ("http://10.0.0.1:8080", None),
        ("www.ck", "www.ck"),
        ("shop.acme.ck", "shop.acme.ck"),
    ],
)
def test_registered_domain(value, expected):
    assert n.registered_domain(value) == expected


@pytest.mark.parametrize(
    ("host", "labels"),
    [("acme.com", 1), ("acme.com.pe", 2), ("a.b.acme.co.jp", 2), ("acme.unknowntld", 1),
     ("x.acme.ck", 2), ("www.ck", 1), ("city.kobe.jp", 2), ("kobe.jp", 2), ("co.uk", 2)],
)
def test_public_suffix_labels_follow_exceptions_then_the_longest_rule(host, labels):
    assert n.public_suffix_labels(host) == labels


@pytest.mark.parametrize("value", ["gmail.com", "jane@GMAIL.com", "https://mail.yahoo.co.uk",
                                   "x@proton.me", "hotmail.com", "icloud.com", "outlook.com"])
def test_free_mail_is_never_a_company_domain(value):
    assert n.is_free_mail(n.registered_domain(value))
    assert n.company_domain(value) is None
    assert n.email_domain(value if "@" in value else f"a@{value}") is None


def test_email_drops_plus_tag_and_case():
    assert n.normalize_email(" Jo.Smith+CRM@Acme.COM ") == "jo.smith@acme.com"
    assert n.email_domain("jo+x@eu.acme.co.uk") == "acme.co.uk"
    assert n.normalize_email("not an email") is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Acme, Inc.", "acme"),
        ("ACME INCORPORATED", "acme"),
        ("The Acme Company", "acme"),
        ("Acme Holdings Ltd.", "acme"),
        ("Smith & Co", "smith"),
        ("Procter & Gamble", "procter and gamble"),
        ("Procter and Gamble Co.", "procter and gamble"),
        ("A.B.C. Widgets GmbH", "abc widgets"),
        ("Société Générale S.A.", "societe generale"),
        ("O'Reilly Media, LLC", "oreilly media"),
        ("The Company", "company"),
        ("Co-Operative Bank PLC", "co operative bank"),
        ("   ", None),
    ],
)
def test_company_name(value, expected):
    assert n.normalize_company_name(value) == expected


def test_name_tokens():
    assert n.name_tokens("The Blue-Sky Group Holdings, Inc.") == ["blue", "sky"]
    assert n.name_tokens("Group Health Cooperative") == ["group", "health", "cooperative"]


@pytest.mark.parametrize(
    ("value", "expected"),
    [("02134-1234", "02134"), ("021341234", "02134"), ("2134", "02134"), ("2134.0", "02134"),
     (2134, "02134"), ("94105", "94105"), ("94105 1234", "94105"), ("SW1A 1AA", None), (None, None)],
)
def test_zip(value, expected):
    assert n.normalize_zip(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [("1200 Main St", "1200"), ("Suite 4, 1200 Main St", "1200"), ("0012 Elm Rd", "12"),
     ("PO Box 77", None), ("#5, 88 Oak Ave", "88"), ("One Market Plaza", None)],
)
def test_street_number(value, expected):
    assert n.street_number(value) == expected


AWKWARD = [
    "HTTPS://WWW.Acme.com:8443/about-us?ref=x", "www2.acme.com", "acme.com.", "sales+eu@Acme.CO.UK",
    "http://shop.eu.acme.co.uk/path", "www.bigcorp.com.au", "gmail.com", "192.168.0.1", "acme",
    "Acme, Inc.", "The Acme Company", "Smith & Co", "A.B.C. Widgets GmbH", "O'Reilly Media, LLC",
    "Société Générale S.A.", "02134-1234", "2134", "2134.0", "Suite 4, 1200 Main St", "PO Box 77",
    "#5, 88 Oak Ave", "0012 Elm Rd", None, "", "www.EXAMPLE.com:8080/path", "acme.com.pe",
    "http://10.0.0.1:8080", "jane@GMAIL.com", "city.kawasaki.jp", "www.ck",
]


def test_sql_macros_agree_with_python():
    con = duckdb.connect()
    install_normalizers(con)
    for value in AWKWARD:
        row = con.execute(
            "select terrain_registered_domain($v), terrain_company_domain($v), "
            "terrain_company_name($v), terrain_zip5($v), terrain_street_number($v)",
            {"v": value},
        ).fetchall()[0]
        assert row == (
            n.registered_domain(value), n.company_domain(value), n.normalize_company_name(value),
            n.normalize_zip(value), n.street_number(value),
        ), value
