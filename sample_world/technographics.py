"""Installed technologies: the true stack per company, and the partial view a data vendor sells.

The true stack feeds the latent fit (a company on Salesforce with a sales-engagement tool needs the
seller's products more); the vendor file sees only part of it, so fit stays learnable but imperfect.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from sample_world.catalog import SECTOR_FIT, TECHNOLOGIES

TECH_ADOPTION = {
    "Salesforce Sales Cloud": (-2.0, 1.0), "HubSpot CRM": (-2.2, 0.4), "Microsoft Dynamics 365": (-3.0, 0.5),
    "Zoho CRM": (-3.0, -0.2), "Pipedrive": (-3.2, -0.2), "Outreach": (-3.6, 1.0), "Salesloft": (-3.7, 1.0),
    "Apollo.io": (-3.0, 0.6), "Gong": (-3.8, 1.1), "Clari": (-4.3, 1.2), "Varicent": (-4.8, 1.2),
    "Xactly": (-4.6, 1.1), "ZoomInfo": (-3.2, 0.9), "Marketo Engage": (-3.5, 0.9),
    "HubSpot Marketing Hub": (-2.6, 0.5), "Slack": (-1.6, 0.6), "Zoom": (-1.2, 0.4),
    "Microsoft 365": (-0.8, 0.3), "Google Workspace": (-1.2, 0.2), "Amazon Web Services": (-2.4, 0.8),
    "Snowflake": (-4.0, 1.2), "Tableau": (-3.5, 0.9), "QuickBooks": (-1.6, -0.6), "Shopify": (-3.2, 0.0),
}
"""Per technology: (base log-odds, slope on the company's technology maturity)."""


@dataclass(frozen=True)
class Stack:
    """True installations as (company row, technology index) pairs plus per-role flags."""

    company_idx: np.ndarray
    tech_idx: np.ndarray
    roles: dict[str, np.ndarray]


def install_base(rng: np.random.Generator, companies: pd.DataFrame) -> Stack:
    """Draw every company's true stack from its sector, size and an unobserved maturity."""
    n = len(companies)
    sector_fit = companies["sector"].map(SECTOR_FIT).to_numpy()
    maturity = 0.8 * sector_fit + 0.55 * np.log10(companies["employees"].to_numpy()) + rng.normal(0, 0.7, n) - 0.8
    company_parts, tech_parts = [], []
    roles = {role: np.zeros(n, dtype=bool) for _, _, role in TECHNOLOGIES}
    for index, (tech, _category, role) in enumerate(TECHNOLOGIES):
        base, slope = TECH_ADOPTION[tech]
        installed = rng.random(n) < 1.0 / (1.0 + np.exp(-(base + slope * maturity)))
        rows = np.flatnonzero(installed)
        company_parts.append(rows)
        tech_parts.append(np.full(len(rows), index, dtype=np.int16))
        roles[role] |= installed
    return Stack(np.concatenate(company_parts), np.concatenate(tech_parts), roles)


def vendor_rows(rng: np.random.Generator, companies: pd.DataFrame, stack: Stack, as_of: pd.Timestamp) -> pd.DataFrame:
    """The technographics delivery: about 80% of true installs of covered companies, with dates."""
    covered = rng.random(len(companies)) < 0.75
    covered &= companies["in_vendor"].to_numpy()
    keep = covered[stack.company_idx] & (rng.random(len(stack.company_idx)) < 0.8)
    company = stack.company_idx[keep]
    tech = stack.tech_idx[keep]
    order = np.lexsort((tech, company))
    company, tech = company[order], tech[order]
    n = len(company)
    first_seen = as_of - pd.to_timedelta(rng.integers(30, 6 * 365, n), unit="D")
    last_age = np.where(rng.random(n) < 0.9, rng.integers(0, 45, n), rng.integers(90, 500, n))
    last_seen = np.maximum(first_seen.to_numpy(), (as_of - pd.to_timedelta(last_age, unit="D")).to_numpy())
    catalog = pd.DataFrame(TECHNOLOGIES, columns=["Technology", "Category", "role"])
    return pd.DataFrame(
        {
            "Company_Id": companies["company_id"].to_numpy()[company],
            "Technology": catalog["Technology"].to_numpy()[tech],
            "Category": catalog["Category"].to_numpy()[tech],
            "Domain": companies["domain"].to_numpy()[company],
            "First_Seen": pd.DatetimeIndex(first_seen).strftime("%Y-%m-%d"),
            "Last_Seen": pd.DatetimeIndex(last_seen).strftime("%Y-%m-%d"),
        }
    )
