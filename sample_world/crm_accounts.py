"""The seller's Salesforce accounts: the part of the market sales already works, with CRM noise.

Noise is what real CRMs carry: names typed differently from the vendor's, websites pasted as full
URLs or left empty, states and provinces spelled out or lower case, ZIPs that lost their leading
zero or gained a +4, Canadian and British postal codes without their space, countries as ISO codes
or English names in any case (`CA`, `Canada`, `UK`, `deu`) and duplicate records of one company.
AnnualRevenue (USD, the figure the vendor sells) is empty for a fifth of accounts, but kept filled
where the alignment segments by revenue. These are today's values; how each account got there
(created at lead conversion, Type after its deals, owner changes, re-sent old versions) is
`account_history`'s.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from sample_world import abroad
from sample_world.abroad import HOME
from sample_world.buying_cycle import CUSTOMER, FORMER_CUSTOMER, PARTNER, History
from sample_world.ids import salesforce_ids
from sample_world.territories import revenue_segmented_states

TYPE_NAMES = {0: "Prospect", CUSTOMER: "Customer", FORMER_CUSTOMER: "Former Customer", PARTNER: "Partner"}
DUPLICATE_SHARE = 0.02
REVENUE_MISSING = 0.2
REVENUE_MISSING_WHERE_SEGMENTED = 0.03
"""AnnualRevenue is often empty, except where the team segments by it: there sales ops keep it filled."""


@dataclass(frozen=True)
class CrmAccounts:
    """Account records with the company row each stands for (CRM-only accounts are companies too)."""

    records: pd.DataFrame
    company_idx: np.ndarray
    is_duplicate: np.ndarray
    primary_id_of_company: pd.Series


def name_variants(rng: np.random.Generator, core: pd.Series, suffix: pd.Series, share: float) -> pd.Series:
    """How people type a company name: no suffix, upper case, a comma, 'and' for '&', stray spaces."""
    n = len(core)
    pick = np.where(rng.random(n) < share, rng.integers(1, 7, n), 0)
    full = (core + " " + suffix).str.strip()
    choices = [
        full,
        core,
        full.str.upper(),
        (core + ", " + suffix).where(suffix != "", core),
        full.str.replace("&", "and", regex=False).str.replace(" Inc.", " Incorporated", regex=False),
        "  " + full + " ",
        core.str.replace("Technologies", "Tech", regex=False).str.replace("International", "Intl", regex=False)
        + " " + suffix.str.replace(".", "", regex=False),
    ]
    return pd.Series(np.select([pick == k for k in range(7)], [c.to_numpy() for c in choices], default=full.to_numpy()), index=core.index)


def website_variants(rng: np.random.Generator, domain: pd.Series, missing: float) -> pd.Series:
    """A domain the way it lands in a Website field: bare, with www, a scheme, a path, or empty."""
    n = len(domain)
    pick = rng.choice(6, size=n, p=[0.35, 0.25, 0.15, 0.1, 0.1, 0.05])
    forms = [domain, "www." + domain, "http://www." + domain, "https://" + domain + "/", "http://www." + domain + "/about",
             "HTTPS://WWW." + domain.str.upper()]
    out = pd.Series(np.select([pick == k for k in range(6)], [f.to_numpy() for f in forms]), index=domain.index)
    return out.where(domain.notna() & (rng.random(n) >= missing), None)


def state_variants(rng: np.random.Generator, code: pd.Series, full: pd.Series) -> pd.Series:
    """Mostly codes (`TX`, `ON`, `BY`); some spelled out, some lower case."""
    draw = rng.random(len(code))
    out = code.where(draw < 0.8, full)
    out = out.where(~((draw >= 0.9) & (draw < 0.95)), code.str.lower())
    return out.where(draw < 0.95, full.str.lower())


def postal_variants(rng: np.random.Generator, zips: pd.Series, country: np.ndarray) -> pd.Series:
    """Postal codes as CRMs hold them: some US ZIP+4, some US ZIPs with the leading zero lost to a
    spreadsheet, some Canadian and British codes without their space."""
    draw = rng.random(len(zips))
    us = country == HOME
    plus4 = zips + "-" + pd.Series(rng.integers(1, 9999, len(zips)), index=zips.index).astype(str).str.zfill(4)
    out = zips.where(~us | (draw >= 0.1), plus4)
    lost = us & (draw > 0.5) & zips.str.startswith("0")
    out = out.where(~lost, zips.str.lstrip("0"))
    return abroad.crm_postal_variants(rng, country, out)


def build_accounts(rng: np.random.Generator, companies: pd.DataFrame, history: History, as_of: pd.Timestamp,
                   org_salt: int) -> CrmAccounts:
    """One record per CRM company plus duplicate records for a few; OwnerId is set once territories exist."""
    primary = np.flatnonzero(history.in_crm)
    dup_of = primary[rng.random(len(primary)) < DUPLICATE_SHARE]
    company_idx = np.concatenate([primary, dup_of])
    is_dup = np.r_[np.zeros(len(primary), bool), np.ones(len(dup_of), bool)]
    n = len(company_idx)
    rows = companies.iloc[company_idx].reset_index(drop=True)
    ids = salesforce_ids("account", 0, n, org_salt)
    status = history.status[company_idx]
    joined = history.crm_joined_week[company_idx]
    weeks_back = np.where(joined < 0, rng.integers(110, 420, n), history.weeks - 1 - np.clip(joined, 0, history.weeks))
    created = (as_of - pd.to_timedelta(weeks_back * 7 + rng.integers(0, 7, n), unit="D")
               + pd.to_timedelta(rng.integers(8 * 3600, 18 * 3600, n), unit="s"))
    created = created.where(~is_dup, as_of - pd.to_timedelta(rng.integers(20, 500, n), unit="D"))
    modified = created + (as_of - created) * rng.uniform(0.3, 1.0, n)
    employees = pd.array(rows["employees"].to_numpy(), dtype="Int64")
    employees[rng.random(n) < 0.03] = pd.NA
    country = rows["country"].to_numpy()
    revenue_kept = np.where(np.isin(rows["state"].to_numpy(), list(revenue_segmented_states())) & (country == HOME),
                            1.0 - REVENUE_MISSING_WHERE_SEGMENTED, 1.0 - REVENUE_MISSING)
    revenue = rows["revenue"].where(rng.random(n) < revenue_kept)
    name = name_variants(rng, rows["name_core"], rows["legal_suffix"], share=0.4)
    name = name.where(~is_dup, name_variants(rng, rows["name_core"], rows["legal_suffix"], share=1.0))
    records = pd.DataFrame(
        {
            "Id": ids,
            "Name": name,
            "Website": website_variants(rng, rows["domain"], missing=0.1),
            "BillingStreet": rows["street"],
            "BillingCity": rows["city"],
            "BillingState": state_variants(rng, rows["state"], rows["state_name"]),
            "BillingPostalCode": postal_variants(rng, rows["zip"], country),
            "BillingCountry": abroad.crm_country_spellings(rng, country),
            "Industry": rows["sector_title"].where(rng.random(n) >= 0.12, None),
            "NumberOfEmployees": employees,
            "AnnualRevenue": revenue,
            "Type": np.where(is_dup, np.where(status == CUSTOMER, "Prospect", pd.Series(status).map(TYPE_NAMES)),
                             pd.Series(status).map(TYPE_NAMES)),
            "CreatedDate": created.strftime("%Y-%m-%dT%H:%M:%S.000Z"),
            "LastModifiedDate": pd.DatetimeIndex(modified).strftime("%Y-%m-%dT%H:%M:%S.000Z"),
        }
    )
    parent_rows = companies["parent_idx"].to_numpy()[company_idx]
    primary_id = pd.Series(ids[: len(primary)], index=primary)
    parent_id = primary_id.reindex(parent_rows).to_numpy()
    records["ParentId"] = np.where(rng.random(n) < 0.7, parent_id, None)
    records["Named_Account__c"] = "false"
    records["Exclude_From_Realign__c"] = np.where(rng.random(n) < 0.01, "true", "false")
    return CrmAccounts(records=records, company_idx=company_idx, is_duplicate=is_dup, primary_id_of_company=primary_id)
