"""The current, hand-made territory alignment and the exact rule engine that places accounts.

The layout is deliberately uneven, the way alignments look after years of manual edits, and mixes
the kinds of territory real sales teams run:

- geographic US territories by state, some carved by ZIP prefix (California split for Enterprise,
  New York City for SMB), with a Mid-Market gap in the mid-south and nobody covering Alaska, Hawaii
  or Puerto Rico; they name the US only through states and ZIPs;
- segments by employees (`SMB` < 200, `Mid-Market` 200-999, `Enterprise` >= 1000), except the
  Mid-Market territories of the Central region, which the customer segments by `AnnualRevenue`
  (USD 50M-500M), so an employee band and the territory's segment disagree for some companies;
- a named-account territory (`ENT-STRATEGIC`, one rule per account on `Id`, first in priority);
- a national vertical territory (`MM-HEALTHCARE`: `Industry` in the healthcare industry names the
  CRM and the data vendor use, Mid-Market by employees, no geography), ahead of every geographic rule;
- Canada (`MM-CANADA`, `SMB-CANADA`, rules on `BillingCountry`), while nobody covers the United
  Kingdom or Germany.

`assign_territories` applies the rules as the pipeline must: the matching rule with the lowest
Priority wins; text compares trimmed and case-insensitive, with countries, states and postal codes
normalised first (`locations`); a rule that names no country covers only the home country (the most
common country among CRM accounts), while rules on `Id` stand as written.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd

from sample_world.abroad import HOME
from sample_world.locations import country_code, country_codes, postal_codes, state_codes
from sample_world.reference import industries

WEST_PACIFIC = "WA;OR;ID;MT;WY"
WEST_MOUNTAIN = "NV;UT;CO;AZ;NM"
CENTRAL_SOUTH = "TX;OK;AR;LA"
MID_SOUTH = "MS;AL;TN;KY"
MIDWEST = "IL;WI;MN;IA;MO;ND;SD;NE;KS"
LAKES = "MI;IN;OH"
NORTHEAST = "NY;NJ;PA;MA;CT;RI;NH;VT;ME"
SOUTHEAST = "DE;MD;DC;VA;WV;NC;SC;GA;FL"
NYC_PREFIXES = "100;101;102;103;104;110;111;112;113;114;116"

SIZE_CONDITION = {
    "Enterprise": ("NumberOfEmployees", "gte", "1000"),
    "Mid-Market": ("NumberOfEmployees", "between", "200;999"),
    "SMB": ("NumberOfEmployees", "lt", "200"),
}
REVENUE_SEGMENTED_REGION = "MM-CENTRAL"
MID_MARKET_REVENUE = ("AnnualRevenue", "between", "50000000;500000000")
BELOW_MID_MARKET_REVENUE = ("AnnualRevenue", "lt", "50000000")
"""The Central Mid-Market territories segment by revenue (USD) instead of employees; in their states
the SMB territories also take what falls below the Mid-Market revenue floor."""

LAYOUT = (
    ("Enterprise", "ENT-WEST", "West", "ENT-WEST-PAC", "Pacific", "ENT-W-NORCAL", "Northern California", "CA", "93;94;95;96"),
    ("Enterprise", "ENT-WEST", "West", "ENT-WEST-PAC", "Pacific", "ENT-W-SOCAL", "Southern California", "CA", "90;91;92"),
    ("Enterprise", "ENT-WEST", "West", "ENT-WEST-PAC", "Pacific", "ENT-W-NW", "Pacific Northwest", WEST_PACIFIC, ""),
    ("Enterprise", "ENT-WEST", "West", "ENT-WEST-MTN", "Mountain", "ENT-W-SW", "Southwest", WEST_MOUNTAIN, ""),
    ("Enterprise", "ENT-CENTRAL", "Central", "ENT-CEN-SOUTH", "South Central", "ENT-C-TEXAS", "Texas & Oklahoma", "TX;OK", ""),
    ("Enterprise", "ENT-CENTRAL", "Central", "ENT-CEN-SOUTH", "South Central", "ENT-C-GULF", "Gulf & Mid-South", "AR;LA;" + MID_SOUTH, ""),
    ("Enterprise", "ENT-CENTRAL", "Central", "ENT-CEN-NORTH", "North Central", "ENT-C-MIDWEST", "Midwest", MIDWEST, ""),
    ("Enterprise", "ENT-CENTRAL", "Central", "ENT-CEN-NORTH", "North Central", "ENT-C-LAKES", "Great Lakes", LAKES, ""),
    ("Enterprise", "ENT-EAST", "East", "ENT-EAST-NORTH", "Northeast", "ENT-E-NY", "New York", "NY", ""),
    ("Enterprise", "ENT-EAST", "East", "ENT-EAST-NORTH", "Northeast", "ENT-E-NENG", "New England", "MA;CT;RI;NH;VT;ME", ""),
    ("Enterprise", "ENT-EAST", "East", "ENT-EAST-NORTH", "Northeast", "ENT-E-MIDATL", "Mid-Atlantic", "NJ;PA;DE;MD;DC", ""),
    ("Enterprise", "ENT-EAST", "East", "ENT-EAST-SOUTH", "Southeast", "ENT-E-SE", "Southeast", "VA;WV;NC;SC;GA;FL", ""),
    ("Mid-Market", "MM-WEST", "West", "MM-WEST-ALL", "West", "MM-W-CA", "California", "CA", ""),
    ("Mid-Market", "MM-WEST", "West", "MM-WEST-ALL", "West", "MM-W-REST", "Northwest & Mountain", WEST_PACIFIC + ";" + WEST_MOUNTAIN, ""),
    ("Mid-Market", "MM-CENTRAL", "Central", "MM-CEN-ALL", "Central", "MM-C-SOUTH", "South Central", CENTRAL_SOUTH, ""),
    ("Mid-Market", "MM-CENTRAL", "Central", "MM-CEN-ALL", "Central", "MM-C-NORTH", "North Central", MIDWEST + ";" + LAKES, ""),
    ("Mid-Market", "MM-EAST", "East", "MM-EAST-ALL", "East", "MM-E-NORTH", "Northeast", NORTHEAST, ""),
    ("Mid-Market", "MM-EAST", "East", "MM-EAST-ALL", "East", "MM-E-SOUTH", "Southeast", SOUTHEAST, ""),
    ("SMB", "SMB-WEST", "West", "SMB-WEST-ALL", "West", "SMB-W-1", "California & Southwest", "CA;" + WEST_MOUNTAIN, ""),
    ("SMB", "SMB-WEST", "West", "SMB-WEST-ALL", "West", "SMB-W-2", "Northwest", WEST_PACIFIC, ""),
    ("SMB", "SMB-CENTRAL", "Central", "SMB-CEN-ALL", "Central", "SMB-C-1", "South", CENTRAL_SOUTH + ";" + MID_SOUTH, ""),
    ("SMB", "SMB-CENTRAL", "Central", "SMB-CEN-ALL", "Central", "SMB-C-2", "Midwest & Lakes", MIDWEST + ";" + LAKES, ""),
    ("SMB", "SMB-EAST", "East", "SMB-EAST-NYC", "New York City", "SMB-E-NYC", "New York City", "NY", NYC_PREFIXES),
    ("SMB", "SMB-EAST", "East", "SMB-EAST-ALL", "East", "SMB-E-1", "Northeast", NORTHEAST, ""),
    ("SMB", "SMB-EAST", "East", "SMB-EAST-ALL", "East", "SMB-E-2", "Southeast", SOUTHEAST, ""),
)
"""(segment, region id, region name, area id, area name, territory id, territory name, states, ZIP prefixes)."""

STRATEGIC = ("Enterprise", "ENT-NATIONAL", "National", "ENT-STRATEGIC-AREA", "Strategic Accounts", "ENT-STRATEGIC", "Strategic Named Accounts")
VERTICAL = ("Mid-Market", "MM-NATIONAL", "National", "MM-VERTICALS", "Verticals", "MM-HEALTHCARE", "Healthcare")
HEALTHCARE_SECTOR = "62"
COUNTRY_LAYOUT = (
    ("Mid-Market", "MM-INTL", "International", "MM-INTL-CAN", "Canada", "MM-CANADA", "Canada", "CA",
     ("NumberOfEmployees", "gte", "200")),
    ("SMB", "SMB-INTL", "International", "SMB-INTL-CAN", "Canada", "SMB-CANADA", "Canada", "Canada",
     SIZE_CONDITION["SMB"]),
)
"""(segment, region, region name, area, area name, territory, name, BillingCountry as the rule writes it,
size condition). Mid-Market Canada also takes Canadian companies of Enterprise size."""

ACCOUNT_RULE_FIELDS = ("Id", "BillingState", "BillingPostalCode", "BillingCountry", "Industry", "NumberOfEmployees",
                       "AnnualRevenue")
"""The Account fields rules test; vendor companies are given them under these names."""
VERTICAL_PRIORITY = 45
ZIP_PRIORITY, STATE_PRIORITY, SMB_REVENUE_PRIORITY, COUNTRY_PRIORITY = 50, 100, 150, 200
UNASSIGNED = "UNASSIGNED"


@dataclass(frozen=True)
class Alignment:
    """Territory definitions (without owners yet) and the rules that fill them."""

    definitions: pd.DataFrame
    rules: pd.DataFrame


def territory_states(territory_id: str) -> list[str]:
    """States a territory covers (used to home its owner inside it)."""
    for row in LAYOUT:
        if row[5] == territory_id:
            return row[7].split(";")
    return ["NY", "CA", "TX", "IL"]


def territory_country(node_id: str) -> str:
    """Country a territory, area or region covers: Canada for the country layout, else the US."""
    for row in COUNTRY_LAYOUT:
        if node_id in (row[1], row[3], row[5]):
            return country_code(row[7])
    return HOME


def covered_countries() -> set[str]:
    """Countries some rule covers: the US (home) and the countries of the country layout."""
    return {HOME, *(country_code(row[7]) for row in COUNTRY_LAYOUT)}


def revenue_segmented_states() -> set[str]:
    """States whose territories segment by revenue: there the CRM keeps AnnualRevenue filled."""
    return {state for row in LAYOUT if row[1] == REVENUE_SEGMENTED_REGION for state in row[7].split(";")}


@lru_cache(maxsize=1)
def healthcare_industries() -> tuple[str, ...]:
    """Healthcare as both sources write it: the CRM's sector title and the vendor's six-digit titles."""
    codes = industries().codes
    sector = codes.loc[codes["sector"] == HEALTHCARE_SECTOR]
    return (sector["sector_title"].iloc[0], *sector["naics_title"])


def build_alignment(named_account_ids: list[str]) -> Alignment:
    """Definitions (region > area > territory) and rules; named accounts win, then the vertical, then geography."""
    if len(named_account_ids) >= VERTICAL_PRIORITY:
        raise ValueError(f"at most {VERTICAL_PRIORITY - 1} named accounts, got {len(named_account_ids)}")
    definitions, rules = [], []
    seen = set()
    nodes = (*(row[:7] for row in LAYOUT), STRATEGIC, VERTICAL, *(row[:7] for row in COUNTRY_LAYOUT))
    for segment, region, region_name, area, area_name, territory, name in nodes:
        for node, label, parent, level in ((region, region_name, None, "region"), (area, area_name, region, "area"),
                                           (territory, name, area, "territory")):
            if node not in seen:
                seen.add(node)
                definitions.append((node, f"{segment} {label}", parent, level, segment))
    for priority, account_id in enumerate(named_account_ids, start=1):
        rules.append(("ENT-STRATEGIC", priority, "Id", "equals", account_id))
    vertical = VERTICAL[5]
    rules.append((vertical, VERTICAL_PRIORITY, "Industry", "in", ";".join(healthcare_industries())))
    rules.append((vertical, VERTICAL_PRIORITY, *SIZE_CONDITION[VERTICAL[0]]))
    zip_priority, state_priority = ZIP_PRIORITY, STATE_PRIORITY
    for segment, region, *_rest, territory, _name, states, prefixes in LAYOUT:
        if prefixes:
            priority = zip_priority
            zip_priority += 1
            rules.append((territory, priority, "BillingPostalCode", "starts_with", prefixes))
        else:
            priority = state_priority
            state_priority += 1
        rules.append((territory, priority, "BillingState", "in", states))
        rules.append((territory, priority, *(MID_MARKET_REVENUE if region == REVENUE_SEGMENTED_REGION else SIZE_CONDITION[segment])))
    by_revenue = revenue_segmented_states()
    smb_by_revenue = [(row[5], [state for state in row[7].split(";") if state in by_revenue])
                      for row in LAYOUT if row[0] == "SMB" and not row[8]]
    for priority, (territory, states) in enumerate([pair for pair in smb_by_revenue if pair[1]], start=SMB_REVENUE_PRIORITY):
        rules.append((territory, priority, "BillingState", "in", ";".join(states)))
        rules.append((territory, priority, *BELOW_MID_MARKET_REVENUE))
    for priority, (_segment, *_rest, territory, _name, country, size) in enumerate(COUNTRY_LAYOUT, start=COUNTRY_PRIORITY):
        rules.append((territory, priority, "BillingCountry", "equals", country))
        rules.append((territory, priority, *size))
    return Alignment(
        definitions=pd.DataFrame(definitions, columns=["Territory_Id", "Name", "Parent_Territory_Id", "Level", "Segment"]),
        rules=pd.DataFrame(rules, columns=["Territory_Id", "Priority", "Field", "Operator", "Value"]),
    )


NUMERIC_OPERATORS = ("between", "gte", "lt")
TEXT_OPERATORS = ("equals", "in", "starts_with")


class _Columns:
    """Account fields prepared once for every rule: numbers as floats, text as codes into its distinct
    values, normalised and lower case.

    Countries, states and postal codes are normalised first (`locations`), and rule values on them
    the same way, so `Canada`, `CA` and `can` are one country and `California` is `CA`. Each distinct
    value is normalised once, which keeps a million vendor rows fast.
    """

    def __init__(self, accounts: pd.DataFrame):
        self.accounts = accounts
        self.country: np.ndarray | None = None
        if "BillingCountry" in accounts:
            codes, uniques = _distinct(accounts["BillingCountry"], country_codes)
            self.country = np.append(uniques, None)[codes]
        self._numbers: dict[str, np.ndarray] = {}
        self._text: dict[str, tuple[np.ndarray, np.ndarray]] = {}

    def numbers(self, field: str) -> np.ndarray:
        if field not in self._numbers:
            self._numbers[field] = pd.to_numeric(self.accounts[field], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
        return self._numbers[field]

    def text(self, field: str) -> tuple[np.ndarray, np.ndarray]:
        """(code per row, -1 when missing; distinct normalised lower-case values)."""
        if field not in self._text:
            values = self.accounts[field]
            if field == "BillingCountry":
                codes, uniques = _distinct(pd.Series(self.country, dtype=object))
            elif field == "BillingState":
                codes, uniques = _distinct(values, state_codes)
            elif field == "BillingPostalCode":
                codes, uniques = self._postal(values)
            else:
                codes, uniques = _distinct(values)
            self._text[field] = (codes, np.asarray(pd.Series(uniques, dtype="string").str.lower(), dtype=object))
        return self._text[field]

    def _postal(self, values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
        """Postal codes normalised per distinct (postal code, country) pair: the form depends on the country."""
        country = self.country if self.country is not None else np.full(len(values), None, dtype=object)
        country_rows, country_uniques = pd.factorize(country, use_na_sentinel=True)
        raw_codes, raw_uniques = pd.factorize(values, use_na_sentinel=True)
        width = len(country_uniques) + 1
        pair_codes, pairs = pd.factorize(raw_codes.astype(np.int64) * width + country_rows + 1)
        postal = pd.Series(np.append(np.asarray(raw_uniques, dtype=object), None)[pairs // width], dtype="string")
        pair_country = pd.Series(np.append(np.asarray(country_uniques, dtype=object), None)[pairs % width - 1], dtype="string")
        codes, uniques = pd.factorize(postal_codes(postal, pair_country), use_na_sentinel=True)
        return np.append(codes, -1)[pair_codes], np.asarray(uniques, dtype=object)


def _distinct(values: pd.Series, normalise=None) -> tuple[np.ndarray, np.ndarray]:
    """(code per row, -1 when missing; distinct trimmed, normalised values), normalising each distinct
    raw value once."""
    raw_codes, raw_uniques = pd.factorize(values, use_na_sentinel=True)
    normalised = pd.Series(np.asarray(raw_uniques, dtype=object), dtype="string").str.strip()
    normalised = normalise(normalised) if normalise else normalised
    codes, uniques = pd.factorize(normalised.replace("", pd.NA), use_na_sentinel=True)
    return np.append(codes, -1)[raw_codes], np.asarray(uniques, dtype=object)


def _rule_values(field: str, operator: str, value: str) -> list[str]:
    """A rule's value (`;`-separated for `in` and `starts_with`), normalised like the field it tests."""
    options = [part.strip() for part in (value.split(";") if operator != "equals" else [value])]
    if field == "BillingCountry":
        options = [country_code(option) for option in options]
    elif field == "BillingState":
        options = list(state_codes(pd.Series(options, dtype="string")))
    return [option.lower() for option in options]


