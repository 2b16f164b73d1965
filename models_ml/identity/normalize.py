"""Normalisers that turn messy CRM and vendor fields into comparable keys.

Record linkage is only as good as its keys: ``HTTPS://WWW.Acme.co.uk:443/about`` and
``sales+eu@acme.co.uk`` must both become ``acme.co.uk``, ``Acme, Inc.`` and ``The ACME Company``
must both become ``acme``, and ``2134`` (a ZIP that lost its leading zero in a spreadsheet) must
become ``02134``. These functions are the reference behaviour; ``sql_normalize`` installs the
same rules as DuckDB macros for the million-row side, built from the constants defined here.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from pathlib import Path

SEED_DIR = Path(__file__).resolve().parents[2] / "dbt_project" / "seeds"
PUBLIC_SUFFIX_SEED = SEED_DIR / "public_suffixes.csv"
FREE_MAIL_SEED = SEED_DIR / "free_mail_domains.csv"


def _seed_column(path: Path, column: str) -> frozenset[str]:
    with path.open(encoding="utf-8", newline="") as handle:
        return frozenset(row[column] for row in csv.DictReader(handle))


# The Public Suffix List rules (``co.uk``, wildcard ``*.ck``, exception ``!www.ck``) in ASCII form,
# read from the dbt seed that staging's ``normalize_domain`` macro reads too: one list for both.
PUBLIC_SUFFIX_RULES: frozenset[str] = _seed_column(PUBLIC_SUFFIX_SEED, "rule")
# The most labels a public suffix can have (a wildcard counts as one), so how far to look back.
MAX_SUFFIX_LABELS: int = max(len(rule.lstrip("!").split(".")) for rule in PUBLIC_SUFFIX_RULES)

# Consumer mailbox providers: a contact at one of these says nothing about the employer, and a
# CRM "website" pointing at one must never link two companies. Kept in the dbt seed beside the
# suffixes, which dbt's ``is_free_mail_domain`` reads too.
FREE_MAIL_DOMAINS: frozenset[str] = _seed_column(FREE_MAIL_SEED, "domain")

# Legal-form and filler words that differ between sources for the same company. Only removed at
# the end of a name (``Co`` in ``Co-Operative Bank`` stays) and never down to an empty name.
LEGAL_SUFFIXES: tuple[str, ...] = (
    "inc", "incorporated", "llc", "llp", "lllp", "lp", "ltd", "limited", "corp", "corporation",
    "co", "company", "companies", "gmbh", "ag", "sa", "sas", "sarl", "srl", "spa", "bv", "nv",
    "ab", "as", "oy", "pty", "plc", "pllc", "pc", "pa", "holdings", "holding", "group", "intl",
    "and",
)

# Host rules, shared verbatim with ``sql_normalize`` and written the same in the ``domain_host`` dbt
# macro. Only ASCII whitespace counts; a scheme needs its slashes, so ``acme.com:8080`` keeps its
# host; a host is ASCII labels (punycode for international names) whose last label is not a number,
# so IP addresses have no registered domain.
HOST_TRIM_PATTERN = r"^[ \t\n\r\f\v]+|[ \t\n\r\f\v]+$"
HOST_SCHEME_PATTERN = r"^[A-Za-z][A-Za-z0-9+.\-]*:/+"
HOST_AUTHORITY_PATTERN = r"^[^/?#\\ \t\n\r\f\v]*"
HOST_USER_PATTERN = r"^.*@"
HOST_PORT_PATTERN = r":.*$"
HOST_PATTERN = r"(?:[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?\.)+[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?"
HOST_NUMERIC_TLD_PATTERN = r".*\.[0-9]+"

# Name rules, shared verbatim with the SQL macros in ``sql_normalize``.
NAME_AND_PATTERN = r"[&+]"
NAME_DROP_PATTERN = r"['’`.]"
NAME_SPLIT_PATTERN = r"[^a-z0-9]+"
NAME_LEADING_THE_PATTERN = r"^the (.)"
NAME_TRAILING_SUFFIX_PATTERN = r"^(.+?)(?: (?:" + "|".join(LEGAL_SUFFIXES) + r"))+$"

# ZIP rules, shared verbatim with the SQL macros in ``sql_normalize``.
ZIP9_PATTERN = r"^\d{9}$"
ZIP_PATTERN = r"^(\d{3,5})(?:\.0+)?(?:[\s\-]?\d{4})?$"

# Street rules, shared verbatim with the SQL macros in ``sql_normalize``.
STREET_LEADING_NUMBER_PATTERN = r"^\s*(\d+)"
STREET_UNIT_PATTERN = r"(?:\b(?:suite|ste|unit|apt|apartment|floor|fl|box|room|rm)\.?|#)\s*\d+"
STREET_NUMBER_PATTERN = r"\b(\d+)"


def host_of(value: str | None) -> str | None:
    """The lower-case host name of a URL, bare domain or e-mail address, without port or dots."""
    if value is None:
        return None
    text = re.sub(HOST_TRIM_PATTERN, "", str(value))
    text = re.sub(HOST_SCHEME_PATTERN, "", text)
    text = re.match(HOST_AUTHORITY_PATTERN, text).group(0)
    text = re.sub(HOST_USER_PATTERN, "", text)
    text = re.sub(HOST_PORT_PATTERN, "", text).strip(".")
    if not re.fullmatch(HOST_PATTERN, text) or re.fullmatch(HOST_NUMERIC_TLD_PATTERN, text):
        return None
    return text.lower()


def public_suffix_labels(host: str) -> int:
    """How many trailing labels of a host are its public suffix, as the Public Suffix List says:
    an exception rule (``!city.kawasaki.jp``) prevails and its suffix is one label shorter; else
    the longest exact (``co.uk``) or wildcard (``*.ck``) rule; else the top-level label alone."""
    labels = host.split(".")
    counts = range(min(len(labels), MAX_SUFFIX_LABELS), 1, -1)
    tails = {count: ".".join(labels[-count:]) for count in range(1, len(labels) + 1)}
    for count in counts:
        if f"!{tails[count]}" in PUBLIC_SUFFIX_RULES:
            return count - 1
    for count in counts:
        if tails[count] in PUBLIC_SUFFIX_RULES or f"*.{tails[count - 1]}" in PUBLIC_SUFFIX_RULES:
            return count
    return 1


def registered_domain(value: str | None) -> str | None:
    """The registered domain (``acme.co.uk``) of a website, URL or e-mail, public-suffix aware.

    Sub-domains (``www``, ``www2``, ``shop``) are dropped so that every address of one company
    agrees; a value that is not a host name (an IP address, a bare word, a public suffix itself)
    gives None.
    """
    host = host_of(value)
    if host is None:
        return None
    labels = host.split(".")
    keep = public_suffix_labels(host) + 1
    if len(labels) < keep:
        return None
    return ".".join(labels[-keep:])


def is_free_mail(domain: str | None) -> bool:
    """Whether a domain belongs to a consumer mailbox provider (never a company's identity)."""
    return domain is not None and registered_domain(domain) in FREE_MAIL_DOMAINS


def company_domain(value: str | None) -> str | None:
    """The registered domain usable as company evidence: None for free-mail and invalid values."""
    domain = registered_domain(value)
    return None if domain is None or domain in FREE_MAIL_DOMAINS else domain


def normalize_email(value: str | None) -> str | None:
    """Lower-case e-mail with the ``+tag`` of the mailbox removed (``Jo+crm@X.com`` -> ``jo@x.com``).

    The rule of dbt's ``normalize_email`` macro, which every e-mail column of the warehouse goes
    through: tests/unit/dbt/test_email_rule.py feeds both the same hard cases.
    """
    if value is None:
        return None
    text = re.sub(HOST_TRIM_PATTERN, "", str(value)).lower()
    if text.count("@") != 1:
        return None
    local, _, host = text.partition("@")
    local = local.split("+", 1)[0]
    host = host.strip(".")
    if not local or not re.fullmatch(HOST_PATTERN, host) or re.fullmatch(HOST_NUMERIC_TLD_PATTERN, host):
        return None
    return f"{local}@{host}"


def email_domain(value: str | None) -> str | None:
    """The company domain of an e-mail address; None for free-mail providers."""
    email = normalize_email(value)
    return None if email is None else company_domain(email)


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")


def normalize_company_name(value: str | None) -> str | None:
    """A company name reduced to what identifies it: case, accents, punctuation, ``&``/``and``,
    a leading ``The`` and trailing legal forms (``Inc``, ``LLC``, ``GmbH``, ``Holdings``...) go.
    """
    if value is None:
        return None
    text = _ascii(str(value)).lower()
    text = re.sub(NAME_AND_PATTERN, " and ", text)
    text = re.sub(NAME_DROP_PATTERN, "", text)
    text = re.sub(NAME_SPLIT_PATTERN, " ", text).strip()
    text = re.sub(NAME_LEADING_THE_PATTERN, r"\1", text)
    text = re.sub(NAME_TRAILING_SUFFIX_PATTERN, r"\1", text)
    return text or None


def name_tokens(value: str | None) -> list[str]:
    """The words of a normalised company name, for token blocking and comparison."""
    normalized = normalize_company_name(value)
    return normalized.split(" ") if normalized else []


def normalize_zip(value: object) -> str | None:
    """A 5-digit US ZIP from ZIP+4, 9-digit runs, numbers stored as floats or lost leading zeros."""
    if value is None:
        return None
    text = str(value).strip()
    if re.match(ZIP9_PATTERN, text):
        return text[:5]
    match = re.match(ZIP_PATTERN, text)
    if not match:
        return None
    return match.group(1).zfill(5)


def street_number(value: str | None) -> str | None:
    """The house number of a street line: the leading number, else the first number that is not
    a suite, unit, floor or PO box (``"Suite 4, 1200 Main St"`` gives ``"1200"``)."""
    if value is None:
        return None
    text = str(value).lower()
    match = re.match(STREET_LEADING_NUMBER_PATTERN, text) or re.search(
        STREET_NUMBER_PATTERN, re.sub(STREET_UNIT_PATTERN, " ", text)
    )
    if not match:
        return None
    return match.group(1).lstrip("0") or "0"
