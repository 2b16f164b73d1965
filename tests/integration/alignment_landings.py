"""Three small landing zones written by hand, each with a sales alignment unlike the sample world's.

Terrain's generator draws territories by US state and ZIP prefix and segments companies by
employee bands (SMB < 200, Mid-Market < 1000, Enterprise). Real customers do otherwise, and
CONTRACT.md section 2 says whatever their rules say stands:

- ``revenue``: segments by AnnualRevenue (Commercial < $20M, Corporate >= $20M), Segment set on the
  area of a Region > Area > Territory hierarchy, and reps whose Max_Accounts__c is below their book.
- ``kinds``: employee bands of the customer's own (Small < 50, Medium 50-499, Large >= 500),
  territories by state and by ZIP prefix, a named-account territory, a national healthcare
  vertical, and accounts locked with Exclude_From_Realign__c.
- ``worldwide``: US territories deliberately out of balance, Canada split by province through
  BillingCountry rules, and British and German companies no rule covers, every country and
  province spelled several ways.

Every landing holds every source folder of the contract. The builder also keeps what a reviewer
knows from the files alone (each company's country, the territory its rules place it in, the
segment and kind of every territory), so tests compare Terrain with the rules, not with itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

from tests.integration.foreign_landing import PRODUCTS, TOPICS, _write_csv

AS_OF = date(2026, 11, 15)  # a Sunday: the latest intent week delivered ends here
INTENT_WEEKS = 6
UNASSIGNED = "UNASSIGNED"

STATE_NAMES = {
    "CA": "California", "OR": "Oregon", "WA": "Washington", "NV": "Nevada", "AZ": "Arizona",
    "NM": "New Mexico", "TX": "Texas", "OK": "Oklahoma", "NY": "New York", "NJ": "New Jersey",
    "PA": "Pennsylvania", "CT": "Connecticut", "MA": "Massachusetts", "RI": "Rhode Island",
}
ZIPS = {  # real ZIP codes, one per county
    "CA_NORTH": ["94565", "95076", "95823", "94112", "95035", "94533", "94544", "95747", "95206", "94080", "94558", "95355"],
    "CA_SOUTH": ["90011", "92336", "92683", "93307", "92503", "91911", "93722", "93033", "93257", "93230", "93906", "93458"],
    "OR": ["97229", "97045", "97301", "97402", "97702", "97504", "97330", "97128"],
    "WA": ["98052", "98012", "98682", "99208", "98391", "99336", "98225", "98837"],
    "NV": ["89108", "89436", "89701", "89801", "89406", "89048"],
    "AZ": ["85142", "85326", "85364", "85706", "86314", "86001", "85635", "86442"],
    "NM": ["87121", "87507", "87401", "88101", "88240", "88001"],
    "TX": ["77494", "78660", "79936", "77573", "75052", "78245", "78130", "78613"],
    "OK": ["73099", "74012", "73013", "73505", "74014", "73401", "74074"],
    "NY": ["11368", "11208", "10467", "10025", "10314", "10977", "10701", "11746", "14850", "10950", "12203", "13202"],
    "NJ": ["08701", "07305", "07055", "07111", "08854", "07728", "08081", "08540"],
    "PA": ["19124", "17603", "19446", "15601", "19320", "17331", "18102", "15301"],
    "CT": ["06902", "06010", "06511", "06457", "06360", "06790"],
    "MA": ["02301", "02148", "01960", "02780", "01201", "01453", "01002"],
    "RI": ["02860", "02816", "02840"],
}
ABROAD = {  # (ISO subdivision code, ways it is written, real postal codes)
    "CA": [("ON", ["ON", "Ontario", "ontario"], ["K1A 0B1", "M5V 2T6", "L5B 3C2", "N2L 3G1"]),
           ("QC", ["QC", "Quebec", "qc"], ["H3B 1A7", "G1R 4P5"]),
           ("NS", ["NS", "Nova Scotia"], ["B3J 1A1"]),
           ("BC", ["BC", "British Columbia"], ["V6B 1A1", "V8W 1P6"]),
           ("AB", ["AB", "Alberta", "alberta"], ["T2P 1J9", "T5J 0N3"]),
           ("MB", ["MB", "Manitoba"], ["R3C 0A5"])],
    "GB": [("ENG", ["England", "ENG", "england"], ["SW1A 1AA", "EC1A 1BB", "M1 1AE", "B1 1AA", "LS1 1UR"]),
           ("SCT", ["Scotland", "SCT"], ["EH1 1YZ", "G1 1XQ"])],
    "DE": [("BE", ["Berlin", "BE"], ["10115", "10117"]),
           ("BY", ["Bayern", "BY", "Bavaria"], ["80331", "90402"]),
           ("HH", ["Hamburg", "HH"], ["20095"]),
           ("SN", ["Sachsen", "SN"], ["01067"])],
}
COUNTRY_SPELLINGS = {
    "US": ["United States", "US", "USA", "united states"],
    "CA": ["Canada", "CA", "can", "CAN", "canada"],
    "GB": ["United Kingdom", "UK", "GB", "gbr", "uk"],
    "DE": ["Germany", "DE", "deu", "germany"],
}
TLDS = {"US": ".com", "CA": ".ca", "GB": ".co.uk", "DE": ".de"}
INDUSTRIES = [  # (Industry as written in the CRM and by the vendor, NAICS code)
    ("Software", "511210"), ("Banking", "522110"), ("Electronics Manufacturing", "334511"),
    ("Retail", "445110"), ("Hospitals", "622110"), ("Medical Devices", "339112"),
]
HEALTHCARE = ("Hospitals", "Medical Devices", "Health Care Services")
NON_CUSTOMER_TYPES = ["Prospect", "Prospect", "Former Customer", "Partner", "Other"]


@dataclass(frozen=True)
class Condition:
    """One condition of a rule: `values` are what the pipeline must understand, `written` how
    the customer typed them (codes or names, any case)."""

    field: str
    operator: str
    values: tuple
    written: str

    def holds(self, company: pd.Series) -> bool:
        value = {"BillingState": company["state"], "BillingPostalCode": company["postal_code"],
                 "BillingCountry": company["country"], "Industry": company["industry"],
                 "NumberOfEmployees": company["employees"], "AnnualRevenue": company["revenue"],
                 "Id": company["crm_id"]}[self.field]
        if value is None or (isinstance(value, float) and np.isnan(value)):
            return False
        if self.operator in ("equals", "in"):
            return str(value).strip().upper() in {str(v).upper() for v in self.values}
        if self.operator == "starts_with":
            return any(str(value).startswith(p) for p in self.values)
        if self.operator == "between":
            return self.values[0] <= float(value) <= self.values[1]
        if self.operator == "gte":
            return float(value) >= self.values[0]
        if self.operator == "lt":
            return float(value) < self.values[0]
        raise ValueError(self.operator)


def cond(field_name: str, operator: str, values, written: str | None = None) -> Condition:
    values = tuple(values) if isinstance(values, (list, tuple)) else (values,)
    return Condition(field_name, operator, values, written if written is not None else ";".join(str(v) for v in values))


@dataclass(frozen=True)
class Rule:
    territory_id: str
    priority: int
    conditions: tuple[Condition, ...]

    def covers(self, company: pd.Series) -> bool:
        """A rule naming no country (and listing no Ids) covers the home country only."""
        fields = {c.field for c in self.conditions}
        if "BillingCountry" not in fields and "Id" not in fields and company["country"] != "US":
            return False
        return all(c.holds(company) for c in self.conditions)


@dataclass(frozen=True)
class Territory:
    territory_id: str
    name: str
    parent: str = ""
    level: str = "Territory"
    segment: str = ""
    kind: str | None = None  # leaves only: geographic, named, vertical
    country: str | None = None  # leaves only


@dataclass
class Alignment:
    """A written landing zone and what its files say about every company and territory."""

    name: str
    root: Path
    as_of: date
    companies: pd.DataFrame  # one row per company: domain, vendor_id, crm_id, country, state, ..., territory_id
    territories: list[Territory]
    rules: list[Rule]
    users: pd.DataFrame = field(default_factory=pd.DataFrame)

    @property
    def leaves(self) -> list[Territory]:
        parents = {t.parent for t in self.territories}
        return [t for t in self.territories if t.territory_id not in parents]

    def segment_of(self, territory_id: str) -> str | None:
        """The territory's Segment, else its nearest ancestor's."""
        by_id = {t.territory_id: t for t in self.territories}
        node = by_id.get(territory_id)
        while node is not None:
            if node.segment:
                return node.segment
            node = by_id.get(node.parent)
        return None

    def territories_of_kind(self, kind: str) -> set[str]:
        return {t.territory_id for t in self.leaves if t.kind == kind}

    @property
    def crm(self) -> pd.DataFrame:
        return self.companies[self.companies["crm_id"].notna()]

    @property
    def named_ids(self) -> dict[str, str]:
        """CRM Id -> the named-account territory its Id rule places it in."""
        named = self.territories_of_kind("named")
        rows = self.crm[self.crm["territory_id"].isin(named)]
        return dict(zip(rows["crm_id"], rows["territory_id"]))

    @property
    def locked_ids(self) -> dict[str, str]:
        """CRM Id -> the territory an Exclude_From_Realign__c account is locked in."""
        rows = self.crm[self.crm["locked"]]
        return dict(zip(rows["crm_id"], rows["territory_id"]))


def place(company: pd.Series, rules: list[Rule]) -> str:
    """The territory of the matching rule with the lowest Priority (ties: lower Territory_Id)."""
    for rule in sorted(rules, key=lambda r: (r.priority, r.territory_id)):
        if rule.covers(company):
            return rule.territory_id
    return UNASSIGNED


def _us_places(weights: dict[str, float]) -> list[tuple[str, str, str, float]]:
    """(country, state, ZIP, weight) for every ZIP of the weighted states or ZIP areas."""
    places = []
    for key, weight in weights.items():
        state = key.split("_")[0]
        zips = ZIPS[key]
        places += [("US", state, z, weight / len(zips)) for z in zips]
    return places


def _abroad_places(weights: dict[str, float]) -> list[tuple[str, str, str, float]]:
    places = []
    for country, weight in weights.items():
        codes = [(code, postal) for code, _, postals in ABROAD[country] for postal in postals]
        places += [(country, code, postal, weight / len(codes)) for code, postal in codes]
    return places


def draw_companies(rng: np.random.Generator, n: int, places: list, tag: str, crm_share: float,
                   employee_mu: float = 4.4, employee_sigma: float = 1.6) -> pd.DataFrame:
    """Companies at real addresses; about `crm_share` of them in the CRM, a third of those customers."""
    weights = np.array([p[3] for p in places])
    picked = rng.choice(len(places), size=n, p=weights / weights.sum())
    industry = rng.integers(0, len(INDUSTRIES), n)
    employees = np.maximum(1, np.round(rng.lognormal(employee_mu, employee_sigma, n))).astype(int)
    revenue = np.round(employees * rng.uniform(40_000, 400_000, n), -3)
    in_crm = rng.random(n) < crm_share
    customer = in_crm & (rng.random(n) < 0.35)
    rows = []
    for i in range(n):
        country, state, postal, _ = places[picked[i]]
        rows.append({
            "vendor_id": f"V{tag}{i:05d}", "crm_id": f"001{tag}{i:07d}" if in_crm[i] else None,
            "name": f"{tag.title()} Company {i}", "domain": f"{tag.lower()}company{i}{TLDS[country]}",
            "country": country, "state": state, "postal_code": postal,
            "industry": INDUSTRIES[industry[i]][0], "naics_code": INDUSTRIES[industry[i]][1],
            "employees": int(employees[i]), "revenue": float(revenue[i]),
            "is_customer": bool(customer[i]), "locked": False, "named": False,
        })
    return pd.DataFrame(rows)


def _spelled_state(company: pd.Series, k: int) -> str:
    if company["country"] == "US":
        return [company["state"], STATE_NAMES[company["state"]], STATE_NAMES[company["state"]].upper(), company["state"].lower()][k % 4]
    spellings = next(s for code, s, _ in ABROAD[company["country"]] if code == company["state"])
    return spellings[k % len(spellings)]


def _spelled_postal(company: pd.Series, k: int) -> str:
    postal = company["postal_code"]
    if company["country"] != "US":
        return [postal, postal.lower(), postal][k % 3] if company["country"] != "DE" else postal
    return [postal, postal + "-" + f"{1000 + k % 9000:04d}", postal.lstrip("0") or postal][k % 3]


def _spelled_country(company: pd.Series, k: int) -> str:
    spellings = COUNTRY_SPELLINGS[company["country"]]
    return spellings[k % len(spellings)]


def write_landing(alignment: Alignment, rng: np.random.Generator) -> None:
    """Every source folder of the contract, each file valid, from the alignment's companies.

    About 30% of companies are in market: they surge in intent and open new deals, so the
    scoring models have something to learn on these small worlds too.
    """
    in_market = rng.random(len(alignment.companies)) < 0.3
    _write_vendor(alignment, rng)
    emails = _write_crm(alignment, in_market, rng)
    _write_territories(alignment)
    _write_intent(alignment, in_market, rng)
    _write_map(alignment, emails, rng)


def _write_vendor(alignment: Alignment, rng: np.random.Generator) -> None:
    companies, n = alignment.companies, len(alignment.companies)
    rows = list(companies.iterrows())
    firmographics = pd.DataFrame({
        "Company_Id": companies["vendor_id"], "Company_Name": companies["name"] + " Inc",
        "Website": "https://www." + companies["domain"] + "/", "City": "Springfield",
        "State": [_spelled_state(c, k + 1) for k, (_, c) in enumerate(rows)],
        "Postal_Code": [_spelled_postal(c, 0) for _, c in rows],
        "Country": [_spelled_country(c, k + 2) for k, (_, c) in enumerate(rows)],
        "NAICS_Code": companies["naics_code"], "Industry": companies["industry"],
        "Employee_Count": companies["employees"], "Revenue_USD": companies["revenue"],
        "Founded_Year": rng.integers(1950, 2022, n), "Is_Public": rng.random(n) < 0.1,
        "LastModifiedDate": "2026-09-01",
    })
    _write_csv(alignment.root / "vendor" / "firmographics" / "firmographics.csv", firmographics)
    tech = pd.DataFrame({"Company_Id": companies["vendor_id"],
                         "Technology": rng.choice(["Salesforce", "HubSpot CRM", "Snowflake", "Gong"], n),
                         "Category": "Sales Tech", "Domain": companies["domain"], "First_Seen": "2025-03-01",
                         "Last_Seen": (alignment.as_of - timedelta(days=10)).isoformat()})
    _write_csv(alignment.root / "vendor" / "technographics" / "technographics.csv", tech)


def _write_crm(alignment: Alignment, in_market: np.ndarray, rng: np.random.Generator) -> list[str]:
    """Accounts, opportunities, contacts and users; returns the contacts' e-mail addresses."""
    root, as_of, crm = alignment.root, alignment.as_of, alignment.crm
    rows = list(crm.iterrows())
    accounts = pd.DataFrame({
        "Id": crm["crm_id"], "Name": crm["name"], "Website": crm["domain"],
        "BillingStreet": "1 Main Street", "BillingCity": "Springfield",
        "BillingState": [_spelled_state(c, k) for k, (_, c) in enumerate(rows)],
        "BillingPostalCode": [_spelled_postal(c, k) for k, (_, c) in enumerate(rows)],
        "BillingCountry": [_spelled_country(c, k) for k, (_, c) in enumerate(rows)],
        "Industry": crm["industry"], "NumberOfEmployees": crm["employees"], "AnnualRevenue": crm["revenue"],
        "OwnerId": crm["owner_user_id"],
        "Type": [("Customer - Direct" if c else NON_CUSTOMER_TYPES[k % len(NON_CUSTOMER_TYPES)])
                 for k, c in enumerate(crm["is_customer"])],
        "CreatedDate": "2023-05-04T09:00:00Z", "LastModifiedDate": "2026-10-01T10:00:00Z",
        "Named_Account__c": np.where(crm["named"], "true", "false"),
        "Exclude_From_Realign__c": np.where(crm["locked"], "TRUE", "false"),
    })
    _write_csv(root / "crm" / "accounts" / "accounts.csv", accounts)

    market = dict(zip(alignment.companies["crm_id"], in_market))
    opportunities = []
    for _, c in rows:
        deals = int(rng.integers(1, 4)) if c["is_customer"] else int(rng.integers(0, 3))
        for k in range(deals):
            created = as_of - timedelta(days=int(rng.integers(20, 700)))
            won = bool(c["is_customer"] and k == 0) or bool(rng.random() < 0.3)
            closed = created + timedelta(days=int(rng.integers(20, 120)))
            is_open = closed > as_of
            opportunities.append({
                "Id": f"006{c['crm_id'][3:]}{k}", "AccountId": c["crm_id"], "Name": f"{c['name']} deal {k}",
                "StageName": "Negotiation" if is_open else ("Closed Won" if won else "Closed Lost"),
                "Amount": float(round(5000 + c["employees"] * rng.uniform(20, 80), -2)),
                "CreatedDate": created.isoformat(), "CloseDate": closed.isoformat(),
                "IsClosed": str(not is_open).lower(), "IsWon": str(won and not is_open).lower(),
                "Type": "Existing Business" if c["is_customer"] and k else "New Business",
                "Product_Family__c": PRODUCTS[k % len(PRODUCTS)], "OwnerId": c["owner_user_id"],
            })
        if market[c["crm_id"]] and rng.random() < 0.6:
            opportunities.append({
                "Id": f"006{c['crm_id'][3:]}9", "AccountId": c["crm_id"], "Name": f"{c['name']} new deal",
                "StageName": "Discovery", "Amount": 25000.0,
                "CreatedDate": (as_of - timedelta(days=int(rng.integers(3, 80)))).isoformat(),
                "CloseDate": (as_of + timedelta(days=60)).isoformat(), "IsClosed": "false", "IsWon": "false",
                "Type": "Existing Business" if c["is_customer"] else "New Business",
                "Product_Family__c": PRODUCTS[1], "OwnerId": c["owner_user_id"],
            })
    _write_csv(root / "crm" / "opportunities" / "opportunities.csv", pd.DataFrame(opportunities))

    contacts, emails = [], []
    titles = ["VP Sales", "Chief Revenue Officer", "Sales Operations Manager", "IT Director", "Account Executive"]
    for j, (_, c) in enumerate(rows):
        for k in range(2):
            email = f"person{k}@{c['domain']}"
            emails.append(email)
            contacts.append({"Id": f"003{c['crm_id'][3:]}{k}", "AccountId": c["crm_id"], "FirstName": "Alex",
                             "LastName": f"Rivera{j}{k}", "Email": email, "Title": titles[(j + k) % len(titles)],
                             "Department": "Sales", "LeadSource": "Web",
                             "HasOptedOutOfEmail": "yes" if (j + k) % 11 == 0 else "no"})
    _write_csv(root / "crm" / "contacts" / "contacts.csv", pd.DataFrame(contacts))
    _write_csv(root / "crm" / "users" / "users.csv", alignment.users.drop(columns="Territory"))
    return emails


