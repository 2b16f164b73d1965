"""Companies outside the US: Canada, the United Kingdom and Germany, about 1.5% of the market.

A US seller's CRM and purchased lists always hold some foreign companies. They are placed in real
cities, with provinces, nations and Länder as ISO 3166-2 codes (`ON`, `ENG`, `BY`) beside their
names, and postal codes in each country's own format: Canadian `K1A 0B1` (a real forward sortation
area plus a local delivery unit), British `SW1A 1AA` (a real outward code plus an inward code) and
German five-digit codes inside each city's real range (`10115`, or `01067` with its leading zero).
Their domains end in the country's domain (`.ca`, `.co.uk`, `.de`) and their names in its legal forms.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

HOME = "US"
ABROAD_SHARE = {"CA": 0.007, "GB": 0.0045, "DE": 0.0035}
"""Share of all companies per foreign country; the rest are in the US."""

COUNTRY_NAMES = {"US": "United States", "CA": "Canada", "GB": "United Kingdom", "DE": "Germany"}
"""English names, the way Bombora writes `Domain Origin Country`."""

CRM_SPELLINGS = {
    "US": ("United States", "US", "USA", "United States"),
    "CA": ("CA", "Canada", "Canada", "canada", "CAN"),
    "GB": ("GB", "United Kingdom", "UK", "uk", "United Kingdom"),
    "DE": ("DE", "Germany", "deu", "Germany", "DEU"),
}
"""How reps type BillingCountry: ISO codes (alpha-2 and alpha-3), English names, any case, and `UK`."""

TLDS = {
    "CA": (".ca", ".ca", ".ca", ".com"),
    "GB": (".co.uk", ".co.uk", ".co.uk", ".com", ".uk"),
    "DE": (".de", ".de", ".de", ".com"),
}
LEGAL_SUFFIXES = {
    "CA": ("Inc.", "Ltd.", "Corp.", "Limited", "Inc.", ""),
    "GB": ("Ltd", "Limited", "PLC", "LLP", "Ltd", ""),
    "DE": ("GmbH", "GmbH", "AG", "SE", "GmbH & Co. KG", "KG"),
}

CITIES = {
    "CA": (
        ("Toronto", "ON", "Ontario", "M5V M5H M5J M4W M5X M2N M4P", 30),
        ("Ottawa", "ON", "Ontario", "K1P K1R K2P K1A", 8),
        ("Mississauga", "ON", "Ontario", "L5B L4W L5N", 6),
        ("Waterloo", "ON", "Ontario", "N2L N2J", 3),
        ("Hamilton", "ON", "Ontario", "L8P L8N", 3),
        ("Montréal", "QC", "Quebec", "H3B H2Y H3A H2X", 18),
        ("Québec", "QC", "Quebec", "G1R G1K", 3),
        ("Vancouver", "BC", "British Columbia", "V6B V6C V6E V5K", 14),
        ("Victoria", "BC", "British Columbia", "V8W", 2),
        ("Calgary", "AB", "Alberta", "T2P T2G T3E", 9),
        ("Edmonton", "AB", "Alberta", "T5J T6E", 5),
        ("Winnipeg", "MB", "Manitoba", "R3C R3B", 3),
        ("Saskatoon", "SK", "Saskatchewan", "S7K", 1.5),
        ("Regina", "SK", "Saskatchewan", "S4P", 1),
        ("Halifax", "NS", "Nova Scotia", "B3J B3H", 2),
        ("Fredericton", "NB", "New Brunswick", "E3B", 0.7),
        ("St. John's", "NL", "Newfoundland and Labrador", "A1C", 0.7),
    ),
    "GB": (
        ("London", "ENG", "England", "EC1A EC2V EC3M EC4M WC2N W1D SW1A SE1 E14 N1", 35),
        ("Manchester", "ENG", "England", "M1 M2 M3 M4", 8),
        ("Birmingham", "ENG", "England", "B1 B2 B3 B4", 7),
        ("Leeds", "ENG", "England", "LS1 LS2 LS11", 5),
        ("Bristol", "ENG", "England", "BS1 BS2", 4),
        ("Cambridge", "ENG", "England", "CB1 CB2 CB4", 3),
        ("Reading", "ENG", "England", "RG1 RG2", 3),
        ("Liverpool", "ENG", "England", "L1 L2 L3", 3),
        ("Newcastle upon Tyne", "ENG", "England", "NE1", 2),
        ("Sheffield", "ENG", "England", "S1", 2),
        ("Edinburgh", "SCT", "Scotland", "EH1 EH2 EH3", 5),
        ("Glasgow", "SCT", "Scotland", "G1 G2", 5),
        ("Cardiff", "WLS", "Wales", "CF10 CF11", 3),
        ("Belfast", "NIR", "Northern Ireland", "BT1 BT2", 2),
    ),
    "DE": (
        ("Berlin", "BE", "Berlin", "10115-14199", 16),
        ("Hamburg", "HH", "Hamburg", "20095-22769", 9),
        ("München", "BY", "Bayern", "80331-81929", 13),
        ("Nürnberg", "BY", "Bayern", "90402-90491", 4),
        ("Köln", "NW", "Nordrhein-Westfalen", "50667-51149", 8),
        ("Düsseldorf", "NW", "Nordrhein-Westfalen", "40210-40629", 6),
        ("Essen", "NW", "Nordrhein-Westfalen", "45127-45359", 3),
        ("Dortmund", "NW", "Nordrhein-Westfalen", "44135-44388", 3),
        ("Frankfurt am Main", "HE", "Hessen", "60306-60599", 9),
        ("Stuttgart", "BW", "Baden-Württemberg", "70173-70629", 7),
        ("Karlsruhe", "BW", "Baden-Württemberg", "76131-76229", 2),
        ("Leipzig", "SN", "Sachsen", "04103-04357", 3),
        ("Dresden", "SN", "Sachsen", "01067-01328", 3),
        ("Hannover", "NI", "Niedersachsen", "30159-30669", 4),
        ("Bremen", "HB", "Bremen", "28195-28779", 2),
    ),
}
"""(city, subdivision code, subdivision name, real postal prefixes or code range, weight) per country."""

CANADIAN_LDU_LETTERS = np.array(list("ABCEGHJKLMNPRSTVWXYZ"))
BRITISH_INWARD_LETTERS = np.array(list("ABDEFGHJLNPQRSTUWXYZ"))
BRITISH_STREETS = np.array("High Street|Station Road|Church Street|Victoria Road|King Street|Queen Street|Market Street|"
                           "Park Lane|Mill Lane|London Road|Castle Street|Broad Street".split("|"))
GERMAN_STREETS = np.array("Hauptstraße|Bahnhofstraße|Friedrichstraße|Gartenstraße|Schillerstraße|Goethestraße|"
                          "Kaiserstraße|Lindenallee|Marktplatz|Am Hafen|Industriestraße|Berliner Straße".split("|"))


def countries(rng: np.random.Generator, n: int) -> np.ndarray:
    """ISO alpha-2 country per company: mostly the US, ABROAD_SHARE abroad."""
    codes = np.array([HOME, *ABROAD_SHARE], dtype=object)
    shares = np.array([1.0 - sum(ABROAD_SHARE.values()), *ABROAD_SHARE.values()])
    return codes[rng.choice(len(codes), size=n, p=shares)]


def _postal_codes(rng: np.random.Generator, country: str, spec: np.ndarray) -> np.ndarray:
    """Postal codes in the country's format from each row's prefixes or range."""
    n = len(spec)
    if n == 0:
        return np.array([], dtype=object)
    if country == "DE":
        bounds = np.array([[int(part) for part in value.split("-")] for value in spec])
        return np.char.zfill(rng.integers(bounds[:, 0], bounds[:, 1] + 1).astype(str), 5).astype(object)
    prefixes = pd.Series(spec).str.split(" ")
    pick = (rng.random(n) * prefixes.str.len().to_numpy()).astype(int)
    outward = np.array([options[k] for options, k in zip(prefixes, pick)], dtype=object)
    digit = rng.integers(0, 10, n).astype(str)
    if country == "CA":
        letter = CANADIAN_LDU_LETTERS[rng.integers(0, len(CANADIAN_LDU_LETTERS), n)]
        return outward + " " + digit + letter + rng.integers(0, 10, n).astype(str)
    letters = BRITISH_INWARD_LETTERS[rng.integers(0, len(BRITISH_INWARD_LETTERS), (n, 2))]
    return outward + " " + digit + letters[:, 0] + letters[:, 1]


def _streets(rng: np.random.Generator, country: str, us_style: np.ndarray) -> np.ndarray:
    """Street lines the way each country writes them ('12 High Street', 'Hauptstraße 12')."""
    n = len(us_style)
    number = rng.integers(1, 240, n).astype(str)
    if country == "GB":
        return number + " " + BRITISH_STREETS[rng.integers(0, len(BRITISH_STREETS), n)]
    if country == "DE":
        return GERMAN_STREETS[rng.integers(0, len(GERMAN_STREETS), n)] + " " + number
    return us_style


def place(rng: np.random.Generator, country: np.ndarray, us_streets: np.ndarray) -> pd.DataFrame:
    """City, subdivision, postal code, metro and street (universe column names) per foreign row."""
    parts = []
    for code, cities in CITIES.items():
        rows = np.flatnonzero(country == code)
        table = pd.DataFrame(cities, columns=["city", "state", "state_name", "postal", "weight"])
        weights = table["weight"].to_numpy(dtype=float)
        chosen = table.iloc[rng.choice(len(table), size=len(rows), p=weights / weights.sum())]
        parts.append(pd.DataFrame({
            "row": rows,
            "city": chosen["city"].to_numpy(),
            "state": chosen["state"].to_numpy(),
            "state_name": chosen["state_name"].to_numpy(),
            "zip": _postal_codes(rng, code, chosen["postal"].to_numpy()),
            "metro": chosen["city"].to_numpy(),
            "street": _streets(rng, code, us_streets[rows]),
        }))
    return pd.concat(parts, ignore_index=True)


def tlds(rng: np.random.Generator, country: np.ndarray, us_tlds: np.ndarray) -> np.ndarray:
    """Top-level domain per company: the country's own for most foreign companies."""
    out = us_tlds.astype(object).copy()
    for code, pool in TLDS.items():
        rows = np.flatnonzero(country == code)
        out[rows] = np.asarray(pool, dtype=object)[rng.integers(0, len(pool), len(rows))]
    return out


