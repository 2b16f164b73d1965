"""Word pools and vectorised builders for company, person and street names.

Names are assembled from index arrays drawn with numpy so that a million companies cost a few
array operations, not a Python loop per company.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

SURNAMES = np.array(
    "Anderson Baker Bennett Brooks Bryant Campbell Carter Chen Clark Coleman Collins Cooper Cruz "
    "Davis Diaz Edwards Evans Fisher Flores Foster Garcia Gomez Gonzalez Gray Green Griffin Hall "
    "Harris Hayes Henderson Hernandez Hill Howard Hughes Jackson James Jenkins Johnson Jones Kelly "
    "Kim King Lee Lewis Long Lopez Martin Martinez Miller Mitchell Moore Morgan Morris Murphy Myers "
    "Nelson Nguyen Parker Patel Perez Perry Peterson Phillips Powell Price Ramirez Reed Richardson "
    "Rivera Roberts Robinson Rodriguez Rogers Ross Russell Sanchez Sanders Scott Shah Simmons Smith "
    "Stewart Sullivan Taylor Thomas Thompson Torres Turner Walker Ward Washington Watson White "
    "Williams Wilson Wood Wright Young Abbott Archer Barlow Bishop Blackwell Boone Bradford Brennan "
    "Calloway Carver Chandler Conway Crawford Dalton Donovan Drake Ellison Fairbanks Fletcher Gallagher "
    "Garrison Hale Hammond Harlow Hawthorne Holloway Kendall Kingsley Langley Lawson Lockwood Mercer "
    "Monroe Nash Norwood Oakley Pearson Prescott Quinn Radcliffe Reyes Sawyer Sheridan Stanton Sterling "
    "Thornton Vance Whitaker Winslow".split()
)
FIRST_NAMES = np.array(
    "James Mary Robert Patricia John Jennifer Michael Linda David Elizabeth William Barbara Richard "
    "Susan Joseph Jessica Thomas Sarah Christopher Karen Charles Lisa Daniel Nancy Matthew Betty "
    "Anthony Sandra Mark Margaret Donald Ashley Steven Kimberly Andrew Emily Paul Donna Joshua Michelle "
    "Kenneth Carol Kevin Amanda Brian Melissa George Deborah Timothy Stephanie Ronald Rebecca Jason "
    "Sharon Edward Laura Jeffrey Cynthia Ryan Amy Jacob Kathleen Gary Angela Nicholas Shirley Eric "
    "Brenda Jonathan Emma Stephen Anna Larry Pamela Justin Nicole Scott Samantha Brandon Katherine "
    "Benjamin Christine Samuel Rachel Gregory Carolyn Alexander Janet Patrick Maria Frank Olivia Raymond "
    "Heather Jack Helen Dennis Catherine Jerry Diane Tyler Julie Aaron Victoria Priya Wei Carlos Sofia "
    "Luis Mei Ahmed Fatima Raj Ana Diego Yuki Omar Elena Hiroshi Aisha Mateo Lucia".split()
)
WORDS = np.array(
    "Acme Apex Summit Pinnacle Vertex Horizon Meridian Beacon Harbor Keystone Cornerstone Ridge "
    "Cascade Sierra Canyon Prairie Lakeside Riverbend Northstar Bluewater Redwood Ironwood Silverline "
    "Evergreen Granite Cedar Maple Oak Pine Willow Aspen Falcon Eagle Hawk Lion Bear Wolf Fox Orion "
    "Atlas Titan Nova Stellar Quantum Vector Matrix Nexus Fusion Catalyst Spark Bright Clear True "
    "Prime Allied United National American Pacific Atlantic Continental Central Western Eastern "
    "Southern Northern Liberty Patriot Heritage Legacy Premier Elite Superior Precision Reliable "
    "Integrity Pioneer Frontier Trailhead Compass Anchor Lighthouse Sentinel Guardian Shield Crest "
    "Crown Regal Royal Sterling Golden Emerald Sapphire Cobalt Crimson Ember Blaze Tidewater Bayview "
    "Highland Lowland Valley Mesa Delta Coastal Metro Urban Rural Tri-County Midwest Gulf Lone Star "
    "Empire Bluegrass Peach Sunshine Badger Buckeye Hoosier Granite State Green Mountain".split()
)
SECTOR_NOUNS = {
    "11": ["Farms", "Agriculture", "Growers", "Ranch"],
    "21": ["Energy", "Resources", "Mining", "Minerals"],
    "22": ["Utilities", "Power", "Energy"],
    "23": ["Construction", "Builders", "Contracting", "Homes", "Roofing"],
    "31-33": ["Manufacturing", "Industries", "Products", "Fabrication", "Components"],
    "42": ["Supply", "Distribution", "Wholesale", "Trading"],
    "44-45": ["Retail", "Outfitters", "Market", "Stores", "Goods"],
    "48-49": ["Logistics", "Freight", "Transport", "Shipping"],
    "51": ["Software", "Technologies", "Media", "Networks", "Data", "Labs"],
    "52": ["Financial", "Capital", "Insurance", "Bank", "Partners"],
    "53": ["Properties", "Realty", "Real Estate", "Leasing"],
    "54": ["Consulting", "Solutions", "Engineering", "Analytics", "Associates", "Law Group"],
    "55": ["Holdings", "Group", "Enterprises"],
    "56": ["Services", "Staffing", "Facility Services", "Waste Solutions"],
    "61": ["Academy", "Learning", "Education", "Institute"],
    "62": ["Health", "Medical", "Clinic", "Care", "Dental"],
    "71": ["Entertainment", "Fitness", "Recreation", "Studios"],
    "72": ["Hospitality", "Restaurants", "Hotels", "Kitchen"],
    "81": ["Services", "Auto Repair", "Cleaners", "Salon"],
    "92": ["Authority", "Services", "District"],
}
LEGAL_SUFFIXES = np.array(["Inc.", "LLC", "Corp.", "Co.", "Inc.", "LLC", "Ltd.", "Group", "", ""])
STREET_NAMES = np.array(
    "Main Oak Maple Cedar Pine Elm Washington Lake Hill Park Church High Center Market Spring River "
    "Sunset Ridge Mill Union Madison Jefferson Lincoln Franklin Jackson Adams Broadway Commerce "
    "Industrial Technology Innovation Corporate Executive Enterprise Harbor Airport Canal Bridge "
    "Meadow Forest Highland Valley Summit Prospect Grand Liberty Independence".split()
)
STREET_SUFFIXES = np.array(["St", "Ave", "Blvd", "Dr", "Rd", "Way", "Pkwy", "Ln", "Ct", "Pl"])
TLDS = np.array([".com", ".com", ".com", ".com", ".net", ".io", ".co", ".us", ".biz"])


def pick(rng: np.random.Generator, pool: np.ndarray, n: int) -> np.ndarray:
    """n draws from a pool, uniform."""
    return pool[rng.integers(0, len(pool), n)]


def company_names(rng: np.random.Generator, sectors: np.ndarray) -> tuple[pd.Series, pd.Series]:
    """(core name without legal suffix, legal suffix) per company, shaped by its sector."""
    n = len(sectors)
    first = np.where(rng.random(n) < 0.45, pick(rng, SURNAMES, n), pick(rng, WORDS, n))
    second = np.where(rng.random(n) < 0.2, pick(rng, WORDS, n), "")
    nouns = np.empty(n, dtype=object)
    sector_values = pd.Series(sectors)
    for sector, pool in SECTOR_NOUNS.items():
        idx = np.flatnonzero(sector_values.to_numpy() == sector)
        nouns[idx] = np.asarray(pool, dtype=object)[rng.integers(0, len(pool), len(idx))]
    core = pd.Series(first, dtype=object) + np.where(second == "", "", " ") + second + " " + nouns
    suffix = pd.Series(pick(rng, LEGAL_SUFFIXES, n), dtype=object)
    return core, suffix


def domain_slugs(core: pd.Series) -> pd.Series:
    """Lower-case letters-and-digits slug of a company's core name, as companies register domains."""
    return core.str.lower().str.replace(r"[^a-z0-9]", "", regex=True)