def _write_territories(alignment: Alignment) -> None:
    definitions = pd.DataFrame([{"Territory_Id": t.territory_id, "Name": t.name, "Parent_Territory_Id": t.parent,
                                 "Level": t.level, "Owner_User_Id": _owner(alignment, t.territory_id), "Segment": t.segment}
                                for t in alignment.territories])
    _write_csv(alignment.root / "territories" / "definitions" / "territories.csv", definitions)
    rules = pd.DataFrame([{"Territory_Id": r.territory_id, "Priority": r.priority, "Field": c.field,
                           "Operator": c.operator, "Value": c.written}
                          for r in alignment.rules for c in r.conditions])
    _write_csv(alignment.root / "territories" / "rules" / "rules.csv", rules)


def _write_intent(alignment: Alignment, in_market: np.ndarray, rng: np.random.Generator) -> None:
    companies, as_of = alignment.companies, alignment.as_of
    for w in range(INTENT_WEEKS):
        write_intent_week(alignment, as_of - timedelta(days=6 + 7 * w), in_market, rng)
    g2 = companies[in_market | (rng.random(len(companies)) < 0.05)]
    rows = pd.DataFrame({"company_domain": g2["domain"], "category": "Sales Intelligence",
                         "signal_type": rng.choice(["profile", "pricing", "comparison", "alternatives"], len(g2)),
                         "date": [(as_of - timedelta(days=int(d))).isoformat() for d in rng.integers(1, 40, len(g2))],
                         "company_name": g2["name"], "company_intent_score": rng.integers(20, 100, len(g2)),
                         "visitor_count": rng.integers(1, 12, len(g2))})
    _write_csv(alignment.root / "intent" / "g2" / "g2_export.csv", rows)


