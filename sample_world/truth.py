"""The generator's ground truth (`_truth/`): what an evaluator compares the pipeline against."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from sample_world.buying_cycle import CUSTOMER, History
from sample_world.crm_accounts import CrmAccounts
from sample_world.writers import write_csv

STAGE_NAMES = np.array(["dormant", "researching", "evaluating"], dtype=object)


def write_truth(folder: Path, companies: pd.DataFrame, history: History, accounts: CrmAccounts, contacts: pd.DataFrame,
                propensity: np.ndarray, outcome: np.ndarray, crm_territory: np.ndarray, vendor_territory: np.ndarray,
                firmo: pd.DataFrame, as_of: pd.Timestamp, horizon_days: int) -> dict[str, int]:
    """Write matches, outcomes, propensity, personas, territory assignment and buying stage."""
    in_vendor = companies["in_vendor"].to_numpy()
    company_id = np.where(in_vendor, companies["company_id"].to_numpy(), "")
    crm_id = accounts.primary_id_of_company.reindex(np.arange(len(companies))).fillna("").to_numpy()
    counts = {}

    record_ids = accounts.records["Id"].to_numpy()
    matched = in_vendor[accounts.company_idx]
    matches = pd.DataFrame({"Company_Id": company_id[accounts.company_idx][matched], "CRM_Id": record_ids[matched]})
    counts["_truth/matches.csv"] = write_csv(matches, folder / "matches.csv")

    keys = pd.DataFrame({"Company_Id": company_id, "CRM_Id": crm_id})
    outcomes = keys.assign(Is_Customer=(history.status == CUSTOMER).astype(int), New_Opportunity=outcome.astype(int),
                           as_of=as_of.strftime("%Y-%m-%d"), horizon_days=horizon_days)
    counts["_truth/outcomes.csv"] = write_csv(outcomes, folder / "outcomes.csv")
    counts["_truth/propensity.csv"] = write_csv(keys.assign(propensity=np.round(propensity, 6)), folder / "propensity.csv")
    stage = keys.assign(buying_stage=STAGE_NAMES[history.state_at_as_of], fit=np.round(history.params.fit, 4))
    counts["_truth/buying_stage.csv"] = write_csv(stage, folder / "buying_stage.csv")
    counts["_truth/personas.csv"] = write_csv(contacts[["Id", "persona"]], folder / "personas.csv")

    crm_side = pd.DataFrame({"CRM_Id": record_ids, "Company_Id": company_id[accounts.company_idx], "Territory_Id": crm_territory})
    vendor_rows = np.flatnonzero(in_vendor & ~history.in_crm)
    position = pd.Series(np.arange(len(firmo)), index=firmo["Company_Id"].to_numpy())
    whitespace = pd.DataFrame({"CRM_Id": "", "Company_Id": company_id[vendor_rows],
                               "Territory_Id": vendor_territory[position.reindex(company_id[vendor_rows]).to_numpy()]})
    assignment = pd.concat([crm_side, whitespace], ignore_index=True)
    counts["_truth/territory_assignment.csv"] = write_csv(assignment, folder / "territory_assignment.csv")
    return counts
