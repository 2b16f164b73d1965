"""Scoring assets: account and contact priority, and the model quality behind them.

A thin shell around :func:`models_ml.scoring.run.run_scoring`: read the warehouse, score, write
three marts tables, report metadata. The blocking checks are the quality gate of the readiness
model (better than the intent-only and MAP-only baselines, not clearly worse than the model last
published); when one fails, publishing stops and the serving copy keeps the previous scores.
The ICP's competitor list and the persona rules come from the settings; the tables read are the
reader's (:mod:`models_ml.scoring.load`), and so are the asset's upstream.

Training has its own cadence (``scoring.retrain_every_days``, ``scoring.retrain_when_psi_above``;
:func:`models_ml.scoring.run.retrain_reason` decides and the run's log says why); the other runs
score the week with the active model, and the gate judges its stored figures, so the blocking
checks answer every run.

Scores computed while a weekly source missed the latest week (:mod:`orchestration.assets.freshness`,
the same measure as its checks) say so: ``inputs_fresh`` and ``stale_sources`` in the run's
metadata and on the active readiness row of ``marts.model_performance``.

Owned by data science: what the tables hold is the output of the readiness and fit models, and a
failed quality gate or a drifting score is a question about the models, not the plumbing.
"""

from dataclasses import replace
from datetime import date, timedelta

import dagster as dg
import duckdb
import pandas as pd

from models_ml.scoring import load
from models_ml.scoring.fit import competitor_technology_names
from models_ml.scoring.inputs import ScoringInputs
from models_ml.scoring.load import load_tables, previous_readiness
from models_ml.scoring.reason_cache import read_cache, write_cache
from models_ml.scoring.registry import READINESS, ModelRegistry
from models_ml.scoring.run import record_scoring, retrain_reason, run_scoring
from orchestration.assets import freshness
from orchestration.assets.freshness import SourceFreshness, weekly_freshness
from orchestration.assets.lineage import upstream_of
from orchestration.assets.table_metadata import table_metadata
from orchestration.resources import SETTINGS_KEY, TerrainPaths, connect_warehouse, terrain_settings
from orchestration.settings import IcpSettings, Settings

ACCOUNT_PRIORITY = dg.AssetKey(["marts", "account_priority"])
CONTACT_PRIORITY = dg.AssetKey(["marts", "contact_priority"])
MODEL_PERFORMANCE = dg.AssetKey(["marts", "model_performance"])
OWNERS = ["team:data-science"]
KINDS = {"duckdb", "python", "lightgbm"}
ASSET_DESCRIPTIONS = {
    ACCOUNT_PRIORITY: "Every company in the TAM scored: fit, intent, engagement, readiness to buy within the "
                      "horizon, expected value, priority tier and rank within its territory, and the reasons.",
    CONTACT_PRIORITY: "Every CRM contact with its persona, persona fit, engagement, normalised lead score and rank "
                      "within its account.",
    MODEL_PERFORMANCE: "The readiness and fit models' quality by version: forward AUC, backtest, lift, the "
                       "intent-only and MAP-only baselines, calibration.",
}
CHECKS = {
    "readiness_beats_baselines": "The readiness model ranks accounts better than intent alone and than lead "
                                 "scores alone; blocking.",
    "readiness_auc_not_worse": "The readiness model is not clearly worse than the model last published; blocking.",
}


def scoring_date(configured: date | None, from_warehouse: date | None, intent: pd.DataFrame) -> date:
    """The settings' as_of, else the warehouse's, else the Sunday ending the latest intent week."""
    if configured or from_warehouse:
        return configured or from_warehouse
    latest = pd.to_datetime(intent["week_start"]).max()
    if pd.isna(latest):
        raise ValueError("no as_of configured and no intent week loaded to derive it from")
    return latest.date() + timedelta(days=6)


def with_competitors(inputs: ScoringInputs, icp: IcpSettings) -> ScoringInputs:
    """``inputs`` counting the installs of the products ``icp.competitor_technologies`` names."""
    names = competitor_technology_names(icp.competitor_technologies, inputs.technographics)
    return replace(inputs, competitor_technologies=names) if names else inputs


def stale_in_words(stale: list[SourceFreshness]) -> tuple[str, ...]:
    """Each stale weekly source as ``intent_g2 (newest 2026-11-09, expected 2026-11-16)``."""
    return tuple(f"{f.table} (newest {f.latest_week}, expected {f.expected_week})" for f in stale)


def _write(con: duckdb.DuckDBPyConnection, table: str, frame: pd.DataFrame) -> None:
    con.execute("create schema if not exists marts")
    con.register("frame_to_write", frame)
    con.execute(f"create or replace table marts.{table} as select * from frame_to_write")
    con.unregister("frame_to_write")