def _write_map(alignment: Alignment, emails: list[str], rng: np.random.Generator) -> None:
    """Activity and lead scores from four systems, each score on its own scale."""
    systems = ["marketo", "pardot", "eloqua", "hubspot"]
    activity_types = ["email_open", "email_click", "web_visit", "form_fill", "webinar_attended", "content_download"]
    activities = [{"email": e, "activity_type": activity_types[k % len(activity_types)],
                   "activity_ts": f"{(alignment.as_of - timedelta(days=int(rng.integers(1, 80)))).isoformat()}T10:15:00Z",
                   "campaign": "Q4 launch", "source_system": systems[k % 4]}
                  for k, e in enumerate(emails) if rng.random() < 0.5]
    _write_csv(alignment.root / "map" / "activities" / "activities.csv", pd.DataFrame(activities))
    eloqua = [f"{p}{d}" for p in "ABCD" for d in "1234"]
    scores = [{"email": e, "source_system": systems[k % 4],
               "score": [str(int(rng.integers(0, 150))), str(int(rng.integers(0, 400))), eloqua[k % 16],
                         str(int(rng.integers(0, 100)))][k % 4],
               "grade": ["", "B+", "", ""][k % 4], "scored_at": (alignment.as_of - timedelta(days=2)).isoformat()}
              for k, e in enumerate(emails)]
    _write_csv(alignment.root / "map" / "scores" / "scores.csv", pd.DataFrame(scores))


