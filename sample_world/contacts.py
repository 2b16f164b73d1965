"""People at CRM accounts, with a hidden buying persona that title and department mostly reveal.

Most titles say plainly who signs (a CRO), who evaluates (a Salesforce admin), who champions (a
RevOps manager) and who uses the product (an AE). Some titles are vague ("Manager", "Operations
Director") and some people act out of type, so persona is learnable but not perfectly.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sample_world import names
from sample_world.crm_accounts import CrmAccounts
from sample_world.ids import salesforce_ids

PERSONAS = np.array(["executive buyer", "technical evaluator", "champion", "end user", "other"], dtype=object)
PERSONA_MIX = np.array([0.14, 0.14, 0.16, 0.34, 0.22])
TITLES = {
    "executive buyer": [("Chief Revenue Officer", "Executive"), ("VP of Sales", "Sales"), ("SVP, Sales", "Sales"),
                        ("Chief Sales Officer", "Executive"), ("VP Revenue Operations", "Revenue Operations"),
                        ("Chief Executive Officer", "Executive"), ("Head of Sales", "Sales"), ("Chief Operating Officer", "Executive")],
    "technical evaluator": [("Salesforce Administrator", "IT"), ("CRM Manager", "Sales Operations"),
                            ("Director of Sales Systems", "Sales Operations"), ("IT Manager", "IT"), ("Business Systems Analyst", "IT"),
                            ("Director of IT", "IT"), ("Data Architect", "IT")],
    "champion": [("Revenue Operations Manager", "Revenue Operations"), ("Director of Sales Operations", "Sales Operations"),
                 ("Sales Operations Manager", "Sales Operations"), ("Head of RevOps", "Revenue Operations"),
                 ("Sales Enablement Manager", "Sales"), ("Director, Revenue Operations", "Revenue Operations")],
    "end user": [("Account Executive", "Sales"), ("Sales Development Representative", "Sales"), ("Sales Manager", "Sales"),
                 ("Regional Sales Manager", "Sales"), ("Account Manager", "Sales"), ("Customer Success Manager", "Customer Success"),
                 ("Business Development Representative", "Sales")],
    "other": [("HR Manager", "Human Resources"), ("Accountant", "Finance"), ("Marketing Coordinator", "Marketing"),
              ("Office Manager", "Administration"), ("Software Engineer", "Engineering"), ("Controller", "Finance"),
              ("Recruiter", "Human Resources"), ("Product Manager", "Product")],
}
VAGUE_TITLES = np.array(["Manager", "Director", "Analyst", "Operations Manager", "Director of Operations",
                         "Consultant", "Specialist", "Associate"], dtype=object)
FREE_MAIL = np.array(["gmail.com", "yahoo.com", "outlook.com", "hotmail.com", "aol.com"], dtype=object)
LEAD_SOURCES = np.array(["Web", "Webinar", "Trade Show", "Outbound", "Partner Referral", "Content Syndication", "List Import"], dtype=object)


def _titles_for(rng: np.random.Generator, persona: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    title = np.empty(len(persona), dtype=object)
    department = np.empty(len(persona), dtype=object)
    for name, pool in TITLES.items():
        rows = np.flatnonzero(persona == name)
        choice = rng.integers(0, len(pool), len(rows))
        title[rows] = np.array([t for t, _ in pool], dtype=object)[choice]
        department[rows] = np.array([d for _, d in pool], dtype=object)[choice]
    return title, department


def build_contacts(rng: np.random.Generator, companies: pd.DataFrame, accounts: CrmAccounts, as_of: pd.Timestamp,
                   org_salt: int) -> tuple[pd.DataFrame, np.ndarray]:
    """(contact records, company row per contact); the persona truth is the column `persona`."""
    records = accounts.records
    employees = companies["employees"].to_numpy()[accounts.company_idx]
    per_account = np.clip(rng.poisson(0.9 + 0.9 * np.log10(employees)), 1, 18)
    per_account = np.where(accounts.is_duplicate, np.minimum(per_account, rng.integers(0, 3, len(per_account))), per_account)
    account_row = np.repeat(np.arange(len(records)), per_account)
    n = len(account_row)
    company = accounts.company_idx[account_row]
    persona = PERSONAS[rng.choice(len(PERSONAS), size=n, p=PERSONA_MIX)]
    shown_as = np.where(rng.random(n) < 0.05, PERSONAS[rng.integers(0, len(PERSONAS), n)], persona)
    title, department = _titles_for(rng, shown_as)
    vague = rng.random(n) < 0.1
    title = np.where(vague, VAGUE_TITLES[rng.integers(0, len(VAGUE_TITLES), n)], title)
    department = np.where(vague & (rng.random(n) < 0.5), None, department)
    department = np.where(rng.random(n) < 0.12, None, department)
    casing = rng.random(n)
    title = pd.Series(title)
    title = title.where(casing >= 0.06, title.str.lower()).where(casing < 0.94, title.str.upper())

    first = pd.Series(names.pick(rng, names.FIRST_NAMES, n), dtype=object)
    last = pd.Series(names.pick(rng, names.SURNAMES, n), dtype=object)
    domain = pd.Series(companies["domain"].to_numpy()[company], dtype=object)
    style = rng.integers(0, 3, n)
    local = np.select([style == 0, style == 1], [(first + "." + last).to_numpy(), (first.str[0] + last).to_numpy()],
                      default=first.to_numpy())
    local = pd.Series(local).str.lower()
    local = local + np.where(local.duplicated(keep="first") & (style == 2), (last.str[0]).str.lower(), "")
    personal = domain.isna() | (rng.random(n) < 0.07)
    mail_domain = domain.where(~personal, pd.Series(FREE_MAIL[rng.integers(0, len(FREE_MAIL), n)]))
    personal_local = local + np.where(personal, pd.Series(rng.integers(1, 999, n)).astype(str), "")
    email = (personal_local + "@" + mail_domain).where(rng.random(n) >= 0.03, None)
    email = pd.Series(email).where(~pd.Series(email).duplicated(), None)

    created = as_of - pd.to_timedelta(rng.integers(15, 4 * 365, n), unit="D") + pd.to_timedelta(rng.integers(0, 86400, n), unit="s")
    modified = created + (as_of - created) * rng.uniform(0.2, 1.0, n)
    contacts = pd.DataFrame(
        {
            "Id": salesforce_ids("contact", 0, n, org_salt),
            "AccountId": records["Id"].to_numpy()[account_row],
            "FirstName": first,
            "LastName": last,
            "Email": email,
            "Title": title,
            "Department": department,
            "LeadSource": LEAD_SOURCES[rng.integers(0, len(LEAD_SOURCES), n)],
            "HasOptedOutOfEmail": np.where(rng.random(n) < 0.06, "true", "false"),
            "CreatedDate": created.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "LastModifiedDate": pd.DatetimeIndex(modified).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "persona": persona,
        }
    )
    return contacts, company
