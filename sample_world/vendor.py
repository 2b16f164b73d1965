"""The data vendor's company universe file (firmographics), as a TAM provider delivers it.

The vendor writes clean values: state, province, nation and Land codes, postal codes in each
country's format, `Country` as an ISO alpha-2 code (`US`, `CA`, `GB`, `DE`) and revenue in USD.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sample_world.reference import industries


def firmographics(rng: np.random.Generator, companies: pd.DataFrame, as_of: pd.Timestamp) -> pd.DataFrame:
    """Vendor rows for covered companies; a few fields are missing, as in any purchased list."""
    covered = companies.loc[companies["in_vendor"]]
    n = len(covered)
    ids = companies["company_id"].to_numpy()
    in_vendor = companies["in_vendor"].to_numpy()

    def family_ids(column: str) -> np.ndarray:
        ref = covered[column].to_numpy()
        valid = (ref >= 0) & in_vendor[np.maximum(ref, 0)]
        return np.where(valid, ids[np.maximum(ref, 0)], None)

    domain = covered["domain"]
    website = np.where(rng.random(n) < 0.6, "www." + domain.fillna(""), domain.fillna(""))
    employees = pd.array(covered["employees"].to_numpy(), dtype="Int64")
    employees[rng.random(n) < 0.02] = pd.NA
    modified = as_of - pd.to_timedelta(rng.integers(1, 400, n), unit="D")
    return pd.DataFrame(
        {
            "Company_Id": covered["company_id"].to_numpy(),
            "Company_Name": covered["name"].to_numpy(),
            "Website": np.where(domain.notna(), website, None),
            "Street": covered["street"].to_numpy(),
            "City": covered["city"].to_numpy(),
            "State": covered["state"].to_numpy(),
            "Postal_Code": covered["zip"].to_numpy(),
            "Country": covered["country"].to_numpy(),
            "NAICS_Code": np.where(rng.random(n) < 0.03, None, covered["naics_code"].to_numpy()),
            "Industry": covered["naics_code"].map(_naics_titles()).to_numpy(),
            "Employee_Count": employees,
            "Revenue_USD": covered["revenue"].where(rng.random(n) >= 0.06).to_numpy(),
            "Founded_Year": covered["founded_year"].to_numpy(),
            "Parent_Company_Id": family_ids("parent_idx"),
            "Ultimate_Parent_Id": family_ids("ultimate_idx"),
            "Is_Public": np.where(covered["is_public"].to_numpy(), "true", "false"),
            "LastModifiedDate": modified.strftime("%Y-%m-%d"),
        }
    )


def _naics_titles() -> dict[str, str]:
    codes = industries().codes
    return dict(zip(codes["naics_code"], codes["naics_title"]))