def write_intent_week(alignment: Alignment, week: date, in_market: np.ndarray, rng: np.random.Generator) -> Path:
    """One Bombora Company Surge delivery for the week starting on Monday `week`."""
    rows = []
    names = {"US": "United States", "CA": "Canada", "GB": "United Kingdom", "DE": "Germany"}
    for i, (_, c) in enumerate(alignment.companies.iterrows()):
        if rng.random() < (0.6 if in_market[i] else 0.12):
            topic, category = TOPICS[int(rng.integers(0, len(TOPICS)))]
            rows.append({"Domain": c["domain"], "Topic": topic, "Category": category,
                         "Composite Score": int(np.clip(rng.normal(72 if in_market[i] else 45, 10), 0, 100)),
                         "Company Name": c["name"], "Domain Origin Country": names[c["country"]]})
    path = alignment.root / "intent" / "bombora" / f"bombora_surge_{week.isoformat()}.csv"
    _write_csv(path, pd.DataFrame(rows))
    return path


def add_intent_week(alignment: Alignment, seed: int = 99) -> date:
    """Next week's Bombora delivery into the alignment's landing zone; returns the new as_of."""
    rng = np.random.default_rng(seed)
    write_intent_week(alignment, alignment.as_of + timedelta(days=1), rng.random(len(alignment.companies)) < 0.3, rng)
    return alignment.as_of + timedelta(days=7)


