"""What a weekly refresh rebuilds, in one place for the schedule's job, ``terrain run`` and the landing sensor.

A week's deliveries (intent, marketing activity and lead scores) reload their partition and refresh
everything that reads them: the weekly models, the scoring date, the scores with the active model,
history, the CRM file and the serving copy. Territory design is left out: a plan is a decision reps'
books follow for a season, not a figure to redraw because a week of intent moved the scoring date, so
the week's scores are published beside the plan already published. A new CRM, territory or
firmographic file, a changed ``terrain.yaml``, ``terrain run --full`` or ``terrain plan`` designs the
plan again.
"""

from __future__ import annotations

from collections.abc import Iterable

import dagster as dg

from orchestration.assets.partitions import WEEKLY_SOURCES
from orchestration.assets.territories import PLAN_KEYS


def weekly_refresh(sources: Iterable[str] = ()) -> dg.AssetSelection:
    """Every weekly source's load (cheap when nothing new landed, and it carries the source's freshness
    check, which must judge every week) and what depends on ``sources`` (weekly raw tables, e.g.
    ``intent_bombora``; all of them when none is given), but territory design: a week that brought
    Bombora alone does not re-stage the marketing activity, whose weeks are as they were."""
    keys = [dg.AssetKey(["raw", table]) for table in sources] or WEEKLY_SOURCES
    unknown = set(keys) - set(WEEKLY_SOURCES)
    if unknown:
        raise ValueError(f"not weekly sources: {sorted(key.to_user_string() for key in unknown)}")
    return ((dg.AssetSelection.assets(*WEEKLY_SOURCES) | dg.AssetSelection.assets(*keys).downstream())
            - dg.AssetSelection.assets(*PLAN_KEYS.values()))


WEEKLY_REFRESH = weekly_refresh()


def weekly_refresh_keys(asset_graph, sources: Iterable[str] = ()) -> list[dg.AssetKey]:
    """The asset keys of :func:`weekly_refresh` in ``asset_graph``, in a stable order."""
    return sorted(weekly_refresh(sources).resolve(asset_graph), key=lambda key: key.to_user_string())
