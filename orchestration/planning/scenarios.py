"""What-if territory scenarios: plan, measure against today and a naive split, store side by side.

A scenario is a name plus plan settings. Its rows replace any earlier rows of the same name in
`marts.territory_plan`, `marts.territory_plan_summary` and `marts.territory_plan_metrics`, so
re-running a scenario is idempotent and scenarios never overwrite each other. Only a published
scenario feeds the CRM write-back (`territory.plan_published`).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import duckdb
import pandas as pd
from matplotlib.figure import Figure

from models_ml.territory import PlanSettings, equal_count_split, fairness_metrics, match_reps, plan_territories
from models_ml.territory.charts import balance_figure, county_territories, map_figure, png_bytes
from models_ml.territory.geography import load_adjacency
from models_ml.territory.groups import label_rows, map_groups
from models_ml.territory.metrics import in_reps_books
from models_ml.territory.planner import grouped_inputs
from orchestration.planning.inputs import load_accounts, load_reps, load_territories
from orchestration.planning.review import Verdict, plan_verdicts, publishable
from orchestration.settings import TerritoryPlanSettings

DEFAULT_SCENARIO = "proposed"
PLAN_COLUMNS = ["scenario_id", "account_key", "segment", "current_territory_id", "proposed_territory_id", "moved", "reason"]


@dataclass(frozen=True)
class ScenarioResult:
    scenario_id: str
    accounts: int
    moved: int
    metrics: pd.DataFrame
    charts: list[Path]
    book_accounts: int = 0  # CRM accounts with a territory today: the reps' books
    book_moved: int = 0
    verdicts: tuple[Verdict, ...] = ()
    planned_in_run: str | None = None  # set when a stored plan is published without planning again

    @property
    def publishable(self) -> bool:
        return publishable(list(self.verdicts))


def plan_settings(settings: TerritoryPlanSettings) -> PlanSettings:
    return PlanSettings(
        territories_per_segment=dict(settings.territories_per_segment),
        balance_metric=settings.balance_metric,
        tolerance=settings.tolerance,
        workload_tolerance=settings.workload_tolerance,
        disruption_weight=settings.disruption_weight,
        whitespace_move_weight=settings.whitespace_move_weight,
        compactness_weight=settings.compactness_weight,
        capacity_overflow_weight=settings.capacity_overflow_weight,
        locks=tuple(settings.locks),
    )


def _replace_rows(con: duckdb.DuckDBPyConnection, table: str, frame: pd.DataFrame, scenario_id: str) -> None:
    """Swap one scenario's rows in a table, creating the table from the frame's shape.

    Columns a newer Terrain adds are added to a table an older one created, so the scenarios
    already stored stay beside the new one (their new columns empty).
    """
    con.register("scenario_rows", frame)
    con.execute(f"create table if not exists {table} as select * from scenario_rows limit 0")
    schema, name = table.split(".")
    existing = {row[0] for row in con.execute(
        "select column_name from information_schema.columns where table_schema = ? and table_name = ?",
        [schema, name]).fetchall()}
    for column, column_type in con.execute("select column_name, column_type from (describe scenario_rows)").fetchall():
        if column not in existing:
            con.execute(f'alter table {table} add column "{column}" {column_type}')
    con.execute(f"delete from {table} where scenario_id = ?", [scenario_id])
    con.execute(f"insert into {table} by name select * from scenario_rows")
    con.unregister("scenario_rows")


def _alignment_metrics(assignments, accounts, territories, settings, adjacency, label, groups) -> pd.DataFrame:
    """Metrics of any alignment on the plan's groups, so they sit beside the plan's own rows."""
    frame = fairness_metrics(assignments, accounts, territories, metric=settings.balance_metric,
                             adjacency=adjacency, account_level_segments=settings.account_level_segments,
                             tolerance=settings.tolerance)
    return label_rows(frame, groups).assign(alignment=label)


def _owners(plan, accounts, reps) -> pd.DataFrame:
    matched = match_reps(plan.assignments, accounts, reps)
    summary = plan.summary.merge(matched[["segment", "territory_id", "owner_user_id"]]
                                 .rename(columns={"owner_user_id": "matched_owner"}),
                                 on=["segment", "territory_id"], how="left")
    summary["owner_user_id"] = summary["owner_user_id"].fillna(summary["matched_owner"])
    return summary.drop(columns="matched_owner")


BALANCE_VALUES = {"potential": "potential_usd", "workload": "workload", "accounts": "accounts"}


def _territory_names(territories: pd.DataFrame) -> dict[str, str]:
    """Territory id -> the CRM's territory name, for the charts; territories proposed as new have none."""
    if "territory_name" not in territories:
        return {}
    named = territories[territories["territory_name"].notna()]
    return {str(t): str(n) for t, n in zip(named["territory_id"], named["territory_name"]) if str(n).strip()}


