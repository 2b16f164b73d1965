"""The weekly refresh on Monday, at the hour and in the time zone ``terrain.yaml`` gives (``schedule``).

It is on from the moment a daemon runs (``terrain ui`` or ``terrain serve``): a team that installs
Terrain gets its weekly scores without finding a switch in the UI. Vendors publish the previous
week's files over the weekend or early on Monday, hence the default 06:00 UTC.
"""

from __future__ import annotations

from datetime import date, timedelta

import dagster as dg

from orchestration.automation.instance import source_tags
from orchestration.automation.refresh import INCREMENTAL, REFRESH_TAG
from orchestration.ingest.weeks import monday_of
from orchestration.settings import ScheduleSettings, SettingsError, load_settings

SCHEDULE_NAME = "weekly_intent_refresh_monday"


def schedule_settings() -> ScheduleSettings:
    """The ``schedule`` settings in force; the defaults when terrain.yaml does not validate (every run
    then fails naming the key, see :func:`orchestration.resources.terrain_settings`)."""
    try:
        return load_settings().schedule
    except SettingsError:
        return ScheduleSettings()


def weekly_schedule(job, settings: ScheduleSettings) -> dg.ScheduleDefinition:
    """``job`` every Monday at ``settings.hour`` in ``settings.timezone``, running by default, for the week
    that ended the day before (its weekly partition)."""

    @dg.schedule(
        name=SCHEDULE_NAME,
        job=job,
        cron_schedule=f"0 {settings.hour} * * 1",
        execution_timezone=settings.timezone,
        default_status=dg.DefaultScheduleStatus.RUNNING,
        tags=source_tags("schedule"),
        description=f"Monday {settings.hour:02d}:00 {settings.timezone} (terrain.yaml schedule), after the vendors "
                    "publish the previous week's files: load the week's intent and marketing activity and refresh "
                    "what depends on it.",
    )
    def weekly_refresh(context: dg.ScheduleEvaluationContext) -> dg.RunRequest:
        week = previous_week(context.scheduled_execution_time.date())
        return dg.RunRequest(run_key=f"week-{week.isoformat()}", partition_key=week.isoformat(),
                             tags={**source_tags("schedule"), REFRESH_TAG: INCREMENTAL})

    return weekly_refresh


def previous_week(day: date) -> date:
    """The Monday of the Monday-to-Sunday week before the one ``day`` falls in."""
    return monday_of(day) - timedelta(days=7)
