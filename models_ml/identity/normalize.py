"""Normalisers that turn messy CRM and vendor fields into comparable keys.

Record linkage is only as good as its keys: ``HTTPS://WWW.Acme.co.uk:443/about`` and
``sales+eu@acme.co.uk`` must both become ``acme.co.uk``, ``Acme, Inc.`` and ``The ACME Company``
must both become ``acme``, and ``2134`` (a ZIP that lost its leading zero in a spreadsheet) must
become ``02134``. These functions are the reference behaviour; ``sql_normalize`` installs the
same rules as DuckDB macros for the million-row side, built from the constants defined here.
"""

from __future__ import annotations

import re
import unicodedata

# Multi-label public suffixes: the registered domain is one label more than these. A small
# built-in list (no network at run time) covering the suffixes business websites actually use.
MULTI_LABEL_SUFFIXES: frozenset[str] = frozenset(
    {
        "co.uk", "org.uk", "ac.uk", "gov.uk", "ltd.uk", "plc.uk", "me.uk", "net.uk", "sch.uk",
        "nhs.uk", "com.au", "net.au", "org.au", "edu.au", "gov.au", "asn.au", "id.au",
        "co.nz", "org.nz", "net.nz", "govt.nz", "ac.nz", "co.jp", "ne.jp", "or.jp", "ac.jp",
        "go.jp", "co.kr", "or.kr", "ac.kr", "co.in", "net.in", "org.in", "firm.in", "gen.in",
        "ind.in", "ac.in", "com.br", "net.br", "org.br", "com.mx", "org.mx", "gob.mx",
        "com.cn", "net.cn", "org.cn", "com.hk", "org.hk", "com.sg", "org.sg", "edu.sg",
        "com.tw", "org.tw", "co.za", "org.za", "com.ar", "com.tr", "co.il", "org.il",
        "com.my", "co.id", "com.ph", "com.vn", "com.co", "com.pe", "com.ua", "co.th",
        "in.th", "com.pk", "com.eg", "com.sa", "com.ng", "co.ke", "com.pl", "com.es",
        "com.pt", "co.at", "or.at", "com.gr", "com.ru", "com.ec", "com.uy", "com.ve",
        "com.do", "com.gt", "com.pr", "com.qa", "com.kw", "com.bh", "com.lb", "com.jo",
        "co.ve", "com.bd", "com.np", "com.lk", "co.ma", "co.tz", "co.ug", "co.zw",
    }
)

# Consumer mailbox providers: a contact at one of these says nothing about the employer, and a
# CRM "website" pointing at one must never link two companies.
FREE_MAIL_DOMAINS: frozenset[str] = frozenset(
    {
        "gmail.com", "googlemail.com", "yahoo.com", "yahoo.co.uk", "yahoo.ca", "yahoo.fr",
        "yahoo.de", "yahoo.co.in", "yahoo.com.au", "yahoo.co.jp", "ymail.com", "rocketmail.com",
        "outlook.com", "hotmail.com", "hotmail.co.uk", "hotmail.fr", "hotmail.de", "live.com",
        "live.co.uk", "msn.com", "passport.com", "aol.com", "aim.com", "icloud.com", "me.com",
        "mac.com", "proton.me", "protonmail.com", "protonmail.ch", "pm.me", "gmx.com", "gmx.net",
        "gmx.de", "gmx.us", "web.de", "mail.com", "email.com", "usa.com", "zoho.com",
        "zohomail.com", "yandex.com", "yandex.ru", "ya.ru", "mail.ru", "inbox.ru", "bk.ru",
        "list.ru", "rambler.ru", "qq.com", "163.com", "126.com", "sina.com", "sohu.com",
        "yeah.net", "naver.com", "hanmail.net", "daum.net", "comcast.net", "verizon.net",
        "att.net", "sbcglobal.net", "bellsouth.net", "cox.net", "charter.net", "earthlink.net",
        "optonline.net", "frontier.com", "windstream.net", "centurylink.net", "juno.com",
        "netzero.net", "roadrunner.com", "rr.com", "fastmail.com", "fastmail.fm", "hey.com",
        "tutanota.com", "tuta.io", "hushmail.com", "inbox.com", "lycos.com", "rediffmail.com",
        "orange.fr", "wanadoo.fr", "free.fr", "laposte.net", "sfr.fr", "t-online.de",
        "btinternet.com", "sky.com", "virginmedia.com", "talktalk.net", "ntlworld.com",
        "libero.it", "virgilio.it", "tiscali.it", "seznam.cz", "wp.pl", "o2.pl", "interia.pl",
        "bigpond.com", "optusnet.com.au", "shaw.ca", "rogers.com", "sympatico.ca",
        "mailinator.com", "guerrillamail.com", "example.com",
    }
)

# Legal-form and filler words that differ between sources for the same company. Only removed at
# the end of a name (``Co`` in ``Co-Operative Bank`` stays) and never down to an empty name.
LEGAL_SUFFIXES: tuple[str, ...] = (
    "inc", "incorporated", "llc", "llp", "lllp", "lp", "ltd", "limited", "corp", "corporation",
    "co", "company", "companies", "gmbh", "ag", "sa", "sas", "sarl", "srl", "spa", "bv", "nv",
    "ab", "as", "oy", "pty", "plc", "pllc", "pc", "pa", "holdings", "holding", "group", "intl",
    "and",
)

_SCHEME = re.compile(r"^[a-z][a-z0-9+.\-]*:/*")
_HOST_LABEL = re.compile(r"^[a-z0-9](?:[a-z0-9\-]*[a-z0-9])?$")
_IPV4 = re.compile(r"^\d{1,3}(?:\.\d{1,3}){3}$")

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
    text = str(value).strip().lower()
    if not text or text in {"nan", "none", "null"}:
        return None
    if "@" in text:
        text = text.rsplit("@", 1)[1]
    text = _SCHEME.sub("", text)
    text = re.split(r"[/?#\\\s]", text, maxsplit=1)[0]
    if "@" in text:
        text = text.rsplit("@", 1)[1]
    text = text.split(":", 1)[0].strip(".")
    if not text or "." not in text or _IPV4.match(text):
        return None
    labels = text.split(".")
    if not all(_HOST_LABEL.match(label) for label in labels):
        return None
    if labels[-1].isdigit():
        return None
    return text


def registered_domain(value: str | None) -> str | None:
    """The registered domain (``acme.co.uk``) of a website, URL or e-mail, public-suffix aware.

    Sub-domains (``www``, ``www2``, ``shop``) are dropped so that every address of one company
    agrees; a value that is not a host name gives None.
    """
    host = host_of(value)
    if host is None:
        return None
    labels = host.split(".")
    keep = 3 if ".".join(labels[-2:]) in MULTI_LABEL_SUFFIXES else 2
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
    """Lower-case e-mail with the ``+tag`` of the mailbox removed (``Jo+crm@X.com`` -> ``jo@x.com``)."""
    if value is None:
        return None
    text = str(value).strip().lower()
    if text.count("@") != 1:
        return None
    local, _, host = text.partition("@")
    local = local.split("+", 1)[0]
    host = host.strip(".")
    if not local or host_of(host) is None:
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