def _owner(alignment: Alignment, territory_id: str) -> str:
    owners = dict(zip(alignment.users["Territory"], alignment.users["Id"])) if len(alignment.users) else {}
    return owners.get(territory_id, "")


def _reps(alignment: Alignment, tag: str, capacity) -> pd.DataFrame:
    """One AE per leaf territory under one manager; `capacity(book)` gives Max_Accounts__c."""
    books = alignment.crm["territory_id"].value_counts()
    rows = [{"Id": f"005{tag}000", "Name": f"{tag.title()} Manager", "Email": f"manager@{tag.lower()}.example",
             "Title": "Regional Sales Director", "ManagerId": "", "IsActive": "true", "Sales_Role__c": "Manager",
             "Segment__c": "", "Home_Postal_Code__c": "", "Hire_Date__c": "2015-02-01", "Annual_Quota__c": "",
             "Max_Accounts__c": "", "Industry_Focus__c": "", "Territory": ""}]
    for k, t in enumerate(alignment.leaves, start=1):
        home = alignment.companies.loc[alignment.companies["territory_id"] == t.territory_id, "postal_code"]
        rows.append({"Id": f"005{tag}{k:03d}", "Name": f"Rep {tag.title()} {k}", "Email": f"rep{k}@{tag.lower()}.example",
                     "Title": "Account Executive", "ManagerId": f"005{tag}000", "IsActive": "true", "Sales_Role__c": "AE",
                     "Segment__c": alignment.segment_of(t.territory_id), "Home_Postal_Code__c": home.iloc[0] if len(home) else "",
                     "Hire_Date__c": f"{2016 + k % 8}-0{1 + k % 9}-15", "Annual_Quota__c": 600000 + 50000 * k,
                     "Max_Accounts__c": capacity(int(books.get(t.territory_id, 0))),
                     "Industry_Focus__c": ["51;52", "62", "33;44", "52"][k % 4], "Territory": t.territory_id})
    return pd.DataFrame(rows)


