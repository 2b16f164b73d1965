"""A small landing zone written by hand in which every way a snapshot can learn from its future is present.

Two exports of the CRM (early March and late April 2026), a MAP log and lead scores on both sides of
``T``, weekly Bombora files and G2 rows on both sides of ``T``, and a vendor universe with its
installed technologies. Around ``T`` (Sunday 8 March 2026):

- a contact created after its person's activity, with a company e-mail whose domain belongs to
  another company than the contact's account (``jane.roe@co09.com`` on account A10), and one with a
  free-mail address (``bob.smith@gmail.com`` on A11);
- a contact that moved to another account after ``T`` (``dana@freelance-studio.net``, A12 to A01);
- CRM companies created after ``T``: one only in the CRM (A21, ``late-co.com``, with intent, activity and
  a lead score before ``T``), one matching a vendor company (A13);
- opportunities restated: open at ``T`` in the first export and closed won later with a back-dated
  close date (O2), lost at ``T`` and reopened and won later (O8), closed after ``T`` (O3); one created
  after ``T`` (O4); one delivered only after ``T`` with every version modified after ``T`` (O7);
- accounts whose ``Type`` flips to Customer after a won deal (A02, A03), and one whose head count is
  restated after ``T`` (A05: a firmographic, compared by no one);
- a technology first seen after ``T``, one still seen after ``T``; intent weeks, G2 days, activities and
  lead scores (re-scores of the same address included) after ``T``.

Values are written as literals so that a reader can check any feature by hand.
"""

from __future__ import annotations

import csv
from datetime import date, timedelta
from pathlib import Path

import pandas as pd

T = date(2026, 3, 8)
EARLY_EXPORT = "2026-03-01"
LATE_EXPORT = "2026-04-20"

STATES = ["CA", "TX", "NY", "IL", "MA", "WA"]
ZIPS = {"CA": "94105", "TX": "75201", "NY": "10001", "IL": "60601", "MA": "02110", "WA": "98101"}
INDUSTRIES = [("511210", "Software Publishers"), ("522110", "Commercial Banking"),
              ("541511", "Custom Computer Programming"), ("622110", "General Hospitals")]
VENDOR_COMPANIES = 24
MATCHED_ACCOUNTS = 13
TOPICS = [("Sales Enablement", "Sales"), ("Revenue Operations", "Sales"), ("Cloud Security", "Technology")]
INTENT_WEEKS = [date(2026, 1, 5) + timedelta(weeks=k) for k in range(15)]


def _write(path: Path, rows: list[dict]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    columns = list(dict.fromkeys(key for row in rows for key in row))
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns)
        writer.writeheader()
        writer.writerows(rows)


def _vendor(k: int) -> dict:
    state = STATES[k % len(STATES)]
    naics, industry = INDUSTRIES[k % len(INDUSTRIES)]
    employees = [40, 120, 350, 900, 2500, 75][k % 6] + 7 * k
    return {"Company_Id": f"V{k:02d}", "Company_Name": f"Company {k:02d} Inc", "Website": f"https://www.co{k:02d}.com/",
            "Street": f"{k} Market Street", "City": "Springfield", "State": state, "Postal_Code": ZIPS[state],
            "Country": "US", "NAICS_Code": naics, "Industry": industry, "Employee_Count": employees,
            "Revenue_USD": employees * 190_000, "Founded_Year": 1960 + 2 * k, "Is_Public": "false",
            "LastModifiedDate": "2026-04-01"}


def _account(k: int, *, created: str, modified: str, type_: str = "Prospect", employees: int | None = None,
             crm_id: str | None = None, name: str | None = None, website: str | None = None,
             state: str | None = None) -> dict:
    vendor = _vendor(k) if k else {}
    state = state or vendor.get("State", "CA")
    return {"Id": crm_id or f"A{k:02d}", "Name": name or f"Company {k:02d}", "Website": website or f"co{k:02d}.com",
            "BillingStreet": f"{k} Market Street", "BillingCity": "Springfield", "BillingState": state,
            "BillingPostalCode": ZIPS[state], "BillingCountry": "US", "Industry": vendor.get("Industry", "Software"),
            "NumberOfEmployees": employees if employees is not None else vendor.get("Employee_Count", 60),
            "AnnualRevenue": "", "OwnerId": "U1", "Type": type_, "CreatedDate": created, "LastModifiedDate": modified,
            "Named_Account__c": "false", "Exclude_From_Realign__c": "false"}


