"""One registered-domain rule: dbt's normalize_domain macro, entity resolution's DuckDB macros and
the Python reference give the same domain for the same input, from the same public_suffixes seed."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from pathlib import Path

import duckdb
import pytest

from models_ml.identity import normalize
from models_ml.identity.sql_normalize import install_normalizers
from orchestration.reference import public_suffixes as reference
from tests.unit.dbt.conftest import run_dbt

HARD_DOMAINS: list[tuple[str | None, str | None]] = [
    ("acme.com.pe", "acme.com.pe"),
    ("www.acme.com.pe:443", "acme.com.pe"),
    ("bbc.co.uk", "bbc.co.uk"),
    ("www.acme.co.uk.", "acme.co.uk"),
    ("x.com.au", "x.com.au"),
    ("www.EXAMPLE.com:8080/path", "example.com"),
    ("https://sub.acme.co.jp/", "acme.co.jp"),
    ("HTTPS://WWW.Acme.com:8443/about-us?ref=x", "acme.com"),
    ("http:/acme.com", "acme.com"),
    ("http://acme.com\\path", "acme.com"),
    ("acme.com/contact@other.com", "acme.com"),
    ("https://user:pw@portal.acme.io/login", "acme.io"),
    ("jane.doe@mail.acme.co.uk", "acme.co.uk"),
    ("sales+eu@Acme.CO.UK", "acme.co.uk"),
    ("mailto:jo@acme.com.pe", "acme.com.pe"),
    ("jane@GMAIL.com", "gmail.com"),
    ("https://mail.yahoo.co.uk", "yahoo.co.uk"),
    ("192.168.1.10", None),
    ("http://10.0.0.1:8080", None),
    ("http://[::1]:8080/", None),
    ("[2001:db8::1]", None),
    ("", None),
    ("   ", None),
    (None, None),
    ("acme.com.", "acme.com"),
    (" \tacme.com\n", "acme.com"),
    ("ACME.COM", "acme.com"),
    ("xn--bcher-kva.de", "xn--bcher-kva.de"),
    ("shop.xn--80aswg.xn--p1ai", "xn--80aswg.xn--p1ai"),
    ("bücher.de", None),
    ("co.uk", None),
    ("com.pe", None),
    ("acme", None),
    ("localhost:8080", None),
    ("acme_corp.com", None),
    ("-acme.com", None),
    ("intranet.acme.local", "acme.local"),
    ("www.ck", "www.ck"),
    ("shop.acme.ck", "shop.acme.ck"),
    ("acme.ck", None),
    ("city.kawasaki.jp", "city.kawasaki.jp"),
    ("www.city.kawasaki.jp", "city.kawasaki.jp"),
    ("x.y.kawasaki.jp", "x.y.kawasaki.jp"),
    ("kawasaki.jp", None),
]

INLINE = """
select
    {{ normalize_domain('value') }} as registered_domain,
    {{ email_domain('value') }} as email_domain,
    {{ is_free_mail_domain(normalize_domain('value')) }} as is_free_mail,
    {{ public_suffix_max_labels() }} as max_labels
from domain_cases
order by position
"""


def _load_cases(con: duckdb.DuckDBPyConnection, values: list[str | None]) -> None:
    con.execute("create or replace temp table domain_cases (position integer, value varchar)")
    con.executemany("insert into domain_cases values (?, ?)", list(enumerate(values)))


@pytest.fixture(scope="module")
def dbt_domains(tmp_path_factory: pytest.TempPathFactory) -> Callable[[list[str | None]], list[tuple]]:
    """The dbt macros compiled by dbt and run on DuckDB over the seeds as `dbt seed` loads them."""
    work_dir = tmp_path_factory.mktemp("domains")
    warehouse = work_dir / "terrain.duckdb"
    duckdb.connect(str(warehouse)).close()
    seeded = run_dbt(["seed", "--select", "public_suffixes", "free_mail_domains"], warehouse, work_dir)
    assert seeded.returncode == 0, seeded.stdout[-3000:]
    compiled = run_dbt(["compile", "--quiet", "--output", "json", "--inline", INLINE], warehouse, work_dir)
    assert compiled.returncode == 0, compiled.stdout[-3000:]
    sql = json.loads(compiled.stdout)["compiled"]

    def run(values: list[str | None]) -> list[tuple]:
        with duckdb.connect(str(warehouse)) as con:
            _load_cases(con, values)
            return con.execute(sql).fetchall()

    return run


@pytest.fixture(scope="module")
def resolution_domains() -> Callable[[list[str | None]], list[tuple]]:
    """Entity resolution's DuckDB macros (models_ml.identity.sql_normalize)."""
    con = duckdb.connect()
    install_normalizers(con)

    def run(values: list[str | None]) -> list[tuple]:
        _load_cases(con, values)
        return con.execute(
            "select terrain_registered_domain(value), terrain_company_domain(value) "
            "from domain_cases order by position"
        ).fetchall()

    return run


