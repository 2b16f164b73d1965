"""One scoring run: train, register, score the live snapshot, explain, rank; the tables to publish.

The steps live in their own modules; this one only wires them in the order a run needs, so the
Dagster asset stays a thin read-call-write and a notebook can reproduce a run with one call.
The scores come from the active readiness version (pinned, else the model just trained), so a
pin or a rollback changes what is published without retraining.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import pandas as pd

from models_ml.scoring.drift import population_stability_index
from models_ml.scoring.explain import fit_reasons, top_reasons
from models_ml.scoring.features import build_snapshot, feature_spec
from models_ml.scoring.fit import train_fit_model
from models_ml.scoring.inputs import ScoringInputs
from models_ml.scoring.personas import DEFAULT_PERSONA_RULES, PersonaRule, score_contacts
from models_ml.scoring.priority import assign_priority, estimate_potential
from models_ml.scoring.quality import GateResult, readiness_gate
from models_ml.scoring.readiness import published_figures, train_readiness
from models_ml.scoring.registry import READINESS, ModelRegistry, load_readiness, save_readiness

FIT = "fit"
ACCOUNT_COLUMNS = ["account_key", "crm_account_id", "vendor_company_id", "account_name", "domain", "country", "state",
                   "postal_code", "county_fips", "naics_code", "segment", "territory_id", "owner_user_id",
                   "is_customer", "motion", "fit_score", "intent_score", "engagement_score",
                   "readiness_probability", "priority_rank", "priority_tier", "top_reasons", "fit_reasons", "as_of_date",
                   "model_version", "potential_usd", "expected_value_usd", "has_open_opportunity"]
CONTACT_COLUMNS = ["contact_id", "account_key", "crm_account_id", "full_name", "title", "persona",
                   "persona_fit_score", "engagement_score", "map_score_normalized", "contact_score",
                   "rank_in_account", "is_opted_out", "as_of_date"]
PERFORMANCE_COLUMNS = ["model_name", "model_version", "trained_at", "train_rows", "auc", "backtest_auc", "pr_auc",
                       "top_decile_lift", "baseline_auc_intent_only", "baseline_auc_map_only",
                       "calibration_error", "auc_protocol", "is_active"]


@dataclass
class ScoringOutput:
    account_priority: pd.DataFrame
    contact_priority: pd.DataFrame
    model_performance: pd.DataFrame
    trained_version: str
    active_version: str
    readiness_metrics: dict
    gate: list[GateResult] = field(default_factory=list)
    score_psi: float = float("nan")


def run_scoring(inputs: ScoringInputs, accounts: pd.DataFrame, contacts: pd.DataFrame, as_of: date,
                horizon_days: int, registry: ModelRegistry, potential: pd.Series | None = None,
                previous_scores: pd.Series | None = None, explain_tiers: tuple[str, ...] = ("A", "B"),
                num_threads: int = 1, step_days: int = 28,
                persona_rules: tuple[PersonaRule, ...] = DEFAULT_PERSONA_RULES) -> ScoringOutput:
    """Train and register readiness and fit, score every account and contact as of ``as_of``."""
    published = registry.published(READINESS)
    previous_metrics = registry.metadata(READINESS, published).get("metrics") if published else None
    spec = feature_spec(inputs, as_of)
    trained = train_readiness(inputs, spec, as_of, horizon_days, step_days=step_days, num_threads=num_threads)
    trained_version = save_readiness(registry, trained.model, as_of, {
        "metrics": trained.metrics, "backtest": trained.origins, "train_rows": trained.train_rows,
        "training_window": list(trained.training_window), "horizon_days": horizon_days})
    model, meta = load_readiness(registry)

    live = build_snapshot(as_of, inputs, model.spec, use_crm_customer_flag=True)
    live["readiness_probability"] = model.predict(live)
    fit = train_fit_model(live, live["is_customer"] > 0, model.spec, num_threads=num_threads)
    registry.save(FIT, fit.booster, {"metrics": fit.metrics, "features": fit.features,
                                     "train_rows": int(fit.metrics["rows"])}, as_of)
    live = live.join(fit.scores)
    live["potential_usd"] = estimate_potential(inputs.companies, inputs.opportunities, potential)

    table = accounts.drop_duplicates("account_key").set_index("account_key")
    table = table.drop(columns=[c for c in table.columns if c in live.columns and c != "is_customer"])
    table = table.join(live, how="inner", rsuffix="_live").reset_index()
    table["is_customer"] = table["is_customer_live"] > 0 if "is_customer_live" in table else table["is_customer"] > 0
    table = assign_priority(table)
    explained = table["priority_tier"].isin(explain_tiers)
    table["top_reasons"] = pd.Series(pd.NA, index=table.index, dtype="string")
    table.loc[explained, "top_reasons"] = top_reasons(model, table[explained])
    table["fit_reasons"] = pd.Series(pd.NA, index=table.index, dtype="string")
    table.loc[explained, "fit_reasons"] = fit_reasons(fit, model.spec, table[explained])
    table["intent_score"] = table["intent_score"].round(1)
    table["readiness_probability"] = table["readiness_probability"].round(6)
    table["as_of_date"] = pd.Timestamp(as_of).date()
    table["model_version"] = meta["model_version"]
    account_priority = table.reindex(columns=ACCOUNT_COLUMNS)

    won_accounts = pd.Index(live.index[live["is_customer"] > 0])
    scored = score_contacts(as_of, contacts, inputs.activities, inputs.map_scores, won_accounts,
                            opportunities=inputs.opportunities, rules=persona_rules)
    scored["as_of_date"] = pd.Timestamp(as_of).date()
    contact_priority = scored.reindex(columns=CONTACT_COLUMNS)

    psi = float("nan")
    if previous_scores is not None and len(previous_scores):
        psi = population_stability_index(previous_scores, account_priority["readiness_probability"])
    return ScoringOutput(
        account_priority=account_priority, contact_priority=contact_priority,
        model_performance=model_performance(registry), trained_version=trained_version,
        active_version=meta["model_version"], readiness_metrics=trained.metrics,
        gate=readiness_gate(trained.metrics, previous_metrics), score_psi=psi)


def model_performance(registry: ModelRegistry) -> pd.DataFrame:
    """One row per stored model version, with its quality figures and whether it is active.

    For readiness, ``auc`` is the forward measurement: the model trained only on snapshots whose
    labels were known at ``as_of - horizon``, scored at that date, measured on the opportunities
    opened up to ``as_of``. ``pr_auc`` (average precision), ``top_decile_lift`` (positive rate in the
    top 10% of scores over the overall rate), ``calibration_error`` (expected calibration error over
    ten equal-count bins) and the two baselines (AUC of the intent score alone, of the best MAP lead
    score alone) are measured on the same accounts. ``backtest_auc`` is the mean AUC over the rolling
    backtest origins, the forward one included. ``auc_protocol`` says how ``auc`` was measured:
    ``forward``, ``forward_overlapping_labels`` (a history shorter than two horizons: trained on
    snapshots whose labels overlap the test window, tested on accounts kept out of training), or, for
    the fit model, ``pu_labelled_vs_unlabelled`` (customers against every other company, out of fold).
    """
    rows = []
    for name in (READINESS, FIT):
        active = registry.active_version(name)
        for version in registry.versions(name):
            meta = registry.metadata(name, version)
            figures = published_figures(meta) if name == READINESS else {
                "auc": meta.get("metrics", {}).get("pu_auc_labelled_vs_unlabelled"),
                "auc_protocol": "pu_labelled_vs_unlabelled"}
            rows.append({"model_name": name, "model_version": version, "trained_at": meta.get("trained_at"),
                         "train_rows": meta.get("train_rows"),
                         **{k: figures.get(k) for k in PERFORMANCE_COLUMNS[4:-1]},
                         "is_active": version == active})
    frame = pd.DataFrame(rows, columns=PERFORMANCE_COLUMNS)
    frame["trained_at"] = pd.to_datetime(frame["trained_at"], utc=True).dt.tz_localize(None)
    return frame