def unique_domains(core: pd.Series, tlds: np.ndarray) -> pd.Series:
    """A registered domain per company under its top-level domain; clashes resolved the way real
    companies do (a suffix such as 'hq' or 'group', then a number)."""
    slug = domain_slugs(core)
    short = slug.str.slice(0, 22)
    tld = pd.Series(tlds, index=core.index, dtype=object)
    base = short + tld
    clash = base.groupby(base, sort=False).cumcount()
    extra = np.array(["", "hq", "group", "inc", "usa", "co", "online", "corp"], dtype=object)
    tag = pd.Series(extra[np.minimum(clash.to_numpy(), len(extra) - 1)], index=core.index)
    numbered = np.where(clash.to_numpy() >= len(extra) - 1, clash.astype(str), "")
    return short + tag + numbered + tld


def street_addresses(rng: np.random.Generator, n: int) -> pd.Series:
    """'1234 Oak Ave' style addresses, some with a suite."""
    number = rng.integers(1, 9900, n).astype(str)
    street = pick(rng, STREET_NAMES, n)
    suffix = pick(rng, STREET_SUFFIXES, n)
    suite = np.where(rng.random(n) < 0.25, " Suite " + rng.integers(100, 999, n).astype(str), "")
    return pd.Series(number, dtype=object) + " " + street + " " + suffix + suite