def _accounts() -> tuple[list[dict], list[dict]]:
    """The early export (records as they were on 1 March) and the late one (every record now)."""
    steady = [_account(k, created=f"2024-0{1 + k % 9}-1{k % 10}T09:00:00Z", modified="2025-06-01T08:00:00Z")
              for k in (4, 6, 7, 8, 9, 10, 11, 12)]
    early_only = [
        _account(1, created="2024-02-01T09:00:00Z", modified="2025-12-16T09:00:00Z", type_="Customer - Direct"),
        _account(2, created="2024-03-05T09:00:00Z", modified="2026-01-05T09:00:00Z"),
        _account(3, created="2024-04-05T09:00:00Z", modified="2026-01-05T09:00:00Z"),
        _account(5, created="2024-05-05T09:00:00Z", modified="2025-09-01T09:00:00Z", employees=100),
        _account(0, crm_id="A20", name="Early Bird Ltd", website="earlybird.io", state="WA",
                 created="2025-05-01T09:00:00Z", modified="2025-05-01T09:00:00Z", employees=45),
    ]
    late_changes = [
        _account(1, created="2024-02-01T09:00:00Z", modified="2025-12-16T09:00:00Z", type_="Customer - Direct"),
        _account(2, created="2024-03-05T09:00:00Z", modified="2026-03-21T09:00:00Z", type_="Customer"),
        _account(3, created="2024-04-05T09:00:00Z", modified="2026-04-12T09:00:00Z", type_="Customer"),
        _account(5, created="2024-05-05T09:00:00Z", modified="2026-04-01T09:00:00Z", employees=300),
        _account(0, crm_id="A20", name="Early Bird Ltd", website="earlybird.io", state="WA",
                 created="2025-05-01T09:00:00Z", modified="2025-05-01T09:00:00Z", employees=45),
        _account(13, created="2026-03-28T09:00:00Z", modified="2026-03-28T09:00:00Z"),
        _account(0, crm_id="A21", name="Latecomer Inc", website="https://late-co.com", state="TX",
                 created="2026-04-02T09:00:00Z", modified="2026-04-02T09:00:00Z", employees=220),
    ]
    return steady + early_only, steady + late_changes


def _opportunity(opp_id: str, account: str, created: str, stage: str, close: str, modified: str,
                 type_: str = "New Business", amount: float = 40_000.0) -> dict:
    won = stage.startswith("Closed Won")
    closed = stage.startswith("Closed")
    return {"Id": opp_id, "AccountId": account, "Name": f"{account} {opp_id}", "StageName": stage, "Amount": amount,
            "CloseDate": close, "CreatedDate": created, "IsClosed": str(closed).lower(), "IsWon": str(won).lower(),
            "Type": type_, "Product_Family__c": "Analytics", "OwnerId": "U1", "LastModifiedDate": modified}


def _opportunities() -> tuple[list[dict], list[dict]]:
    o1 = _opportunity("O1", "A01", "2025-10-01T10:00:00Z", "Closed Won", "2025-12-15", "2025-12-15T17:00:00Z")
    o5 = _opportunity("O5", "A05", "2025-09-01T10:00:00Z", "Closed Lost", "2025-11-30", "2025-11-30T17:00:00Z")
    o9 = _opportunity("O9", "A01", "2026-02-20T10:00:00Z", "Proposal", "2026-05-31", "2026-02-20T10:00:00Z",
                      type_="Renewal")
    early = [
        o1, o5, o9,
        _opportunity("O2", "A02", "2026-01-10T10:00:00Z", "Proposal", "2026-04-30", "2026-02-20T10:00:00Z"),
        _opportunity("O3", "A03", "2026-02-01T10:00:00Z", "Discovery", "2026-05-15", "2026-02-01T10:00:00Z"),
        _opportunity("O6", "A06", "2026-01-20T10:00:00Z", "Discovery", "2026-06-30", "2026-02-01T10:00:00Z",
                     amount=10_000.0),
        _opportunity("O8", "A08", "2025-11-01T10:00:00Z", "Closed Lost", "2026-02-15", "2026-02-15T16:00:00Z"),
    ]
    late = [
        o1, o5, o9,
        _opportunity("O2", "A02", "2026-01-10T10:00:00Z", "Closed Won", "2026-03-05", "2026-03-20T10:00:00Z"),
        _opportunity("O3", "A03", "2026-02-01T10:00:00Z", "Closed Won", "2026-04-10", "2026-04-10T10:00:00Z"),
        _opportunity("O4", "A04", "2026-04-01T10:00:00Z", "Discovery", "2026-06-30", "2026-04-01T10:00:00Z"),
        _opportunity("O6", "A06", "2026-01-20T10:00:00Z", "Negotiation", "2026-06-30", "2026-03-15T10:00:00Z",
                     amount=25_000.0),
        _opportunity("O7", "A07", "2026-02-15T10:00:00Z", "Closed Lost", "2026-03-30", "2026-04-01T10:00:00Z"),
        _opportunity("O8", "A08", "2025-11-01T10:00:00Z", "Closed Won", "2026-03-25", "2026-03-25T16:00:00Z"),
        _opportunity("O10", "A10", "2026-03-08T12:00:00Z", "Discovery", "2026-07-31", "2026-03-08T12:00:00Z"),
    ]
    return early, late