def _finish(alignment: Alignment, rng: np.random.Generator, tag: str, capacity) -> Alignment:
    """Place every company by the rules, give CRM accounts their territory's rep, write the files."""
    companies = alignment.companies
    companies["territory_id"] = [place(c, alignment.rules) for _, c in companies.iterrows()]
    alignment.users = _reps(alignment, tag, capacity)
    owner = dict(zip(alignment.users["Territory"], alignment.users["Id"]))
    companies["owner_user_id"] = companies["territory_id"].map(owner).fillna(f"005{tag}000")
    write_landing(alignment, rng)
    return alignment


def build_revenue_landing(root: Path, seed: int = 21) -> Alignment:
    """Segments by AnnualRevenue, set on the areas; reps already over Max_Accounts__c."""
    rng = np.random.default_rng(seed)
    places = _us_places({"CA_NORTH": 14, "CA_SOUTH": 16, "OR": 6, "WA": 8, "NV": 8, "AZ": 12, "NM": 6, "TX": 20, "OK": 10})
    companies = draw_companies(rng, 320, places, "REV", crm_share=0.6)
    locked = companies[companies["crm_id"].notna()].sample(3, random_state=seed).index
    companies.loc[locked, "locked"] = True
    commercial = cond("AnnualRevenue", "lt", 20_000_000, "20000000")
    corporate = cond("AnnualRevenue", "gte", 20_000_000, "20000000.00")
    territories = [
        Territory("R-WEST", "West and South", level="Region"),
        Territory("A-COMM", "Commercial", "R-WEST", "Area", segment="Commercial"),
        Territory("A-CORP", "Corporate", "R-WEST", "Area", segment="Corporate"),
        Territory("T-COMM-PAC", "Commercial Pacific", "A-COMM", kind="geographic", country="US"),
        Territory("T-COMM-MTN", "Commercial Mountain", "A-COMM", kind="geographic", country="US"),
        Territory("T-COMM-TX", "Commercial Texas", "A-COMM", kind="geographic", country="US"),
        Territory("T-CORP-WEST", "Corporate West", "A-CORP", kind="geographic", country="US"),
        Territory("T-CORP-SOUTH", "Corporate South", "A-CORP", kind="geographic", country="US"),
    ]
    rules = [
        Rule("T-COMM-PAC", 10, (cond("BillingState", "in", ["CA", "OR", "WA"], "CA;Oregon;wa"), commercial)),
        Rule("T-COMM-MTN", 20, (cond("BillingState", "in", ["NV", "AZ", "NM"], "Nevada;AZ;New Mexico"), commercial)),
        Rule("T-COMM-TX", 30, (cond("BillingState", "in", ["TX", "OK"], "TX;OK"), commercial)),
        Rule("T-CORP-WEST", 40, (cond("BillingState", "in", ["CA", "OR", "WA", "NV"], "california;OR;WA;NV"), corporate)),
        Rule("T-CORP-SOUTH", 50, (cond("BillingState", "in", ["AZ", "NM", "TX", "OK"], "AZ;NM;Texas;Oklahoma"), corporate)),
    ]
    alignment = Alignment("revenue", root, AS_OF, companies, territories, rules)
    return _finish(alignment, rng, "REV", lambda book: max(3, int(book * 0.6)))


