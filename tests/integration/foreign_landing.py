"""A small landing zone written by hand, not by Terrain's generator, with the mess real exports have.

It follows only CONTRACT.md: other column order, mixed-case headers with spaces, a BOM, gzip,
Parquet, extra columns, full state names, ZIP+4, bad rows, an empty file and a file missing a
required column. Terrain must run on it as it runs on its own sample world.
"""

from __future__ import annotations

import csv
import gzip
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

STATES = [("CA", "California", "94"), ("TX", "Texas", "75"), ("NY", "New York", "10"),
          ("IL", "Illinois", "60"), ("MA", "Massachusetts", "02")]
ZIPS = {"CA": ["94105", "94301", "90012"], "TX": ["75201", "78701", "77002"], "NY": ["10001", "10013", "14604"],
        "IL": ["60601", "60614", "61820"], "MA": ["02110", "02139", "01002"]}
INDUSTRIES = [("5112", "Software Publishers"), ("5221", "Depository Credit Intermediation"),
              ("3345", "Navigational Instruments Manufacturing"), ("6221", "General Hospitals")]
PRODUCTS = ["Core Platform", "Analytics", "Data Cloud"]
TOPICS = [("Sales Enablement", "Sales"), ("Revenue Operations", "Sales"), ("Data Warehousing", "Technology"),
          ("Cloud Security", "Technology"), ("Office Furniture", "Facilities")]
BAD_ROWS = {"crm/accounts": 2, "intent/bombora": 2, "map/activities": 1}


def _write_csv(path: Path, frame: pd.DataFrame, *, bom: bool = False, gz: bool = False) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    text = frame.to_csv(index=False, quoting=csv.QUOTE_MINIMAL)
    data = (("\ufeff" if bom else "") + text).encode("utf-8")
    if gz:
        path.write_bytes(gzip.compress(data, mtime=0))
    else:
        path.write_bytes(data)