def _loads_before(current: pd.DataFrame, accounts: pd.DataFrame) -> pd.DataFrame:
    """Today's load per segment and territory, in every balance metric the plan may use."""
    joined = current.merge(accounts[["account_key", "potential", "workload"]], on="account_key")
    return joined.groupby(["segment", "current_territory_id"], as_index=False).agg(
        potential_usd=("potential", "sum"), workload=("workload", "sum"), accounts=("account_key", "size")).rename(
        columns={"current_territory_id": "territory_id"})


def chart_figures(plan, accounts, before: pd.DataFrame, settings: PlanSettings, names: dict[str, str] | None = None,
                  counties: pd.DataFrame | None = None) -> Iterator[tuple[str, Figure]]:
    """A map and a balance chart per segment, labelled with territory names, as (file stem, figure).

    The map shows the segment's US geographic territories (its plan group named after the
    segment); a segment with none (named or vertical books, territories abroad) gets no map, as
    its accounts have no county to fill; the balance chart shows all of its territories. Each
    plan group's band is drawn at the tolerance the plan used for it (`tolerance_used`).
    """
    value = BALANCE_VALUES[settings.balance_metric]
    metrics = plan.metrics
    used = (dict(zip(metrics["plan_group"].astype(str), metrics["tolerance_used"].astype(float)))
            if {"plan_group", "tolerance_used"} <= set(metrics.columns) else {})
    summary = plan.summary
    for segment in sorted(summary["segment"].astype(str).unique()):
        slug = segment.lower().replace(" ", "_").replace("/", "_")
        mine = summary[summary["segment"].astype(str) == segment]
        on_map = mine["plan_group"].astype(str).eq(segment) & mine["territory_kind"].eq("geographic")
        map_ids = mine.loc[on_map, "territory_id"].astype(str).tolist()
        if map_ids and len(county_territories(plan.assignments, accounts, segment=segment, territory_ids=map_ids)):
            yield f"map_{slug}", map_figure(plan.assignments, accounts, counties, segment=segment, territory_ids=map_ids,
                                            names=names, title=f"Proposed {segment} territories")
        yield f"balance_{slug}", balance_figure(before[before["segment"].astype(str) == segment], mine, value=value,
                                                tolerance=settings.tolerance, group_tolerance=used, names=names,
                                                segment=segment, title=f"{segment} balance, today and proposed")