def build_kinds_landing(root: Path, seed: int = 22) -> Alignment:
    """Employee bands of the customer's own; state, ZIP-prefix, named and vertical territories;
    accounts locked with Exclude_From_Realign__c. Small SoCal holds far more than its share."""
    rng = np.random.default_rng(seed)
    places = _us_places({"CA_SOUTH": 40, "CA_NORTH": 18, "OR": 10, "WA": 12, "NV": 8, "AZ": 12})
    companies = draw_companies(rng, 340, places, "KND", crm_share=0.65, employee_mu=4.2, employee_sigma=1.7)
    crm = companies[companies["crm_id"].notna()]
    healthcare = companies["industry"].isin(HEALTHCARE)
    named = crm[~healthcare.loc[crm.index]].sample(15, random_state=seed).index
    companies.loc[named, "named"] = True
    lockable = crm.index.difference(named)
    locked = list(companies.loc[lockable][healthcare.loc[lockable]].index[:1])
    locked += list(companies.loc[lockable][~healthcare.loc[lockable] & (companies.loc[lockable, "employees"] < 50)].index[:2])
    locked += list(named[:1])
    companies.loc[locked, "locked"] = True
    small = cond("NumberOfEmployees", "lt", 50, "50")
    medium = cond("NumberOfEmployees", "between", (50, 499), "50;499")
    large = cond("NumberOfEmployees", "gte", 500, "500")
    hc = cond("Industry", "in", HEALTHCARE, "Hospitals; medical devices ;Health Care Services")
    named_ids = companies.loc[named, "crm_id"].tolist()
    territories = [
        Territory("R-WEST", "West", level="Region"),
        Territory("A-SMALL", "Small Business", "R-WEST", "Area", segment="Small"),
        Territory("A-MEDIUM", "Medium Business", "R-WEST", "Area", segment="Medium"),
        Territory("A-LARGE", "Large Business", "R-WEST", "Area", segment="Large"),
        Territory("A-HEALTH", "Healthcare", "R-WEST", "Area", segment="Healthcare"),
        Territory("T-S-NORCAL", "Small Northern California", "A-SMALL", kind="geographic", country="US"),
        Territory("T-S-SOCAL", "Small Southern California", "A-SMALL", kind="geographic", country="US"),
        Territory("T-S-NW", "Small Northwest", "A-SMALL", kind="geographic", country="US"),
        Territory("T-S-SW", "Small Southwest", "A-SMALL", kind="geographic", country="US"),
        Territory("T-M-CA", "Medium California", "A-MEDIUM", kind="geographic", country="US"),
        Territory("T-M-REST", "Medium Rest of West", "A-MEDIUM", kind="geographic", country="US"),
        Territory("T-L-CA", "Large California", "A-LARGE", kind="geographic", country="US"),
        Territory("T-L-REST", "Large Rest of West", "A-LARGE", kind="geographic", country="US"),
        Territory("T-L-NAMED", "Strategic Named Accounts", "A-LARGE", kind="named", country="US"),
        Territory("T-HC-1", "Healthcare Emerging", "A-HEALTH", kind="vertical", country="US"),
        Territory("T-HC-2", "Healthcare Established", "A-HEALTH", kind="vertical", country="US"),
    ]
    rules = [
        Rule("T-L-NAMED", 1, (cond("Id", "in", named_ids, ";".join(named_ids)),)),
        Rule("T-HC-1", 5, (hc, cond("NumberOfEmployees", "lt", 200, "200"))),
        Rule("T-HC-2", 5, (hc, cond("NumberOfEmployees", "gte", 200, "200"))),
        Rule("T-S-NORCAL", 10, (cond("BillingPostalCode", "starts_with", ["94", "95", "96"], "94;95;96"), small)),
        Rule("T-S-SOCAL", 10, (cond("BillingPostalCode", "starts_with", ["90", "91", "92", "93"], "90; 91;92;93"), small)),
        Rule("T-S-NW", 20, (cond("BillingState", "in", ["OR", "WA"], "Oregon;washington"), small)),
        Rule("T-S-SW", 20, (cond("BillingState", "in", ["NV", "AZ"], "nv;az"), small)),
        Rule("T-M-CA", 30, (cond("BillingState", "equals", ["CA"], "California"), medium)),
        Rule("T-M-REST", 30, (cond("BillingState", "in", ["OR", "WA", "NV", "AZ"], "OR;WA;NV;AZ"), medium)),
        Rule("T-L-CA", 40, (cond("BillingState", "equals", ["CA"], "CA"), large)),
        Rule("T-L-REST", 40, (cond("BillingState", "in", ["OR", "WA", "NV", "AZ"], "OR;WA;Nevada;Arizona"), large)),
    ]
    alignment = Alignment("kinds", root, AS_OF, companies, territories, rules)
    return _finish(alignment, rng, "KND", lambda book: book + 15)


