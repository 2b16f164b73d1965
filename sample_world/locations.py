"""Location fields read back the way territory rules mean them: ISO countries, state codes, postal codes.

Records carry what people typed (`Canada`, `deu`, `UK`, `california`, ZIP+4, a ZIP that lost its
leading zero, `K1A0B1`); rules are compared on the normalised value, so a spelling never decides
which territory a company lands in. Countries become ISO 3166-1 alpha-2 codes through `pycountry`
(plus `UK`, which ISO does not list); states, provinces and Länder become their codes; postal codes
take their country's canonical form (US five digits, `K1A 0B1`, `SW1A 1AA`, German five digits).
"""

from __future__ import annotations

from functools import cache, lru_cache

import pandas as pd
import pycountry

from sample_world.abroad import SUBDIVISION_NAMES
from sample_world.reference import geography

COUNTRY_ALIASES = {"uk": "GB", "u.k.": "GB", "great britain": "GB", "england": "GB", "scotland": "GB", "wales": "GB",
                   "northern ireland": "GB", "u.s.": "US", "u.s.a.": "US", "america": "US", "deutschland": "DE"}


@cache
def country_code(text: str) -> str:
    """ISO alpha-2 code of a country written as a code, an alpha-3 code or an English name, any case."""
    key = text.strip().lower()
    if key in COUNTRY_ALIASES:
        return COUNTRY_ALIASES[key]
    try:
        return pycountry.countries.lookup(key).alpha_2
    except LookupError:
        return key.upper()


def country_codes(values: pd.Series) -> pd.Series:
    """Alpha-2 code per value; missing stays missing."""
    text = values.astype("string").str.strip()
    mapping = {value: country_code(value) for value in text.dropna().unique() if value}
    return text.map(mapping).astype("string")


def home_country(values: pd.Series) -> str:
    """The most common country among CRM accounts (ties to the alphabetically first code)."""
    counts = country_codes(values).value_counts()
    return str(counts[counts == counts.max()].index.min())


@lru_cache(maxsize=1)
def _subdivision_codes() -> dict[str, str]:
    zips = geography().zips[["state", "state_name"]].drop_duplicates()
    names = dict(zip(zips["state_name"].str.lower(), zips["state"]))
    return {**names, **SUBDIVISION_NAMES}


def state_codes(values: pd.Series) -> pd.Series:
    """State, province or Land code per value, whether written as a code or a name, in any case."""
    text = values.astype("string").str.strip()
    by_name = text.str.lower().map(_subdivision_codes()).astype("string")
    return by_name.fillna(text.str.upper())


def postal_codes(values: pd.Series, countries: pd.Series) -> pd.Series:
    """Canonical postal code per value: US ZIPs as five digits (ZIP+4 cut, lost leading zero restored),
    Canadian and British codes upper case with the space before the last three characters, German
    codes as five digits. A missing country is read as a US address."""
    text = values.astype("string").str.strip().str.upper()
    country = countries.astype("string").fillna("US").to_numpy()
    out = text.copy()
    us = country == "US"
    out[us] = text[us].str.split("-", n=1).str[0].str.zfill(5)
    spaced = (country == "CA") | (country == "GB")
    squeezed = text[spaced].str.replace(" ", "", regex=False)
    out[spaced] = squeezed.str[:-3] + " " + squeezed.str[-3:]
    german = country == "DE"
    out[german] = text[german].str.zfill(5)
    return out