def test_hard_domains_give_the_same_registered_domain_everywhere(dbt_domains, resolution_domains):
    values = [value for value, _ in HARD_DOMAINS]
    dbt_rows = dbt_domains(values)
    resolution_rows = resolution_domains(values)
    for (value, expected), dbt_row, resolution_row in zip(HARD_DOMAINS, dbt_rows, resolution_rows, strict=True):
        has_at = value is not None and "@" in value
        assert normalize.registered_domain(value) == expected, value
        assert dbt_row[:3] == (expected, expected if has_at else None, normalize.is_free_mail(value)), value
        assert resolution_row == (expected, normalize.company_domain(value)), value


def test_free_mail_is_known_to_both_and_never_a_company_domain(dbt_domains):
    values = ["jane@GMAIL.com", "https://mail.yahoo.co.uk", "www.optusnet.com.au", "acme.com"]
    assert [row[2] for row in dbt_domains(values)] == [True, True, True, False]
    assert [normalize.company_domain(value) for value in values] == [None, None, None, "acme.com"]


def test_every_free_mail_domain_is_its_own_registered_domain():
    assert {domain for domain in normalize.FREE_MAIL_DOMAINS
            if normalize.registered_domain(domain) != domain} == set()


def _rule_hosts() -> list[str]:
    """Hosts around every rule of the seed: the suffix itself, its parent, a company under it and
    a sub-domain of that company (a wildcard's `*` stands for `shop`)."""
    hosts: list[str] = []
    for rule in sorted(normalize.PUBLIC_SUFFIX_RULES):
        suffix = rule.lstrip("!").replace("*", "shop")
        parent = suffix.split(".", 1)[-1]
        hosts += [suffix, parent, f"acme.{suffix}", f"www.eu.acme.{suffix}"]
    return hosts


def _rule_corpus() -> list[str]:
    """The hosts, and each company as a URL with a port and as an e-mail address."""
    companies = [host for host in _rule_hosts() if host.startswith("acme.")]
    return (_rule_hosts() + [f"HTTPS://WWW.{host.upper()}:8443/x?y=1" for host in companies]
            + [f"Jo+crm@Mail.{host}" for host in companies])


def test_every_public_suffix_rule_gives_the_same_domain_everywhere(dbt_domains, resolution_domains):
    values = _rule_corpus()
    python = [normalize.registered_domain(value) for value in values]
    assert [row[0] for row in dbt_domains(values)] == python
    assert [row[0] for row in resolution_domains(values)] == python
    assert python[values.index("acme.com.pe")] == "acme.com.pe"


def test_the_macro_looks_as_deep_as_the_longest_rule(dbt_domains):
    assert dbt_domains(["acme.com"])[0][3] == normalize.MAX_SUFFIX_LABELS == 4


PSL_SAMPLE = """// comment
// ===BEGIN ICANN DOMAINS===
uk
co.uk
// a section comment
*.ck
!www.ck
рф
пример.рф
// ===END ICANN DOMAINS===
// ===BEGIN PRIVATE DOMAINS===
github.io
// ===END PRIVATE DOMAINS===
"""


def test_generator_writes_the_icann_rules_in_ascii(tmp_path: Path):
    source = tmp_path / "list.dat"
    source.write_text(PSL_SAMPLE, encoding="utf-8")
    assert reference.main([str(tmp_path), "--psl", str(source)]) == 0
    with (tmp_path / reference.PUBLIC_SUFFIX_SEED).open(encoding="utf-8") as handle:
        rules = [row["rule"] for row in csv.DictReader(handle)]
    assert rules == ["!www.ck", "*.ck", "ck", "co.uk", "uk", "xn--e1afmkfd.xn--p1ai", "xn--p1ai"]


def test_committed_seed_is_what_the_generator_writes(tmp_path: Path):
    pytest.importorskip("publicsuffixlist")
    assert reference.main([str(tmp_path)]) == 0
    committed = (reference.SEED_DIR / reference.PUBLIC_SUFFIX_SEED).read_text(encoding="utf-8")
    assert committed == (tmp_path / reference.PUBLIC_SUFFIX_SEED).read_text(encoding="utf-8"), (
        "public_suffixes.csv is stale: run `python -m orchestration.reference.public_suffixes`"
    )


def test_python_rule_matches_the_public_suffix_list_library():
    psl = pytest.importorskip("publicsuffixlist").PublicSuffixList(only_icann=True)
    hosts = _rule_hosts()
    assert [normalize.registered_domain(host) for host in hosts] == [psl.privatesuffix(host) for host in hosts]
