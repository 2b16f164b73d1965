"""The `_truth/` files follow CONTRACT.md section 5 and the hidden process leaves learnable signal."""

from __future__ import annotations

import pandas as pd
from sample_world_helpers import read_landing
from sklearn.metrics import roc_auc_score

TRUTH_COLUMNS = {
    "matches.csv": ["Company_Id", "CRM_Id"],
    "outcomes.csv": ["Company_Id", "CRM_Id", "Is_Customer", "New_Opportunity", "as_of", "horizon_days"],
    "propensity.csv": ["Company_Id", "CRM_Id", "propensity"],
    "personas.csv": ["Id", "persona"],
    "territory_assignment.csv": ["CRM_Id", "Company_Id", "Territory_Id"],
}


def _truth(out, name) -> pd.DataFrame:
    return pd.read_csv(out / "_truth" / name, dtype=str, keep_default_na=False)


def test_truth_files_have_contract_columns(world):
    out, _ = world
    for name, columns in TRUTH_COLUMNS.items():
        assert list(_truth(out, name).columns)[: len(columns)] == columns, name


def test_persona_truth_covers_every_contact(world):
    out, _ = world
    contacts = read_landing(out / "crm/contacts")
    personas = _truth(out, "personas.csv")
    assert set(personas["Id"]) == set(contacts["Id"])
    assert set(personas["persona"]) == {"executive buyer", "technical evaluator", "champion", "end user", "other"}


def test_outcomes_cover_the_universe_and_crm_only_accounts(world):
    out, summary = world
    outcomes = _truth(out, "outcomes.csv")
    assert (outcomes["Company_Id"] != "").sum() == summary["companies"]
    assert ((outcomes["Company_Id"] == "") & (outcomes["CRM_Id"] != "")).any()
    assert set(outcomes["horizon_days"]) == {"90"} and set(outcomes["as_of"]) == {summary["as_of"]}


def test_oracle_auc_is_high_but_not_perfect(world):
    out, _ = world
    joined = _truth(out, "outcomes.csv").merge(_truth(out, "propensity.csv"), on=["Company_Id", "CRM_Id"])
    auc = roc_auc_score(joined["New_Opportunity"].astype(int), joined["propensity"].astype(float))
    assert 0.7 < auc < 0.97


def test_in_market_companies_show_higher_bombora_scores(world):
    out, _ = world
    stage = _truth(out, "buying_stage.csv")
    firmo = read_landing(out / "vendor/firmographics")
    domains = firmo[["Company_Id", "Website"]].dropna()
    domains = domains.assign(Domain=domains["Website"].str.removeprefix("www."))
    bombora = read_landing(out / "intent/bombora")
    latest = bombora.loc[bombora["Composite Score"].notna()].astype({"Composite Score": float})
    per_domain = latest.groupby("Domain")["Composite Score"].mean().rename("score").reset_index()
    scored = domains.merge(per_domain, on="Domain").merge(stage, on="Company_Id")
    in_market = scored["buying_stage"] != "dormant"
    assert scored.loc[in_market, "score"].mean() > scored.loc[~in_market, "score"].mean() + 3


def test_territory_truth_follows_the_rules(world):
    out, _ = world
    assignment = _truth(out, "territory_assignment.csv")
    rules = read_landing(out / "territories/rules")
    known = set(rules["Territory_Id"]) | {"UNASSIGNED"}
    assert set(assignment["Territory_Id"]) <= known
    assert (assignment["Territory_Id"] == "UNASSIGNED").any()
    named = rules.loc[rules["Field"] == "Id", "Value"]
    assert set(assignment.loc[assignment["CRM_Id"].isin(named), "Territory_Id"]) == {"ENT-STRATEGIC"}
