"""The weekly refresh on Monday, at the hour and in the time zone ``terrain.yaml`` gives (``schedule``).

It is on from the moment a daemon runs (``terrain ui`` or ``terrain serve``): a team that installs
Terrain gets its weekly scores without finding a switch in the UI. Vendors publish the previous
week's files over the weekend or early on Monday, hence the default 06:00 UTC.

Each tick asks for the run ``terrain run`` would start (:mod:`orchestration.automation.refresh_request`):
a full run of the main job when the plan is full (a first run, a new CRM, territory or firmographic
file, a changed ``terrain.yaml``), else the weekly refresh of the sources that delivered, over their
weeks. A week in which nothing new landed still runs the latest week built: every weekly source's
load carries its freshness check, which must turn red for a vendor that did not deliver. The run's
pending record becomes the data root's last refresh when it succeeds. The run key is the week the
tick refreshes, whatever the plan: a tick evaluated twice starts one run.
"""

from __future__ import annotations

from datetime import date, timedelta

import dagster as dg

from orchestration.automation.instance import source_tags
from orchestration.automation.refresh_request import request_refresh
from orchestration.ingest.weeks import monday_of
from orchestration.resources import TerrainPaths
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
    """``job`` (the main job) every Monday at ``settings.hour`` in ``settings.timezone``, running by default,
    for what landed up to the week that ended the day before."""

    @dg.schedule(
        name=SCHEDULE_NAME,
        job=job,
        cron_schedule=f"0 {settings.hour} * * 1",
        execution_timezone=settings.timezone,
        default_status=dg.DefaultScheduleStatus.RUNNING,
        tags=source_tags("schedule"),
        description=f"Monday {settings.hour:02d}:00 {settings.timezone} (terrain.yaml schedule), after the vendors "
                    "publish the previous week's files: what `terrain run` would do, the new weeks and what depends "
                    "on them, or everything after a new CRM file or a changed terrain.yaml.",
    )
    def weekly_refresh(context: dg.ScheduleEvaluationContext, paths: TerrainPaths) -> dg.RunRequest:
        week = previous_week(context.scheduled_execution_time.date())
        refresh, request = request_refresh(context.repository_def, paths.landing_dir, paths.data_dir,
                                           weekly_run_key(week), source_tags("schedule"),
                                           now=context.scheduled_execution_time)
        context.log.info(f"requesting a {refresh.describe()}")
        return request

    return weekly_refresh


def weekly_run_key(week: date) -> str:
    """One key per week, not per plan: Dagster starts one run per key and tick."""
    return f"week-{week.isoformat()}"


def previous_week(day: date) -> date:
    """The Monday of the Monday-to-Sunday week before the one ``day`` falls in."""
    return monday_of(day) - timedelta(days=7)
