"""Resolution quality on the generated sample world, against its ground truth.

Reads the landing CSVs directly (newest row per Id, as staging does) so the measure depends only
on the generator and on ``models_ml.identity``, not on the rest of the pipeline.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
import us
from identity_world import pair_quality

from models_ml.identity import resolve_accounts

sample_world = pytest.importorskip("sample_world.world")


def _current(root: Path, folder: str, id_column: str) -> pd.DataFrame:
    frames = [pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""])
              for path in sorted((root / folder).glob("*.csv*"))]
    rows = pd.concat(frames, ignore_index=True)
    rows["_modified"] = pd.to_datetime(rows["LastModifiedDate"], utc=True, errors="coerce", format="mixed")
    return rows.sort_values("_modified", kind="stable").drop_duplicates(id_column, keep="last")


def _state_code(value: object) -> str | None:
    if pd.isna(value):
        return None
    state = us.states.lookup(str(value).strip())
    return state.abbr if state else str(value).strip().upper()


def _inputs(root: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    crm = _current(root, "crm/accounts", "Id")
    vendor = _current(root, "vendor/firmographics", "Company_Id")
    crm_input = pd.DataFrame({
        "account_id": crm["Id"], "account_name": crm["Name"], "website": crm["Website"],
        "billing_street": crm["BillingStreet"], "billing_city": crm["BillingCity"],
        "state_code": crm["BillingState"].map(_state_code), "postal_code": crm["BillingPostalCode"],
        "is_customer": crm["Type"].fillna("").str.lower().str.startswith("customer"),
        "created_date": pd.to_datetime(crm["CreatedDate"], utc=True, format="mixed").dt.tz_localize(None),
    })
    vendor_input = pd.DataFrame({
        "company_id": vendor["Company_Id"], "company_name": vendor["Company_Name"],
        "website": vendor["Website"], "street": vendor["Street"], "city": vendor["City"],
        "state_code": vendor["State"].map(_state_code), "postal_code": vendor["Postal_Code"],
        "parent_company_id": vendor["Parent_Company_Id"], "ultimate_parent_id": vendor["Ultimate_Parent_Id"],
    })
    return crm_input, vendor_input


@pytest.mark.quality
def test_sample_world_precision_recall(tmp_path):
    sample_world.generate("S", 11, tmp_path)
    crm, vendor = _inputs(tmp_path)
    truth = pd.read_csv(tmp_path / "_truth" / "matches.csv", dtype=str)

    result = resolve_accounts(crm, vendor, match_threshold=0.92)

    quality = pair_quality(result.entity_matches, truth)
    assert quality["precision"] >= 0.98, quality
    assert quality["f1"] >= 0.97, quality
    true_duplicates = int((truth.groupby("Company_Id").size() - 1).sum())
    listed = set(result.crm_duplicates["crm_account_id"])
    assert len(listed & set(truth["CRM_Id"])) >= 0.95 * true_duplicates