def build_foreign_landing(root: Path, companies: int = 400, seed: int = 3) -> dict[str, int]:
    """Write the landing zone under ``root``; returns the number of bad rows planted per source."""
    rng = np.random.default_rng(seed)
    as_of = date(2026, 11, 22)
    ids = [f"{i:07d}" for i in range(companies)]
    state_idx = rng.integers(0, len(STATES), companies)
    industry_idx = rng.integers(0, len(INDUSTRIES), companies)
    employees = np.round(rng.lognormal(4.5, 1.5, companies)).astype(int) + 1
    fit = (industry_idx == 0) * 1.0 + (employees > 200) * 0.8 + rng.normal(0, 0.5, companies)
    in_market = rng.random(companies) < 1 / (1 + np.exp(-(fit - 1.5)))
    domains = [f"company{i}.com" for i in range(companies)]
    zips = [ZIPS[STATES[s][0]][rng.integers(0, 3)] for s in state_idx]

    firmographics = pd.DataFrame({
        "COMPANY_ID ": ids, "company_name": [f"Company {i} Inc" for i in range(companies)],
        "Website": [f"https://www.{d}/" for d in domains], "State": [STATES[s][0] for s in state_idx],
        "Postal_Code": zips, "City": "Springfield", "Country": "US",
        "NAICS_Code": [INDUSTRIES[k][0] + "10" for k in industry_idx],
        "Industry": [INDUSTRIES[k][1] for k in industry_idx], "Employee_Count": employees,
        "Revenue_USD": employees * 180000.0, "Vendor_Extra_Column": "x",
    })
    (root / "vendor" / "firmographics").mkdir(parents=True, exist_ok=True)
    firmographics.iloc[: companies // 2].to_parquet(root / "vendor" / "firmographics" / "universe_a.parquet", index=False)
    _write_csv(root / "vendor" / "firmographics" / "universe_b.csv.gz", firmographics.iloc[companies // 2:], gz=True)

    tech = pd.DataFrame({"Company_Id": ids, "Technology": rng.choice(["Salesforce", "HubSpot CRM", "Snowflake"], companies),
                         "Category": "CRM", "Domain": domains})
    _write_csv(root / "vendor" / "technographics" / "tech.csv", tech)

    crm_n = companies // 4
    crm = pd.DataFrame({
        "Id": [f"001X{i:06d}" for i in range(crm_n)], "Name": [f"Company {i}" for i in range(crm_n)],
        "Website": [domains[i] for i in range(crm_n)],
        "BillingState": [STATES[s][1].upper() for s in state_idx[:crm_n]],
        "BillingPostalCode": [z.lstrip("0") + "-1234" for z in zips[:crm_n]], "BillingCountry": "United States",
        "Industry": [INDUSTRIES[k][1] for k in industry_idx[:crm_n]], "NumberOfEmployees": employees[:crm_n],
        "AnnualRevenue": employees[:crm_n] * 150000.0, "OwnerId": "005A1",
        "Type": np.where(np.arange(crm_n) % 3 == 0, "Customer - Direct", "Prospect"),
        "LastModifiedDate": "2026-10-01T10:00:00Z",
    })
    bad = crm.iloc[:2].copy()
    bad["Id"] = ["001BAD1", "001BAD2"]
    bad["NumberOfEmployees"] = ["many", "-5"]
    crm = pd.concat([crm.astype(str), bad.astype(str)], ignore_index=True)
    crm.columns = [c.upper() if c == "Name" else c for c in crm.columns]
    _write_csv(root / "crm" / "accounts" / "accounts_2026-11-20.csv", crm, bom=True)
    _write_csv(root / "crm" / "accounts" / "accounts_missing_owner.csv", crm[["Id", "NAME"]])
    (root / "crm" / "accounts" / "accounts_empty.csv").write_text("Id,Name,OwnerId\n", encoding="utf-8")

    opp_rows = []
    for i in range(crm_n):
        for k in range(rng.integers(0, 4)):
            created = as_of - timedelta(days=int(rng.integers(10, 700)))
            won = bool(rng.random() < 0.4)
            opp_rows.append({"Id": f"006X{i:05d}{k}", "AccountId": f"001X{i:06d}", "StageName": "Closed Won" if won else "Closed Lost",
                             "Amount": float(rng.integers(5, 200) * 1000), "CreatedDate": created.isoformat(),
                             "CloseDate": min(created + timedelta(days=60), as_of).isoformat(), "IsClosed": "true",
                             "IsWon": str(won).lower(), "Type": "New Business", "Product_Family__c": rng.choice(PRODUCTS)})
    _write_csv(root / "crm" / "opportunities" / "opps.csv", pd.DataFrame(opp_rows))

    contacts = pd.DataFrame({"Id": [f"003X{i:06d}" for i in range(crm_n * 2)],
                             "AccountId": [f"001X{i // 2:06d}" for i in range(crm_n * 2)],
                             "FirstName": "Pat", "LastName": [f"Lee{i}" for i in range(crm_n * 2)],
                             "Email": [f"pat{i}@{domains[i // 2]}" for i in range(crm_n * 2)],
                             "Title": rng.choice(["VP Sales", "Sales Operations Manager", "Account Executive", "IT Director"], crm_n * 2),
                             "HasOptedOutOfEmail": rng.choice(["yes", "no"], crm_n * 2)})
    _write_csv(root / "crm" / "contacts" / "contacts.csv", contacts)

    users = pd.DataFrame({"Id": ["005A1", "005A2", "005A3"], "Name": ["Ann Rep", "Bo Rep", "Cy Rep"],
                          "IsActive": "true", "Sales_Role__c": "AE", "Segment__c": ["SMB", "Mid-Market", "Enterprise"],
                          "Home_Postal_Code__c": ["94105", "75201", "10001"], "Max_Accounts__c": 500,
                          "Industry_Focus__c": "51;52"})
    _write_csv(root / "crm" / "users" / "users.csv", users)

    definitions = pd.DataFrame({"Territory_Id": ["R1", "T-WEST", "T-EAST"], "Name": ["All", "West", "East"],
                                "Parent_Territory_Id": ["", "R1", "R1"], "Level": ["region", "territory", "territory"],
                                "Owner_User_Id": ["", "005A1", "005A2"], "Segment": ["", "SMB", "SMB"]})
    _write_csv(root / "territories" / "definitions" / "defs.csv", definitions)
    rules = pd.DataFrame({"Territory_Id": ["T-WEST", "T-EAST"], "Priority": [10, 20], "Field": ["BillingState", "BillingState"],
                          "Operator": ["in", "in"], "Value": ["CA;TX", "NY;MA"]})
    _write_csv(root / "territories" / "rules" / "rules.csv", rules)

    weeks = [as_of - timedelta(days=6 + 7 * w) for w in range(8)]
    bombora_dir = root / "intent" / "bombora"
    for w, week in enumerate(weeks):
        rows = []
        for i in range(companies):
            if rng.random() < (0.5 if in_market[i] else 0.1):
                topic, category = TOPICS[rng.integers(0, len(TOPICS))]
                rows.append({"Domain": domains[i], "Topic": topic, "Category": category,
                             "Composite Score": int(np.clip(rng.normal(70 if in_market[i] else 45, 12), 0, 100))})
        frame = pd.DataFrame(rows)
        if w == 0:
            frame = pd.concat([frame, pd.DataFrame([{"Domain": "x.com", "Topic": "Cloud Security", "Category": "Technology", "Composite Score": 140},
                                                    {"Domain": "", "Topic": "Cloud Security", "Category": "Technology", "Composite Score": 50}])])
        _write_csv(bombora_dir / f"surge_{week.isoformat()}.csv", frame)

    g2 = pd.DataFrame({"company_domain": [domains[i] for i in range(0, companies, 7)], "category": "CRM Software",
                       "signal_type": "pricing", "date": (as_of - timedelta(days=3)).isoformat()})
    _write_csv(root / "intent" / "g2" / "g2.csv", g2)

    activity_rows = [{"email": f"pat{i}@{domains[i // 2]}", "activity_type": "email_click",
                      "activity_ts": f"{(as_of - timedelta(days=int(rng.integers(1, 60)))).isoformat()} 09:30:00+02:00",
                      "source_system": "marketo"} for i in range(crm_n * 2) if rng.random() < 0.5]
    activity_rows.append({"email": "someone@gmail.com", "activity_type": "teleport", "activity_ts": "2026-11-01", "source_system": "marketo"})
    _write_csv(root / "map" / "activities" / "activities.csv", pd.DataFrame(activity_rows))
    scores = pd.DataFrame({"email": [f"pat{i}@{domains[i // 2]}" for i in range(crm_n * 2)], "source_system": "pardot",
                           "score": rng.integers(0, 300, crm_n * 2), "grade": rng.choice(["A", "B+", "C", "F"], crm_n * 2),
                           "scored_at": "2026-11-15"})
    _write_csv(root / "map" / "scores" / "scores.csv", scores)
    return dict(BAD_ROWS)
