"""Freshness of the weekly sources: a vendor that did not deliver the latest week shows as a failed check.

Intent (Bombora, G2) and marketing activity (activities, lead scores) arrive every week; a missing
week does not break a run, it quietly ages the scores, so each weekly raw table carries a check
that fails (severity WARN: the week's scores still publish, and ``terrain run`` still exits 0) when
the source's newest week is older than the latest week.

The latest week is the last full week (Monday to Sunday) on or before the run's ``as_of`` when one
is set (``terrain.yaml`` ``scoring.as_of``, ``terrain run --as-of``): that is the week the scores
describe. Without one it is the newest week any weekly source delivered, so one late vendor is
measured against the others rather than against the calendar (a sample world or a restored backup
is not stale because it is old), but never later than the last full week before today, so a log
exported on Monday morning with a few of Monday's activities does not make every other source late.
A source that never delivered anything is not in use and passes.

A row's week is its date column's Monday (Bombora ``Week``, G2 ``date``, ``activity_ts``,
``scored_at``); a file whose rows carry no date counts for the ISO date in its name, as ingestion
reads Bombora's.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import dagster as dg
import duckdb

from orchestration.assets.partitions import WEEK_COLUMNS, WEEKLY_SOURCES
from orchestration.ingest.registry import SOURCES
from orchestration.ingest.weeks import monday_of, week_from_file_name
from orchestration.resources import SETTINGS_KEY, TerrainPaths, connect_warehouse, terrain_settings
from orchestration.settings import Settings

CHECK_NAME = "delivered_latest_week"
READS = tuple(f"raw.{table}" for table in WEEK_COLUMNS)  # what weekly_freshness reads, for its readers' lineage


@dataclass(frozen=True)
class SourceFreshness:
    """One weekly source's newest delivered week against the latest week."""

    table: str
    latest_week: date | None
    expected_week: date | None

    @property
    def fresh(self) -> bool:
        return self.latest_week is None or self.expected_week is None or self.latest_week >= self.expected_week

    def describe(self) -> str:
        folder = SOURCES[self.table].folder
        if self.latest_week is None:
            return f"{folder}/ has never delivered: not in use"
        if self.fresh:
            return f"{folder}/ delivered the week of {self.latest_week}"
        return (f"{folder}/ has no delivery for the week of {self.expected_week}: its newest week is "
                f"{self.latest_week} ({(self.expected_week - self.latest_week).days // 7} week(s) late)")


def last_full_week(day: date) -> date:
    """The Monday of the last Monday-to-Sunday week that ends on or before ``day``."""
    return monday_of(day + timedelta(days=1)) - timedelta(days=7)


def latest_week(con: duckdb.DuckDBPyConnection, table: str) -> date | None:
    """The newest week ``raw.<table>`` holds a row for (by its date, else its file name's date)."""
    column = WEEK_COLUMNS[table]
    try:
        rows = con.execute(f"select _file_name, max({column})::date from raw.{table} group by _file_name").fetchall()
    except duckdb.CatalogException:
        return None
    weeks = [monday_of(day) if day else week_from_file_name(name) for name, day in rows]
    return max((week for week in weeks if week), default=None)


def weekly_freshness(con: duckdb.DuckDBPyConnection, as_of: date | None, today: date | None = None) -> list[SourceFreshness]:
    """Every weekly source's newest week against the latest week (see the module's docstring)."""
    latest = {table: latest_week(con, table) for table in WEEK_COLUMNS}
    delivered = [week for week in latest.values() if week]
    if as_of is not None:
        expected = last_full_week(as_of)
    elif delivered:
        expected = min(max(delivered), last_full_week(today or date.today()))
    else:
        expected = None
    return [SourceFreshness(table, week, expected) for table, week in latest.items()]


@dg.multi_asset_check(
    specs=[dg.AssetCheckSpec(CHECK_NAME, asset=key, blocking=False,
                             additional_deps=[other for other in WEEKLY_SOURCES if other != key],
                             description=f"{SOURCES[key.path[-1]].folder}/ delivered the latest week: the last full "
                                         "week on or before as_of, else the newest week any weekly source delivered. "
                                         "A warning: the scores still publish, on older intent.")
           for key in WEEKLY_SOURCES],
    name="weekly_sources_delivered_latest_week",
    resource_defs={SETTINGS_KEY: terrain_settings()},
)
def delivered_latest_week(paths: TerrainPaths, settings: dg.ResourceParam[Settings]):
    """One check per weekly source, from one read of each: the latest week depends on all four."""
    with connect_warehouse(paths.warehouse_path) as con:
        freshness = weekly_freshness(con, settings.scoring.as_of)
    weeks = dg.MetadataValue.json({f.table: str(f.latest_week or "none") for f in freshness})
    for mine in freshness:
        yield dg.AssetCheckResult(
            asset_key=dg.AssetKey(["raw", mine.table]),
            check_name=CHECK_NAME,
            passed=mine.fresh,
            severity=dg.AssetCheckSeverity.WARN,
            description=mine.describe(),
            metadata={
                "latest_week": dg.MetadataValue.text(str(mine.latest_week or "none")),
                "expected_week": dg.MetadataValue.text(str(mine.expected_week or "none")),
                "weekly_sources": weeks,
            },
        )


freshness_checks: list[dg.AssetChecksDefinition] = [delivered_latest_week]