def _condition(columns: _Columns, field: str, operator: str, value: str) -> np.ndarray:
    """One rule condition over a column; missing values never satisfy a condition."""
    if operator in NUMERIC_OPERATORS:
        numbers = columns.numbers(field)
        with np.errstate(invalid="ignore"):
            if operator == "between":
                low, high = (float(part) for part in value.split(";"))
                return (numbers >= low) & (numbers <= high)
            if operator == "gte":
                return numbers >= float(value)
            return numbers < float(value)
    if operator not in TEXT_OPERATORS:
        raise ValueError(f"unknown operator {operator!r}")
    codes, uniques = columns.text(field)
    options = _rule_values(field, operator, value)
    if operator in ("equals", "in"):
        matches = np.isin(uniques, options)
    else:
        matches = np.array([any(text.startswith(prefix) for prefix in options) for text in uniques], dtype=bool)
    return np.append(matches, False)[codes]


def assign_territories(accounts: pd.DataFrame, rules: pd.DataFrame, home_country: str) -> np.ndarray:
    """Territory per row of Account-shaped fields: the matching rule with the lowest Priority wins.

    A rule with no `BillingCountry` and no `Id` condition covers only `home_country`; an account
    without a country is read as being in the home country.
    """
    columns = _Columns(accounts)
    at_home = np.ones(len(accounts), dtype=bool) if columns.country is None else \
        pd.isna(columns.country) | (columns.country == home_country)
    result = np.full(len(accounts), UNASSIGNED, dtype=object)
    open_rows = np.ones(len(accounts), dtype=bool)
    for (_priority, territory), conditions in rules.groupby(["Priority", "Territory_Id"], sort=True):
        fields = set(conditions["Field"])
        hit = open_rows & at_home if not fields & {"BillingCountry", "Id"} else open_rows.copy()
        for field, operator, value in conditions[["Field", "Operator", "Value"]].itertuples(index=False):
            if field not in accounts or not hit.any():
                hit[:] = False
                break
            hit &= _condition(columns, field, operator, value)
        result[hit] = territory
        open_rows &= ~hit
    return result
