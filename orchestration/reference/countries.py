"""Country and first-level subdivision names from the ``pycountry`` package, as dbt seeds.

Accounts arrive from anywhere with ``BillingCountry`` written as an ISO code or an English name in
any case, and states or provinces written as codes or names. The seeds list every spelling the
pipeline recognises; dbt turns each into a comparison key (``place_key`` in
``dbt_project/macros/normalize_location.sql``) and looks values up by that key. Keeping the lists
as committed seeds makes them reviewable and the pipeline independent of the package at run time;
``python -m orchestration.reference.countries`` rewrites them, and a unit test fails when the
committed files differ from what this module writes.

US states are not listed here: the ``us_states`` seed keeps covering them.
"""

from __future__ import annotations

import csv
import gettext
import io
import re
import sys
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path

import pycountry

SEED_DIR = Path(__file__).resolve().parents[2] / "dbt_project" / "seeds"
COUNTRY_SEED = "country_aliases.csv"
SUBDIVISION_SEED = "subdivision_aliases.csv"

EVERYDAY_COUNTRY_NAMES: dict[str, tuple[str, ...]] = {
    "US": ("USA", "America", "United States of America", "U.S.", "U.S.A.", "United States"),
    "GB": ("UK", "U.K.", "Great Britain", "Britain", "England", "Scotland", "Wales", "Northern Ireland"),
    "NL": ("Holland", "The Netherlands"),
    "KR": ("South Korea", "Korea", "Korea, South", "Republic of Korea"),
    "KP": ("North Korea", "Korea, North"),
    "RU": ("Russia",),
    "CZ": ("Czech Republic",),
    "TR": ("Turkey",),
    "CI": ("Ivory Coast",),
    "MK": ("Macedonia",),
    "SZ": ("Swaziland",),
    "MM": ("Burma",),
    "CV": ("Cape Verde",),
    "TL": ("East Timor",),
    "VA": ("Vatican", "Vatican City"),
    "AE": ("UAE", "Emirates"),
    "CD": ("DRC", "DR Congo", "Congo-Kinshasa"),
    "CG": ("Republic of the Congo", "Congo-Brazzaville"),
    "BN": ("Brunei",),
    "MO": ("Macau",),
    "IE": ("Republic of Ireland", "Eire"),
    "CN": ("PRC", "People's Republic of China", "Mainland China"),
    "DE": ("Deutschland",),
    "ES": ("Espana",),
    "IT": ("Italia",),
    "CH": ("Schweiz", "Suisse", "Svizzera"),
    "AT": ("Osterreich",),
    "BE": ("Belgique", "Belgie"),
    "BR": ("Brasil",),
    "SE": ("Sverige",),
    "NO": ("Norge",),
    "DK": ("Danmark",),
    "FI": ("Suomi",),
    "PL": ("Polska",),
}
"""Everyday names that are not ISO 3166 names: short forms, former names, the UK's nations, and
the local names CRM users type most."""

EVERYDAY_SUBDIVISION_NAMES: dict[str, tuple[str, ...]] = {
    "DE-NW": ("North Rhine-Westphalia",),
    "DE-NI": ("Lower Saxony",),
    "DE-RP": ("Rhineland-Palatinate",),
    "DE-HE": ("Hesse",),
    "DE-TH": ("Thuringia",),
    "DE-SN": ("Saxony",),
    "DE-ST": ("Saxony-Anhalt",),
    "DE-MV": ("Mecklenburg-Western Pomerania",),
    "CH-ZH": ("Zurich",),
    "CH-GE": ("Geneva",),
    "AT-9": ("Vienna",),
    "ES-CT": ("Catalonia",),
    "ES-AN": ("Andalusia",),
    "IT-25": ("Lombardy",),
    "IT-62": ("Lazio",),
    "MX-CMX": ("Mexico City",),
    "BE-BRU": ("Brussels",),
}
"""English names of busy business regions that pycountry lists only in the local language."""

_BRACKETED = re.compile(r"\s*[\[(][^\])]*[\])]")
_CODE_LIKE = re.compile(r"^[A-Z]{2}-[A-Z0-9]+$")


def place_key(text: str) -> str:
    """The comparison key of a place name, close to dbt's ``place_key`` macro (which has the last
    word: dbt recomputes keys from the names). Used here only to leave out ambiguous names."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).upper()
    stripped = re.sub(r"[.'\u2019]", "", stripped)
    stripped = re.sub(r"[-\s_,/]+", " ", stripped).strip()
    return re.sub(r"^THE ", "", stripped)


def _english(domain: str) -> gettext.NullTranslations:
    return gettext.translation(domain, pycountry.LOCALES_DIR, languages=["en"], fallback=True)


def _spellings(name: str) -> list[str]:
    """A name with its usual rewrites: without bracketed notes, "Korea, Republic of" as "Republic
    of Korea", "Saint" as "St", "and" as "&", alternatives in square brackets or after " / "."""
    forms = [name]
    plain = _BRACKETED.sub("", name).strip()
    forms.append(plain)
    for alternative in re.findall(r"\[([^\]]*)\]", name):
        cleaned = " ".join(part for part in alternative.split() if not _CODE_LIKE.match(part))
        forms.append(cleaned)
    forms.extend(part.strip() for part in plain.split(" / "))
    if ", " in plain:
        head, tail = plain.split(", ", 1)
        forms.append(f"{tail} {head}")
    forms.extend("St " + form[len("Saint "):] for form in list(forms) if form.startswith("Saint "))
    forms.extend(form.replace(" and ", " & ") for form in list(forms) if " and " in form)
    return [form for form in dict.fromkeys(forms) if form and len(place_key(form)) > 1]


