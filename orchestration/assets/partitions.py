"""Weekly partitions: the weeks the weekly sources deliver, and what is built from them week by week.

Intent (Bombora, G2) and marketing activity (activities, lead scores) arrive a week at a time. Their
raw tables and the dbt models built per week from them (``int_intent_weekly``, ``intent_weekly``,
``int_account_engagement_weekly``) are partitioned by Monday-start week, so the UI shows which weeks
are in, a new week is built on its own, and a year of history is one run over a range of weeks
(``BackfillPolicy.single_run``: each asset runs once for the whole range, not once per week).
Everything else (companies, territories, scores of the latest week, the plan) is one table, rebuilt
when what it reads changes.

Weeks start in 2015: older intent is no longer a buying signal, and a partition set that reaches
back further would only lengthen the UI's week bar. The last partition is the week in progress, so
a Monday-morning export with Monday's activities has a week to land in.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import dagster as dg

FIRST_WEEK = date(2015, 1, 5)
WEEKLY_PARTITIONS = dg.WeeklyPartitionsDefinition(start_date=FIRST_WEEK.isoformat(), day_offset=1, end_offset=1)
WEEKLY_BACKFILL = dg.BackfillPolicy.single_run()

WEEK_COLUMNS = {"intent_bombora": "week_start", "intent_g2": "date", "map_activities": "activity_ts",
                "map_scores": "scored_at"}
"""The weekly sources (raw table -> the column that dates a row)."""
WEEKLY_SOURCES = [dg.AssetKey(["raw", table]) for table in WEEK_COLUMNS]

RANGE_START_TAG = "dagster/asset_partition_range_start"
RANGE_END_TAG = "dagster/asset_partition_range_end"


def week_key(monday: date) -> str:
    return monday.isoformat()


def range_tags(first_week: date, last_week: date) -> dict[str, str]:
    """The tags of one run over the weeks ``first_week`` .. ``last_week`` (Mondays, both included)."""
    return {RANGE_START_TAG: week_key(first_week), RANGE_END_TAG: week_key(last_week)}


def last_partition_week(now: datetime | None = None) -> date:
    """The Monday of the newest week partition that exists at ``now`` (the week in progress)."""
    if now is None:
        return date.fromisoformat(WEEKLY_PARTITIONS.get_last_partition_key())
    with dg.partition_loading_context(effective_dt=now):
        return date.fromisoformat(WEEKLY_PARTITIONS.get_last_partition_key())


def clip_to_partitions(first_week: date, last_week: date, now: datetime | None = None) -> tuple[date, date]:
    """``first_week`` .. ``last_week`` within the weeks that are partitions (2015 to the week in progress)."""
    newest = last_partition_week(now)
    first = min(max(first_week, FIRST_WEEK), newest)
    last = min(max(last_week, first), newest)
    return first, last


def window_weeks(context: dg.AssetExecutionContext) -> tuple[date, date]:
    """The first and last Monday of the weeks this run builds."""
    window = context.partition_time_window
    return window.start.date(), (window.end - timedelta(days=7)).date()
