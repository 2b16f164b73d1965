"""The current, hand-made territory alignment and the exact rule engine that places accounts.

The layout is deliberately uneven (California split by ZIP for Enterprise, New York City carved out
for SMB, a Mid-Market gap in the mid-south, nobody covering Alaska, Hawaii or Puerto Rico), the way
alignments look after years of manual edits.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

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


def build_alignment(named_account_ids: list[str]) -> Alignment:
    """Definitions (region > area > territory) and rules; named accounts win over geography."""
    definitions, rules = [], []
    seen = set()
    for segment, region, region_name, area, area_name, territory, name, *_ in (*LAYOUT, (*STRATEGIC, "", "")):
        for node, label, parent, level in ((region, region_name, None, "region"), (area, area_name, region, "area"),
                                           (territory, name, area, "territory")):
            if node not in seen:
                seen.add(node)
                prefix = {"Enterprise": "Enterprise", "Mid-Market": "Mid-Market", "SMB": "SMB"}[segment]
                definitions.append((node, f"{prefix} {label}", parent, level, segment))
    for priority, account_id in enumerate(named_account_ids, start=1):
        rules.append(("ENT-STRATEGIC", priority, "Id", "equals", account_id))
    zip_priority, state_priority = 50, 100
    for segment, *_rest, territory, _name, states, prefixes in LAYOUT:
        if prefixes:
            priority = zip_priority
            zip_priority += 1
            rules.append((territory, priority, "BillingPostalCode", "starts_with", prefixes))
        else:
            priority = state_priority
            state_priority += 1
        rules.append((territory, priority, "BillingState", "in", states))
        rules.append((territory, priority, *SIZE_CONDITION[segment]))
    return Alignment(
        definitions=pd.DataFrame(definitions, columns=["Territory_Id", "Name", "Parent_Territory_Id", "Level", "Segment"]),
        rules=pd.DataFrame(rules, columns=["Territory_Id", "Priority", "Field", "Operator", "Value"]),
    )


def _text(values: pd.Series) -> pd.Series:
    return values.astype("string").str.strip().str.lower()


def _condition(values: pd.Series, operator: str, value: str) -> np.ndarray:
    """One rule condition over a column; missing values never satisfy a condition."""
    if operator in ("between", "gte", "lt"):
        numbers = pd.to_numeric(values, errors="coerce")
        if operator == "between":
            low, high = (float(part) for part in value.split(";"))
            hit = (numbers >= low) & (numbers <= high)
        elif operator == "gte":
            hit = numbers >= float(value)
        else:
            hit = numbers < float(value)
        return hit.fillna(False).to_numpy(dtype=bool)
    text = _text(values)
    options = [part.strip().lower() for part in value.split(";")]
    if operator == "equals":
        hit = text == value.strip().lower()
    elif operator == "in":
        hit = text.isin(options)
    elif operator == "starts_with":
        hit = pd.Series(False, index=values.index)
        for prefix in options:
            hit |= text.str.startswith(prefix).fillna(False)
    else:
        raise ValueError(f"unknown operator {operator!r}")
    return hit.fillna(False).to_numpy(dtype=bool)


def assign_territories(accounts: pd.DataFrame, rules: pd.DataFrame) -> np.ndarray:
    """Territory per row of Account-shaped fields: the matching rule with the lowest Priority wins."""
    result = np.full(len(accounts), UNASSIGNED, dtype=object)
    open_rows = np.ones(len(accounts), dtype=bool)
    for (priority, territory), conditions in rules.groupby(["Priority", "Territory_Id"], sort=True):
        hit = open_rows.copy()
        for field, operator, value in conditions[["Field", "Operator", "Value"]].itertuples(index=False):
            if field not in accounts:
                hit[:] = False
                break
            hit &= _condition(accounts[field], operator, value)
        result[hit] = territory
        open_rows &= ~hit
    return result
