"""One scoring run: train and register when due, score the live snapshot, explain, rank; the tables to publish.

The steps live in their own modules; this one only wires them in the order a run needs, so the
Dagster asset stays a thin read-call-write and a notebook can reproduce a run with one call.
The scores come from the active readiness version (pinned, else the newest), so a pin or a
rollback changes what is published without retraining.

Scoring runs every week; training does not (:func:`retrain_reason`). Between retrains the active
readiness version scores the new week's snapshot and the quality gate reads the figures it was
stored with, so the blocking checks still answer every run. The fit model keeps the readiness
model's cadence: it is trained and registered in the same runs, with the out-of-fold scores it
published, and the weeks in between reuse those scores. Fit describes who a company is, which
moves slowly, and a company's fit score then holds still between retrains instead of jumping
each week; scoring with the stored model trained on every company would not do: on the small
synthetic market it puts customers 18 points higher (mean fit_score 71.7 against 54.1 out of fold)
because it has seen them. Only a company the fit model has never seen (new since the retrain)
is scored by that model, and placed on the published scale among the companies it knows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pandas as pd

from models_ml.scoring.drift import population_stability_index
from models_ml.scoring.explain import fit_reasons, top_reasons
from models_ml.scoring.features import FeatureSpec, feature_spec
from models_ml.scoring.features_sql import build_snapshots
from models_ml.scoring.fit import FitResult, train_fit_model
from models_ml.scoring.inputs import ScoringInputs
from models_ml.scoring.personas import DEFAULT_PERSONA_RULES, PersonaRule, score_contacts
from models_ml.scoring.priority import assign_priority, estimate_potential
from models_ml.scoring.quality import GateResult, readiness_gate
from models_ml.scoring.readiness import DEFAULT_SAMPLING, NegativeSampling, model_matrix, published_figures, train_readiness
from models_ml.scoring.reason_cache import ReasonCache
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
                       "calibration_error", "auc_protocol", "is_active", "inputs_fresh", "stale_sources"]


@dataclass
class ScoringOutput:
    account_priority: pd.DataFrame
    contact_priority: pd.DataFrame
    model_performance: pd.DataFrame
    trained_version: str | None
    active_version: str
    readiness_metrics: dict
    gate: list[GateResult] = field(default_factory=list)
    score_psi: float = float("nan")
    reason_cache: pd.DataFrame | None = None


def run_scoring(inputs: ScoringInputs, accounts: pd.DataFrame, contacts: pd.DataFrame, as_of: date,
                horizon_days: int, registry: ModelRegistry, potential: pd.Series | None = None,
                previous_scores: pd.Series | None = None, explain_tiers: tuple[str, ...] = ("A", "B"),
                num_threads: int = 1, step_days: int = 28,
                persona_rules: tuple[PersonaRule, ...] = DEFAULT_PERSONA_RULES, retrain: bool = True,
                stale_sources: tuple[str, ...] | None = None,
                sampling: NegativeSampling = DEFAULT_SAMPLING,
                reason_cache: ReasonCache | None = None) -> ScoringOutput:
    """Score every account and contact as of ``as_of``; with ``retrain``, train and register readiness and fit first.

    Without ``retrain`` nothing is trained or stored (unless no usable fit model is stored): the active
    version scores and the gate judges its stored figures. ``stale_sources`` (the weekly sources
    that missed the latest week, in words; None: not measured) goes on the active readiness row of
    ``model_performance``. ``sampling`` says how readiness training samples its negatives when the
    training set is large. ``reason_cache`` (last run's, :mod:`models_ml.scoring.reason_cache`) spares
    the SHAP work for rows explained before with the same model and values; this run's entries come
    back in ``reason_cache`` of the output.
    """
    published = registry.published(READINESS)
    previous_metrics = registry.metadata(READINESS, published).get("metrics") if published else None
    trained_version = None
    if retrain:
        spec = feature_spec(inputs, as_of)
        trained = train_readiness(inputs, spec, as_of, horizon_days, step_days=step_days, num_threads=num_threads,
                                  sampling=sampling)
        trained_version = save_readiness(registry, trained.model, as_of, {
            "metrics": trained.metrics, "backtest": trained.origins, "train_rows": trained.train_rows,
            "training_window": list(trained.training_window), "horizon_days": horizon_days,
            "negative_sampling": trained.negative_sampling})
    model, meta = load_readiness(registry)
    metrics = trained.metrics if retrain else dict(meta.get("metrics", {}))

    live = build_snapshots([as_of], inputs, model.spec, use_crm_customer_flag=True).set_index("account_key")
    live["readiness_probability"] = model.predict(live)
    fit = _fit(registry, live, model.spec, as_of, retrain, num_threads)
    for name in fit.scores.columns:
        live[name] = fit.scores[name].reindex(live.index)
    live["potential_usd"] = estimate_potential(inputs.companies, inputs.opportunities, potential)

    table = accounts.drop_duplicates("account_key").set_index("account_key")
    table = table.drop(columns=[c for c in table.columns if c in live.columns and c != "is_customer"])
    table = _inner_join(table, live, rsuffix="_live")
    table["is_customer"] = table["is_customer_live"] > 0 if "is_customer_live" in table else table["is_customer"] > 0
    table = assign_priority(table)
    explained = table["priority_tier"].isin(explain_tiers)
    table["top_reasons"] = pd.Series(pd.NA, index=table.index, dtype="string")
    table.loc[explained, "top_reasons"] = top_reasons(model, table[explained], cache=reason_cache)
    table["fit_reasons"] = pd.Series(pd.NA, index=table.index, dtype="string")
    table.loc[explained, "fit_reasons"] = fit_reasons(fit, model.spec, table[explained], cache=reason_cache)
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
        model_performance=model_performance(registry, stale_sources), trained_version=trained_version,
        active_version=meta["model_version"], readiness_metrics=metrics,
        gate=readiness_gate(metrics, previous_metrics), score_psi=psi,
        reason_cache=reason_cache.entries() if reason_cache is not None else None)


def _inner_join(left: pd.DataFrame, right: pd.DataFrame, rsuffix: str) -> pd.DataFrame:
    """``left.join(right, how="inner", rsuffix=rsuffix).reset_index()`` for two frames indexed by unique keys.

    Built column by column, each taken once by position, the float columns straight into one
    block: at a million accounts and a hundred columns pandas' join and ``reset_index`` each
    copied the whole frame again (12 s, against about three this way).
    """
    positions = right.index.get_indexer(left.index)
    matched = positions >= 0
    rows, taken = np.flatnonzero(matched), positions[matched]
    sources = [(left.index.name, left.index.to_series(), rows)]
    sources += [(name, left[name], rows) for name in left.columns]
    sources += [(name + rsuffix if name in left.columns else name, right[name], taken) for name in right.columns]
    floats = [(name, column, at) for name, column, at in sources if column.dtype == np.float64]
    block = np.empty((len(floats), len(rows)))
    for i, (_, column, at) in enumerate(floats):
        np.take(column.to_numpy(), at, out=block[i])
    frame = pd.DataFrame(block.T, columns=[name for name, _, _ in floats], copy=False)
    for position, (name, column, at) in enumerate(sources):
        if column.dtype != np.float64:
            frame.insert(position, name, _take(column, at))
    return frame


def _take(column: pd.Series, positions: np.ndarray):
    if isinstance(column.dtype, np.dtype):
        return column.to_numpy()[positions]
    return column.array.take(positions)


def _fit(registry: ModelRegistry, live: pd.DataFrame, spec: FeatureSpec, as_of: date, retrain: bool,
         num_threads: int) -> FitResult:
    """The fit scores: trained and registered with readiness, else those of the active stored version.

    A stored version that kept no scores, knows none of today's companies or reads features the
    live snapshot lacks (it was trained beside another readiness version) is replaced by a new one.
    """
    version = None if retrain else registry.active_version(FIT)
    if version is not None:
        meta = registry.metadata(FIT, version)
        stored = registry.stored_scores(FIT, version)
        if (stored is not None and stored.index.isin(live.index).any()
                and set(meta["features"]) <= set(live.columns)):
            return _stored_fit(registry, version, meta, stored, live)
    customers = live["is_customer"] > 0
    fit = train_fit_model(live, customers, spec, num_threads=num_threads)
    registry.save(FIT, fit.booster, {"metrics": fit.metrics, "features": fit.features,
                                     "train_rows": int(fit.metrics["rows"])}, as_of,
                  scores=fit.scores.assign(labelled=customers.reindex(fit.scores.index).fillna(False)))
    return fit


def _stored_fit(registry: ModelRegistry, version: str, meta: dict, stored: pd.DataFrame,
                live: pd.DataFrame) -> FitResult:
    """The stored version's published scores; a company it never saw scored by its model trained on every company.

    That model has seen the customers it learned from and scores them higher than out of fold, so a
    newcomer is placed among the companies that were not customers then: its quantile among their
    predictions by the same model becomes the same quantile of their published ``fit_score``.
    """
    booster = registry.load_booster(FIT, version)
    features = list(meta["features"])
    label_frequency = float(meta["metrics"]["label_frequency"])
    known = stored.reindex(live.index)
    scores = known[["fit_probability", "fit_score"]].copy()
    unseen = ~live.index.isin(stored.index)
    if unseen.any():
        raw = booster.predict(model_matrix(live, features))
        reference = ~unseen & ~known["labelled"].eq(True).to_numpy()
        reference = reference if reference.any() else ~unseen
        quantile = np.searchsorted(np.sort(raw[reference]), raw[unseen], side="right") / reference.sum()
        scores.loc[unseen, "fit_probability"] = np.clip(raw[unseen] / label_frequency, 0.0, 1.0)
        scores.loc[unseen, "fit_score"] = np.quantile(scores.loc[reference, "fit_score"], quantile).round(1)
    return FitResult(scores=scores, booster=booster, features=features, label_frequency=label_frequency,
                     metrics=dict(meta["metrics"]))


def retrain_reason(registry: ModelRegistry, as_of: date, horizon_days: int, every_days: int,
                   psi_above: float | None) -> str | None:
    """Why this run trains a new readiness model, or None when the active version scores it.

    The cadence runs on the newest stored version, pinned or not, so training keeps its rhythm while
    a pin freezes the scores (and an old pin does not set off a retrain every week). A run retrains
    when no version is stored; when the newest was trained for another horizon; when it is
    ``every_days`` or more older than ``as_of`` (a run at an earlier as_of, a backfill, scores with
    it: the history is scored by one model); when, without a pin, it never passed the quality gate,
    so a failed model is retried next week instead of blocking publication until the cadence comes
    round; and when the last run, at an earlier as_of, found the active version's scores drifting
    (PSI against its own scores the run before) beyond ``psi_above``. Re-running a week never
    retrains for drift, so a re-run changes nothing.
    """
    versions = registry.versions(READINESS)
    if not versions:
        return "no readiness model is stored"
    newest = versions[-1]
    meta = registry.metadata(READINESS, newest)
    if meta.get("horizon_days") != horizon_days:
        return f"{newest} predicts {meta.get('horizon_days')} days ahead, the settings ask for {horizon_days}"
    age = (as_of - date.fromisoformat(meta["as_of"])).days
    if age >= every_days:
        return f"{newest} was trained as of {meta['as_of']}, {age} days before {as_of} (retrain every {every_days} days)"
    if registry.pinned(READINESS) is None and registry.published(READINESS) != newest:
        return f"{newest} has not passed the quality gate"
    last = registry.last_scoring(READINESS) or {}
    psi = last.get("score_psi")
    if (psi_above is not None and psi is not None and psi > psi_above
            and last.get("version") == registry.active_version(READINESS)
            and date.fromisoformat(last["as_of"]) < as_of):
        return f"the scores of {last['version']} drifted by PSI {psi:.3f} on {last['as_of']} (threshold {psi_above})"
    return None


def record_scoring(registry: ModelRegistry, version: str, as_of: date, score_psi: float) -> None:
    """Remember this run for the next one's :func:`retrain_reason`.

    The PSI is drift only when the previous scores came from the same version; across a change of
    model it measures the change, so it is stored as not measured. A re-run of a week or a run at an
    earlier as_of leaves the record as it was.
    """
    last = registry.last_scoring(READINESS)
    if last is not None and date.fromisoformat(last["as_of"]) >= as_of:
        return
    same_model = last is not None and last["version"] == version
    registry.record_scoring(READINESS, version, as_of, score_psi if same_model else None)


def model_performance(registry: ModelRegistry, stale_sources: tuple[str, ...] | None = None) -> pd.DataFrame:
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

    ``inputs_fresh`` and ``stale_sources`` describe this run's scores, so they sit on the active
    readiness row only: whether every weekly source delivered the latest week, and the ones that did
    not. They are not a property of the version: its training snapshots are at least a horizon old,
    long delivered, and a version trained in a late week scores the next, complete one as well.
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
                         **{k: figures.get(k) for k in PERFORMANCE_COLUMNS[4:-3]},
                         "is_active": version == active})
    frame = pd.DataFrame(rows, columns=PERFORMANCE_COLUMNS)
    frame["inputs_fresh"] = pd.Series(pd.NA, index=frame.index, dtype="boolean")
    frame["stale_sources"] = pd.Series(pd.NA, index=frame.index, dtype="string")
    scoring_row = (frame["model_name"] == READINESS) & frame["is_active"]
    if stale_sources is not None:
        frame.loc[scoring_row, "inputs_fresh"] = not stale_sources
        frame.loc[scoring_row, "stale_sources"] = "; ".join(stale_sources) if stale_sources else pd.NA
    frame["trained_at"] = pd.to_datetime(frame["trained_at"], utc=True).dt.tz_localize(None)
    return frame