def legal_suffixes(rng: np.random.Generator, country: np.ndarray, us_suffix: pd.Series) -> pd.Series:
    """Legal form per company: Ltd and PLC in the UK, GmbH and AG in Germany."""
    out = us_suffix.to_numpy(dtype=object).copy()
    for code, pool in LEGAL_SUFFIXES.items():
        rows = np.flatnonzero(country == code)
        out[rows] = np.asarray(pool, dtype=object)[rng.integers(0, len(pool), len(rows))]
    return pd.Series(out, index=us_suffix.index, dtype=object)


def crm_country_spellings(rng: np.random.Generator, country: np.ndarray) -> np.ndarray:
    """BillingCountry as reps type it: CRM_SPELLINGS dealt out in turn over a country's accounts in
    random order, so even a country with a handful of accounts shows every spelling."""
    out = np.empty(len(country), dtype=object)
    for code, pool in CRM_SPELLINGS.items():
        rows = rng.permutation(np.flatnonzero(country == code))
        out[rows] = np.asarray(pool, dtype=object)[np.arange(len(rows)) % len(pool)]
    return out


def crm_postal_variants(rng: np.random.Generator, country: np.ndarray, postal: pd.Series) -> pd.Series:
    """Foreign postal codes as CRMs hold them: some Canadian and British codes lose their space."""
    squeezed = (country != HOME) & (country != "DE") & (rng.random(len(postal)) < 0.15)
    return postal.where(~squeezed, postal.str.replace(" ", "", regex=False))


def home_postal_code(rng: np.random.Generator, country: str) -> str:
    """A rep's home postal code in the country's largest city (reps covering Canada live in Toronto)."""
    city = CITIES[country][0]
    return str(_postal_codes(rng, country, np.array([city[3]]))[0])


SUBDIVISION_NAMES = {name.lower(): code for cities in CITIES.values() for _c, code, name, _p, _w in cities}
"""Province, nation and Land names to their codes, for reading BillingState back."""