def _contact(contact_id: str, account: str, email: str, created: str, modified: str, title: str) -> dict:
    first, _, last = email.split("@")[0].partition(".")
    return {"Id": contact_id, "AccountId": account, "FirstName": first.title(), "LastName": (last or "Doe").title(),
            "Email": email, "Title": title, "Department": "Sales", "LeadSource": "Web",
            "HasOptedOutOfEmail": "false", "CreatedDate": created, "LastModifiedDate": modified}


def _contacts() -> tuple[list[dict], list[dict]]:
    steady = [
        _contact("C01", "A01", "alice@co01.com", "2025-06-01T09:00:00Z", "2025-06-01T09:00:00Z", "VP Sales"),
        _contact("C02", "A02", "carol@co02.com", "2025-11-10T09:00:00Z", "2025-11-10T09:00:00Z", "CIO"),
        _contact("C03", "A03", "erin@co03.com", "2026-01-15T09:00:00Z", "2026-01-15T09:00:00Z", "IT Director"),
        _contact("C06", "A06", "pat@co06.com", "2025-03-01T09:00:00Z", "2025-03-01T09:00:00Z", "Sales Manager"),
    ]
    early = steady + [
        _contact("C12", "A12", "dana@freelance-studio.net", "2025-08-01T09:00:00Z", "2025-08-01T09:00:00Z",
                 "Revenue Operations Consultant"),
    ]
    late = steady + [
        _contact("C12", "A01", "dana@freelance-studio.net", "2025-08-01T09:00:00Z", "2026-04-01T09:00:00Z",
                 "Revenue Operations Consultant"),
        _contact("C04", "A04", "frank@co04.com", "2026-03-08T09:00:00Z", "2026-03-08T09:00:00Z", "CFO"),
        _contact("C10", "A10", "jane.roe@co09.com", "2026-03-20T09:00:00Z", "2026-03-20T09:00:00Z", "VP Marketing"),
        _contact("C11", "A11", "bob.smith@gmail.com", "2026-03-25T09:00:00Z", "2026-03-25T09:00:00Z", "Founder"),
        _contact("C13", "A13", "lee@co13.com", "2026-03-29T09:00:00Z", "2026-03-29T09:00:00Z", "CTO"),
        _contact("C21", "A21", "sam@late-co.com", "2026-04-05T09:00:00Z", "2026-04-05T09:00:00Z", "COO"),
    ]
    return early, late


