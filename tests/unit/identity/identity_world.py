"""A small synthetic CRM + vendor world with known truth, for resolution tests and timing.

Vendor companies get made-up brand names with common business words, addresses and a domain (a
few are subsidiaries on their parent's domain); the CRM holds a
share of them with the noise real CRMs have: missing or ``www.``/path websites, name variants
(legal suffix, ``&``/``and``, a typo, a dropped word), ZIP+4 or a lost leading zero, duplicate
accounts, plus lookalike companies that are not in the vendor file at all.
"""

from __future__ import annotations

import random

import pandas as pd

WORDS = (
    "acme apex summit harbor pioneer granite cedar falcon orbit vertex northwind bluebird "
    "redwood ironclad silverline brightpath keystone lakeshore meridian nimbus oakridge "
    "pinnacle quantum riverbend sterling trident union valley willow zenith atlas beacon "
    "canyon delta ember frontier glacier horizon insight juniper kinetic lumen matrix "
    "nova onyx prairie quarry radiant sierra tundra uplift vista wavelength yellowstone"
).split()
TRADES = (
    "logistics software foods tools analytics health dental construction energy systems "
    "partners labs consulting media robotics pharma textiles capital motors marine"
).split()
SYLLABLES = (
    "ka lo ri ven tor mi sa del ax on qu is tra bel cor dyn fa gen hel jun lex mar nor pel "
    "ros sol tek ul vor wex xan yor zel bri cla dro fen gor"
).split()
SUFFIXES = ("Inc", "Inc.", "LLC", "Corp", "Corporation", "Co", "Ltd", "Holdings", "Group")
STREETS = ("Main St", "Oak Ave", "Market Street", "Industrial Pkwy", "Broadway", "Elm Rd")
PLACES = (
    ("02134", "Boston", "MA"), ("10001", "New York", "NY"), ("94105", "San Francisco", "CA"),
    ("60601", "Chicago", "IL"), ("73301", "Austin", "TX"), ("98101", "Seattle", "WA"),
    ("30301", "Atlanta", "GA"), ("07030", "Hoboken", "NJ"), ("80202", "Denver", "CO"),
    ("33101", "Miami", "FL"), ("55401", "Minneapolis", "MN"), ("85001", "Phoenix", "AZ"),
)


def _typo(rng: random.Random, text: str) -> str:
    if len(text) < 5:
        return text
    i = rng.randrange(1, len(text) - 1)
    return text[:i] + text[i + 1] + text[i] + text[i + 2:]


def _crm_name(rng: random.Random, base: str) -> str:
    variant = rng.random()
    if variant < 0.35:
        return f"{base} {rng.choice(SUFFIXES)}"
    if variant < 0.5:
        return base.upper()
    if variant < 0.6:
        return f"The {base}"
    if variant < 0.75:
        return _typo(rng, base)
    return base.replace(" and ", " & ")


def _crm_zip(rng: random.Random, zip5: str) -> str:
    variant = rng.random()
    if variant < 0.2:
        return f"{zip5}-{rng.randrange(1000, 9999)}"
    if variant < 0.3:
        return zip5.lstrip("0")
    return zip5


def _crm_website(rng: random.Random, domain: str) -> str | None:
    variant = rng.random()
    if variant < 0.4:
        return None
    if variant < 0.6:
        return f"https://www.{domain}/contact"
    if variant < 0.7:
        return f"WWW2.{domain.upper()}"
    return f"http://{domain}"


def make_world(n_vendor: int, n_crm: int, seed: int = 1, zip_spread: int = 60):
    """(crm, vendor, truth): truth is a DataFrame of true (Company_Id, CRM_Id) pairs."""
    rng = random.Random(seed)
    vendor_rows, domains = [], set()
    while len(vendor_rows) < n_vendor:
        brand = "".join(rng.sample(SYLLABLES, rng.choice((2, 2, 3))))
        words = [brand] + rng.sample(WORDS, rng.choice((0, 1, 1)))
        if rng.random() < 0.6:
            words.append(rng.choice(TRADES))
        if rng.random() < 0.05:
            words.insert(1, "and")
        base = " ".join(w.capitalize() if w != "and" else w for w in words)
        zip5, city, state = rng.choice(PLACES)
        zip5 = f"{(int(zip5) + rng.randrange(0, zip_spread)) % 99000 + 1000:05d}"
        parent = vendor_rows[-1] if vendor_rows and rng.random() < 0.05 else None
        if parent is not None:
            domain = parent["website"].removeprefix("www.")
            base = f"{parent['_base']} {rng.choice(TRADES).capitalize()}"
        else:
            domain = base.lower().replace(" and ", "").replace(" ", "") + rng.choice((".com", ".com", ".io", ".co.uk"))
            if domain in domains:
                continue
        domains.add(domain)
        company_id = f"V{len(vendor_rows) + 1:08d}"
        vendor_rows.append(
            {"company_id": company_id, "company_name": f"{base} {rng.choice(SUFFIXES)}",
             "website": f"www.{domain}", "domain": None, "street": f"{rng.randrange(1, 9999)} {rng.choice(STREETS)}",
             "city": city, "state_code": state, "postal_code": zip5,
             "parent_company_id": parent["company_id"] if parent else None,
             "ultimate_parent_id": parent["company_id"] if parent else None, "_base": base}
        )
    vendor = pd.DataFrame(vendor_rows)

    crm_rows, truth = [], []
    chosen = rng.sample(range(n_vendor), min(n_crm, n_vendor))
    for index in chosen:
        company = vendor_rows[index]
        copies = 2 if rng.random() < 0.06 else 1
        for _ in range(copies):
            crm_id = f"001{len(crm_rows) + 1:012d}"
            street = company["street"] if rng.random() < 0.8 else f"Suite {rng.randrange(1, 900)}, {company['street']}"
            crm_rows.append(
                {"account_id": crm_id, "account_name": _crm_name(rng, company["_base"]),
                 "website": _crm_website(rng, company["website"].removeprefix("www.")),
                 "domain": None, "billing_street": street, "billing_city": company["city"].upper(),
                 "state_code": company["state_code"], "postal_code": _crm_zip(rng, company["postal_code"]),
                 "is_customer": rng.random() < 0.2, "created_date": None}
            )
            truth.append((company["company_id"], crm_id))
    crm = pd.DataFrame(crm_rows)
    vendor = vendor.drop(columns="_base")
    return crm, vendor, pd.DataFrame(truth, columns=["Company_Id", "CRM_Id"])


def pair_quality(entity_matches: pd.DataFrame, truth: pd.DataFrame) -> dict[str, float]:
    """Precision, recall and F1 of predicted (vendor, CRM) pairs against the true pairs."""
    predicted = set(zip(entity_matches["vendor_company_id"], entity_matches["crm_account_id"]))
    actual = set(zip(truth["Company_Id"], truth["CRM_Id"]))
    hits = len(predicted & actual)
    precision = hits / len(predicted) if predicted else 0.0
    recall = hits / len(actual) if actual else 0.0
    f1 = 2 * precision * recall / (precision + recall) if hits else 0.0
    return {"precision": precision, "recall": recall, "f1": f1, "predicted": len(predicted),
            "actual": len(actual)}