@dg.multi_asset(
    specs=[dg.AssetSpec(key, group_name="scoring", deps=upstream_of(load, freshness), description=description,
                        kinds=KINDS, owners=OWNERS)
           for key, description in ASSET_DESCRIPTIONS.items()],
    check_specs=[dg.AssetCheckSpec(name, asset=ACCOUNT_PRIORITY, blocking=True, description=description)
                 for name, description in CHECKS.items()],
    name="scoring",
    description="Apply the active readiness and fit models (training and registering new ones when due); score "
                "contacts; write the marts.",
    resource_defs={SETTINGS_KEY: terrain_settings()},
)
def scoring(context: dg.AssetExecutionContext, paths: TerrainPaths, settings: dg.ResourceParam[Settings]):
    registry = ModelRegistry(paths.data_dir)
    scoring_settings = settings.scoring
    with connect_warehouse(paths.warehouse_path) as con:
        tables = load_tables(con)
        previous = previous_readiness(con)
        reason_cache = read_cache(con)
        freshness = weekly_freshness(con, scoring_settings.as_of)
        stale = [source for source in freshness if not source.fresh]
        as_of = scoring_date(scoring_settings.as_of, tables.as_of, tables.inputs.intent)
        inputs = with_competitors(tables.inputs, settings.icp)
        if settings.icp.competitor_technologies and not inputs.competitor_technologies:
            context.log.warning("icp.competitor_technologies names no technology or category in the technographics")
        for source in stale:
            context.log.warning(f"scoring on stale inputs: {source.describe()}")
        reason = retrain_reason(registry, as_of, scoring_settings.horizon_days, scoring_settings.retrain_every_days,
                                scoring_settings.retrain_when_psi_above)
        context.log.info(f"retraining the readiness and fit models: {reason}" if reason else
                         f"scoring with the active readiness model {registry.active_version(READINESS)}: "
                         "no retrain due")
        output = run_scoring(inputs, tables.accounts, tables.contacts, as_of, scoring_settings.horizon_days,
                             registry, potential=tables.potential, previous_scores=previous,
                             persona_rules=settings.personas.rules, retrain=reason is not None,
                             stale_sources=stale_in_words(stale), reason_cache=reason_cache)
        _write(con, "account_priority", output.account_priority)
        _write(con, "contact_priority", output.contact_priority)
        _write(con, "model_performance", output.model_performance)
        write_cache(con, output.reason_cache)
        tables = {key: table_metadata(con, ".".join(key.path)) for key in ASSET_DESCRIPTIONS}
    context.log.info(f"scored {len(output.account_priority)} accounts as of {as_of} with {output.active_version}; "
                     f"reasons of {reason_cache.hits} explained rows reused, {reason_cache.misses} computed")
    record_scoring(registry, output.active_version, as_of, output.score_psi)
    if all(result.passed for result in output.gate):
        registry.mark_published(READINESS, output.active_version)

    metrics = {k: dg.MetadataValue.float(float(v)) for k, v in output.readiness_metrics.items() if pd.notna(v)}
    tiers = output.account_priority["priority_tier"].value_counts().to_dict()
    if pd.notna(output.score_psi):
        metrics["score_psi"] = dg.MetadataValue.float(float(output.score_psi))
    yield dg.MaterializeResult(asset_key=ACCOUNT_PRIORITY, metadata={
        **tables[ACCOUNT_PRIORITY], "as_of": as_of.isoformat(), "model_version": output.active_version,
        "trained_version": dg.MetadataValue.text(output.trained_version or "none: the active model scored"),
        "retrain_reason": dg.MetadataValue.text(reason or "none"),
        "inputs_fresh": dg.MetadataValue.bool(not stale),
        "stale_sources": dg.MetadataValue.json({source.table: {"latest_week": str(source.latest_week),
                                                               "expected_week": str(source.expected_week)}
                                                for source in stale}),
        **{f"tier_{k}": int(v) for k, v in tiers.items()}, **metrics})
    yield dg.MaterializeResult(asset_key=CONTACT_PRIORITY, metadata={
        **tables[CONTACT_PRIORITY], "ranked": int(output.contact_priority["rank_in_account"].notna().sum())})
    yield dg.MaterializeResult(asset_key=MODEL_PERFORMANCE, metadata=tables[MODEL_PERFORMANCE])
    for result in output.gate:
        yield dg.AssetCheckResult(asset_key=ACCOUNT_PRIORITY, check_name=result.name, passed=result.passed,
                                  description=result.description,
                                  metadata={k: float(v) for k, v in result.metadata.items() if pd.notna(v)})