def _charts(plan, accounts, before: pd.DataFrame, settings: PlanSettings, folder: Path,
            names: dict[str, str] | None = None, counties: pd.DataFrame | None = None) -> list[Path]:
    """Write the scenario's charts as PNG files; charts an earlier run left and this one did not
    draw (a segment that lost its map) are removed, so the folder shows this plan only."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for stem, figure in chart_figures(plan, accounts, before, settings, names, counties):
        path = folder / f"{stem}.png"
        path.write_bytes(png_bytes(figure))
        written.append(path)
    for stale in {*folder.glob("map_*.png"), *folder.glob("balance_*.png")} - set(written):
        stale.unlink()
    return written


def run_scenario(con: duckdb.DuckDBPyConnection, scenario_id: str, settings: TerritoryPlanSettings,
                 charts_dir: Path, *, publish: bool = False) -> ScenarioResult:
    """Plan one scenario on the latest scored data and store it beside the others."""
    settings_for_plan = plan_settings(settings)
    accounts = load_accounts(con)
    territories = load_territories(con)
    plan = plan_territories(accounts, territories, settings_for_plan)
    adjacency = load_adjacency()

    grouped, grouped_territories, groups = grouped_inputs(accounts, territories)
    on_map = map_groups(groups)
    settings_for_plan = replace(settings_for_plan, account_level_segments=tuple(g for g in groups if g not in on_map))
    current = plan.assignments.assign(proposed_territory_id=plan.assignments["current_territory_id"])
    naive = equal_count_split(grouped, grouped_territories)
    metrics = pd.concat([
        _alignment_metrics(current, grouped, grouped_territories, settings_for_plan, adjacency, "current", groups),
        _alignment_metrics(naive, grouped, grouped_territories, settings_for_plan, adjacency, "equal_count", groups),
        plan.metrics.assign(alignment="proposed"),
    ], ignore_index=True).assign(scenario_id=scenario_id)
    summary = _owners(plan, accounts, load_reps(con)).assign(scenario_id=scenario_id)
    assignments = plan.assignments.assign(scenario_id=scenario_id)[PLAN_COLUMNS]

    charts = _charts(plan, accounts, _loads_before(current, accounts), settings_for_plan, charts_dir / scenario_id,
                     _territory_names(territories))

    verdicts = plan_verdicts(plan.metrics, summary, plan.assignments, accounts, settings_for_plan.tolerance,
                             settings_for_plan.workload_tolerance)
    con.execute("create schema if not exists marts")
    _replace_rows(con, "marts.territory_plan", assignments, scenario_id)
    _replace_rows(con, "marts.territory_plan_summary", summary, scenario_id)
    _replace_rows(con, "marts.territory_plan_metrics", metrics, scenario_id)
    joined = assignments.merge(accounts[["account_key", "in_book"]], on="account_key")
    held = joined[in_reps_books(joined)]
    result = ScenarioResult(scenario_id, len(assignments), int(assignments["moved"].sum()), metrics, charts,
                            len(held), int(held["moved"].sum()), tuple(verdicts))
    record_plan_status(con, scenario_id, verdicts)
    if publish and result.publishable:
        publish_scenario(con, scenario_id)
    return result


def publish_scenario(con: duckdb.DuckDBPyConnection, scenario_id: str) -> int:
    """Make a stored scenario the plan the CRM receives as Proposed_Territory__c."""
    exists = con.execute("select count(*) from marts.territory_plan where scenario_id = ?", [scenario_id]).fetchone()[0]
    if not exists:
        raise ValueError(f"scenario {scenario_id!r} has no stored plan; run `terrain plan --scenario {scenario_id}` first")
    con.execute("create schema if not exists territory")
    con.execute("""create or replace table territory.plan_published as
        select scenario_id, account_key, proposed_territory_id from marts.territory_plan where scenario_id = ?""",
                [scenario_id])
    return exists


PLAN_STATUS_TABLE = "territory.plan_status"


def record_plan_status(con: duckdb.DuckDBPyConnection, scenario_id: str, verdicts: list[Verdict]) -> bool:
    """Store whether a scenario may be published and why not; returns whether it may."""
    ok = publishable(verdicts)
    failed = "; ".join(f"{v.name}: {v.text}" for v in verdicts if v.blocking and not v.passed)
    con.execute("create schema if not exists territory")
    con.execute(f"""create table if not exists {PLAN_STATUS_TABLE} (
        scenario_id varchar, publishable boolean, failed_checks varchar, checked_at timestamp)""")
    con.execute(f"delete from {PLAN_STATUS_TABLE} where scenario_id = ?", [scenario_id])
    con.execute(f"insert into {PLAN_STATUS_TABLE} values (?, ?, ?, current_timestamp)", [scenario_id, ok, failed])
    return ok


def _ensure_plan_table(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("create schema if not exists territory")
    con.execute("""create table if not exists territory.plan_published (
        scenario_id varchar, account_key varchar, proposed_territory_id varchar)""")


def ensure_published_plan(con: duckdb.DuckDBPyConnection, default_publishable: bool = True) -> None:
    """The main run refreshes the default plan's publication unless another scenario was published.

    A scenario published on purpose with ``terrain plan --publish`` stays in force until replaced.
    A default plan that failed a blocking check is not published: the previous plan stays, and
    a warehouse that never had one gets an empty publication, so the CRM file proposes nothing.
    """
    _ensure_plan_table(con)
    chosen = con.execute("select distinct scenario_id from territory.plan_published").fetchall()
    if chosen and chosen[0][0] != DEFAULT_SCENARIO:
        return
    if default_publishable:
        publish_scenario(con, DEFAULT_SCENARIO)