def build_worldwide_landing(root: Path, seed: int = 23) -> Alignment:
    """US territories out of balance (New York holds most), Canada split by province through
    BillingCountry rules, British and German companies that no rule covers."""
    rng = np.random.default_rng(seed)
    us = _us_places({"NY": 50, "NJ": 14, "PA": 14, "CT": 8, "MA": 10, "RI": 4})
    abroad = _abroad_places({"CA": 1.0, "GB": 0.6, "DE": 0.6})
    us_companies = draw_companies(rng, 260, us, "WWU", crm_share=0.6)
    foreign = draw_companies(rng, 60, abroad, "WWX", crm_share=0.5)
    companies = pd.concat([us_companies, foreign], ignore_index=True)
    crm = companies[companies["crm_id"].notna() & (companies["country"] == "US")]
    companies.loc[crm.sample(2, random_state=seed).index, "locked"] = True
    growth = cond("NumberOfEmployees", "lt", 250, "250")
    strategic = cond("NumberOfEmployees", "gte", 250, "250")
    territories = [
        Territory("R-NA", "North America", level="Region"),
        Territory("A-GROWTH", "US Growth", "R-NA", "Area", segment="Growth"),
        Territory("A-STRATEGIC", "US Strategic", "R-NA", "Area", segment="Strategic"),
        Territory("A-CANADA", "Canada", "R-NA", "Area", segment="International"),
        Territory("T-G-NY", "Growth New York", "A-GROWTH", kind="geographic", country="US"),
        Territory("T-G-NJ", "Growth New Jersey", "A-GROWTH", kind="geographic", country="US"),
        Territory("T-G-PA", "Growth Pennsylvania", "A-GROWTH", kind="geographic", country="US"),
        Territory("T-G-NE", "Growth New England", "A-GROWTH", kind="geographic", country="US"),
        Territory("T-ST-NORTH", "Strategic North", "A-STRATEGIC", kind="geographic", country="US"),
        Territory("T-ST-SOUTH", "Strategic South", "A-STRATEGIC", kind="geographic", country="US"),
        Territory("T-CAN-EAST", "Canada East", "A-CANADA", kind="geographic", country="CA"),
        Territory("T-CAN-WEST", "Canada West", "A-CANADA", kind="geographic", country="CA"),
    ]
    rules = [
        Rule("T-G-NY", 10, (cond("BillingState", "equals", ["NY"], "New York"), growth)),
        Rule("T-G-NJ", 10, (cond("BillingState", "equals", ["NJ"], "nj"), growth)),
        Rule("T-G-PA", 10, (cond("BillingState", "equals", ["PA"], "PA"), growth)),
        Rule("T-G-NE", 10, (cond("BillingState", "in", ["CT", "MA", "RI"], "Connecticut;MA;RI"), growth)),
        Rule("T-ST-NORTH", 20, (cond("BillingState", "in", ["NY", "CT", "MA", "RI"], "NY;CT;Massachusetts;RI"), strategic)),
        Rule("T-ST-SOUTH", 20, (cond("BillingState", "in", ["NJ", "PA"], "New Jersey;PA"), strategic)),
        Rule("T-CAN-EAST", 30, (cond("BillingCountry", "equals", ["CA"], "Canada"),
                                cond("BillingState", "in", ["ON", "QC", "NS"], "ON;Quebec;NS"))),
        Rule("T-CAN-WEST", 30, (cond("BillingCountry", "in", ["CA"], "can"),
                                cond("BillingState", "in", ["BC", "AB", "MB"], "British Columbia;AB;mb"))),
    ]
    alignment = Alignment("worldwide", root, AS_OF, companies, territories, rules)
    return _finish(alignment, rng, "WW", lambda book: book + 10)


BUILDERS = {"revenue": build_revenue_landing, "kinds": build_kinds_landing, "worldwide": build_worldwide_landing}