ACTIVITIES = [
    ("alice@co01.com", "email_open", "2026-01-12T10:00:00Z"),
    ("alice@co01.com", "form_fill", "2026-02-26T15:30:00Z"),
    ("alice@co01.com", "web_visit", "2026-03-08T15:00:00Z"),
    ("alice@co01.com", "email_open", "2026-03-09T00:00:01Z"),
    ("alice@co01.com", "form_fill", "2026-03-10T11:00:00Z"),
    ("carol@co02.com", "webinar_attended", "2026-02-18T17:00:00Z"),
    ("carol@co02.com", "email_click", "2026-03-02T08:00:00Z"),
    ("erin@co03.com", "email_open", "2026-02-03T08:00:00Z"),
    ("erin@co03.com", "email_click", "2026-03-01T08:00:00Z"),
    ("frank@co04.com", "web_visit", "2026-03-08T10:00:00Z"),
    ("ghost@co05.com", "web_visit", "2026-02-24T12:00:00Z"),
    ("pat@co06.com", "unsubscribe", "2026-03-02T12:00:00Z"),
    ("jane.roe@co09.com", "content_download", "2026-02-10T14:00:00Z"),
    ("jane.roe@co09.com", "form_fill", "2026-02-25T14:00:00Z"),
    ("jane.roe@co09.com", "web_visit", "2026-03-03T14:00:00Z"),
    ("jane.roe@co09.com", "email_click", "2026-03-22T14:00:00Z"),
    ("bob.smith@gmail.com", "web_visit", "2026-02-20T09:00:00Z"),
    ("bob.smith@gmail.com", "form_fill", "2026-03-06T09:00:00Z"),
    ("bob.smith@gmail.com", "webinar_attended", "2026-03-26T09:00:00Z"),
    ("dana@freelance-studio.net", "email_click", "2026-02-27T09:00:00Z"),
    ("dana@freelance-studio.net", "web_visit", "2026-03-05T09:00:00Z"),
    ("sam@late-co.com", "content_download", "2026-02-16T09:00:00Z"),
    ("sam@late-co.com", "web_visit", "2026-03-04T09:00:00Z"),
    ("sam@late-co.com", "form_fill", "2026-04-06T09:00:00Z"),
    ("lee@co13.com", "web_visit", "2026-02-11T09:00:00Z"),
    ("lee@co13.com", "email_open", "2026-03-07T09:00:00Z"),
]

SCORES = [  # email, system, score as delivered, grade, scored_at
    ("alice@co01.com", "marketo", "40", "", "2026-02-02T10:00:00Z"),
    ("carol@co02.com", "marketo", "55", "", "2026-02-02T10:00:00Z"),
    ("jane.roe@co09.com", "marketo", "70", "", "2026-02-02T10:00:00Z"),
    ("bob.smith@gmail.com", "marketo", "30", "", "2026-02-02T10:00:00Z"),
    ("erin@co03.com", "eloqua", "B2", "", "2026-02-09T10:00:00Z"),
    ("sam@late-co.com", "eloqua", "A1", "", "2026-02-09T10:00:00Z"),
    ("ghost@co05.com", "eloqua", "C3", "", "2026-02-09T10:00:00Z"),
    ("dana@freelance-studio.net", "pardot", "45", "B", "2026-03-05T10:00:00Z"),
    ("lee@co13.com", "pardot", "20", "C", "2026-03-05T10:00:00Z"),
    ("frank@co04.com", "hubspot", "12", "", "2026-03-08T18:00:00Z"),
    ("alice@co01.com", "marketo", "85", "", "2026-03-16T10:00:00Z"),
    ("carol@co02.com", "marketo", "60", "", "2026-03-16T10:00:00Z"),
    ("erin@co03.com", "eloqua", "A1", "", "2026-03-30T10:00:00Z"),
    ("jane.roe@co09.com", "marketo", "90", "", "2026-03-30T10:00:00Z"),
]

TECHNOLOGIES = [  # company, technology, category, first seen, last seen
    ("V01", "Salesforce", "CRM", "2024-03-01", "2026-04-15"),
    ("V02", "Snowflake", "Data Warehouse", "2026-03-20", "2026-04-15"),
    ("V03", "HubSpot CRM", "CRM", "2024-01-01", "2025-06-01"),
    ("V04", "Salesforce", "CRM", "2025-01-01", "2026-04-15"),
    ("V05", "Marketo", "Marketing Automation", "2025-06-01", "2026-04-15"),
    ("V06", "Snowflake", "Data Warehouse", "2025-02-01", "2026-03-01"),
    ("V09", "Outreach", "Sales Engagement", "2026-03-01", "2026-04-10"),
    ("V10", "Salesforce", "CRM", "2025-08-01", "2026-03-08"),
]

INTENT_DOMAINS = ["co01.com", "co02.com", "co03.com", "co04.com", "co05.com", "co06.com", "co09.com", "co13.com",
                  "late-co.com", "earlybird.io"]


def _bombora_week(week: date) -> list[dict]:
    rows = []
    for d, domain in enumerate(INTENT_DOMAINS):
        for k, (topic, category) in enumerate(TOPICS):
            score = (17 * d + 23 * k + 11 * INTENT_WEEKS.index(week)) % 61 + 35
            if score >= 45:
                rows.append({"Domain": domain, "Topic": topic, "Composite Score": score, "Category": category,
                             "Company Name": domain.split(".")[0].title(), "Domain Origin Country": "United States",
                             "Week": week.isoformat()})
    return rows