def _resolve(tiers: Iterable[Iterable[tuple[str, str]]]) -> dict[str, tuple[str, str]]:
    """key -> (spelling, target) over tiers of (spelling, target): an earlier tier wins a key; a key
    that one tier gives two targets is ambiguous and left out, in that tier and every later one."""
    resolved: dict[str, tuple[str, str]] = {}
    ambiguous: set[str] = set()
    for tier in tiers:
        candidates: dict[str, dict[str, str]] = defaultdict(dict)
        for spelling, target in tier:
            candidates[place_key(spelling)].setdefault(target, spelling)
        for key, targets in candidates.items():
            if not key or key in resolved or key in ambiguous:
                continue
            if len(targets) > 1:
                ambiguous.add(key)
                continue
            (target, spelling), = targets.items()
            resolved[key] = (spelling, target)
    return resolved


def country_aliases() -> list[tuple[str, str]]:
    """(alias, ISO alpha-2) for every ISO code, ISO name and everyday name of a country."""
    english = _english("iso3166-1")
    countries = list(pycountry.countries)
    codes = [(code, c.alpha_2) for c in countries for code in (c.alpha_2, c.alpha_3, c.numeric)]
    everyday = [(name, code) for code, names in EVERYDAY_COUNTRY_NAMES.items() for name in names]
    names = [
        (name, c.alpha_2)
        for c in countries
        for name in (c.name, getattr(c, "official_name", None), getattr(c, "common_name", None),
                     english.gettext(c.name))
        if name
    ]
    rewritten = [(form, code) for name, code in names for form in _spellings(name)]
    heads = [(name.split(", ")[0], code) for name, code in names if ", " in name]
    resolved = _resolve([codes, everyday, names, rewritten, heads])
    return sorted((spelling, code) for spelling, code in resolved.values())


def subdivision_aliases() -> list[tuple[str, str, str, str]]:
    """(country_code, subdivision_code, subdivision_name, alias) for every first-level subdivision
    outside the US: its code without the country prefix, its ISO name and English name."""
    english = _english("iso3166-2")
    by_country: dict[str, list] = defaultdict(list)
    for subdivision in pycountry.subdivisions:
        if subdivision.parent_code is None and subdivision.country_code != "US":
            by_country[subdivision.country_code].append(subdivision)
    rows = []
    for country_code, subdivisions in sorted(by_country.items()):
        display = {}
        for subdivision in subdivisions:
            name = english.gettext(subdivision.name)
            display[subdivision.code] = _BRACKETED.sub("", name).strip() or name
        codes = [(s.code.split("-", 1)[1], s.code) for s in subdivisions]
        names = [(name, s.code) for s in subdivisions for name in dict.fromkeys((s.name, english.gettext(s.name)))]
        everyday = [(name, s.code) for s in subdivisions for name in EVERYDAY_SUBDIVISION_NAMES.get(s.code, ())]
        rewritten = [(form, code) for name, code in names + everyday for form in _spellings(name)]
        heads = [(name.split(", ")[0], code) for name, code in names if ", " in name]
        resolved = _resolve([codes, names, everyday, rewritten, heads])
        rows.extend(
            (country_code, code.split("-", 1)[1], display[code], spelling)
            for spelling, code in resolved.values()
        )
    return sorted(rows)


def _csv_text(header: list[str], rows: Iterable[tuple]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


def seed_files() -> dict[str, str]:
    """File name -> CSV text of the two seeds."""
    return {
        COUNTRY_SEED: _csv_text(["alias", "country_code"], country_aliases()),
        SUBDIVISION_SEED: _csv_text(
            ["country_code", "subdivision_code", "subdivision_name", "alias"], subdivision_aliases()
        ),
    }


def write_seeds(seed_dir: Path = SEED_DIR) -> dict[str, int]:
    """Write the seeds into ``seed_dir``; returns the rows written per file."""
    written = {}
    for file_name, text in seed_files().items():
        (seed_dir / file_name).write_text(text, encoding="utf-8")
        written[file_name] = text.count("\n") - 1
    return written


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    seed_dir = Path(args[0]) if args else SEED_DIR
    for file_name, rows in write_seeds(seed_dir).items():
        print(f"{seed_dir / file_name}: {rows} aliases")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