G2 = [("co03.com", "pricing", "2026-02-17"), ("co03.com", "comparison", "2026-03-04"),
      ("co03.com", "reviews", "2026-03-12"), ("co09.com", "alternatives", "2026-03-08"),
      ("late-co.com", "profile", "2026-02-25")]


def build_time_machine_landing(root: Path) -> Path:
    """Write the landing zone under ``root`` and return it."""
    _write(root / "vendor" / "firmographics" / "firmographics.csv",
           [_vendor(k) for k in range(1, VENDOR_COMPANIES + 1)])
    _write(root / "vendor" / "technographics" / "technographics.csv",
           [{"Company_Id": c, "Technology": t, "Category": cat, "Domain": f"co{c[1:]}.com", "First_Seen": first,
             "Last_Seen": last} for c, t, cat, first, last in TECHNOLOGIES])
    for name, (early, late) in {"accounts": _accounts(), "opportunities": _opportunities(),
                                "contacts": _contacts()}.items():
        _write(root / "crm" / name / f"{name}_{EARLY_EXPORT}.csv", early)
        _write(root / "crm" / name / f"{name}_{LATE_EXPORT}.csv", late)
    _write(root / "crm" / "users" / "users.csv", [
        {"Id": "U1", "Name": "Robin Rep", "Email": "robin@seller.example", "Title": "Account Executive",
         "ManagerId": "U2", "IsActive": "true", "Sales_Role__c": "AE", "Segment__c": "", "Home_Postal_Code__c": "94105",
         "Hire_Date__c": "2020-01-06", "Annual_Quota__c": 800000, "Max_Accounts__c": 100, "Industry_Focus__c": "51"},
        {"Id": "U2", "Name": "Morgan Manager", "Email": "morgan@seller.example", "Title": "Sales Director",
         "ManagerId": "", "IsActive": "true", "Sales_Role__c": "Manager", "Segment__c": "", "Home_Postal_Code__c": "",
         "Hire_Date__c": "2015-01-05", "Annual_Quota__c": "", "Max_Accounts__c": "", "Industry_Focus__c": ""}])
    _write(root / "territories" / "definitions" / "definitions.csv", [
        {"Territory_Id": "R-US", "Name": "United States", "Parent_Territory_Id": "", "Level": "Region",
         "Owner_User_Id": "U2", "Segment": ""},
        {"Territory_Id": "T-US", "Name": "US Commercial", "Parent_Territory_Id": "R-US", "Level": "Territory",
         "Owner_User_Id": "U1", "Segment": "Commercial"}])
    _write(root / "territories" / "rules" / "rules.csv", [
        {"Territory_Id": "T-US", "Priority": 1, "Field": "BillingCountry", "Operator": "equals", "Value": "US"}])
    for week in INTENT_WEEKS:
        _write(root / "intent" / "bombora" / f"bombora_{week.isoformat()}.csv", _bombora_week(week))
    _write(root / "intent" / "g2" / "g2.csv",
           [{"company_domain": d, "category": "Sales Intelligence", "signal_type": s, "date": day,
             "company_name": d.split(".")[0].title(), "company_intent_score": 70, "visitor_count": 3}
            for d, s, day in G2])
    early_cut = pd.Timestamp(EARLY_EXPORT, tz="UTC")
    activities = [{"email": e, "activity_type": a, "activity_ts": ts, "campaign": "Spring launch",
                   "source_system": "marketo"} for e, a, ts in ACTIVITIES]
    _write(root / "map" / "activities" / f"activities_{EARLY_EXPORT}.csv",
           [row for row in activities if pd.Timestamp(row["activity_ts"]) < early_cut])
    _write(root / "map" / "activities" / f"activities_{LATE_EXPORT}.csv",
           [row for row in activities if pd.Timestamp(row["activity_ts"]) >= early_cut])
    scores = [{"email": e, "source_system": s, "score": v, "grade": g, "scored_at": at} for e, s, v, g, at in SCORES]
    _write(root / "map" / "scores" / f"scores_{EARLY_EXPORT}.csv",
           [row for row in scores if pd.Timestamp(row["scored_at"]) < early_cut])
    _write(root / "map" / "scores" / f"scores_{LATE_EXPORT}.csv",
           [row for row in scores if pd.Timestamp(row["scored_at"]) >= early_cut])
    return root
