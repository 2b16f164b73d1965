"""The run the landing sensor and the Monday schedule ask the daemon for: what ``terrain run`` would start.

Both plan with :func:`orchestration.automation.refresh.plan_refresh`, keep the plan as the run's
pending record (the ``record_successful_refresh`` sensor makes it the last refresh when the run
succeeds), and request the main job: every asset when the plan is full, else the weekly refresh of
the sources that delivered (:mod:`orchestration.assets.selections`), over the plan's weeks.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from pathlib import Path

import dagster as dg

from orchestration.assets.selections import weekly_refresh_keys
from orchestration.automation.refresh import DATA_DIR_TAG, Refresh, plan_refresh, run_fingerprint, write_pending


def request_refresh(repository_def: dg.RepositoryDefinition | None, landing_dir: str | Path, data_dir: str | Path,
                    run_key: str, tags: Mapping[str, str], now: datetime | None = None) -> tuple[Refresh, dg.RunRequest]:
    """Plan the run starting now on ``landing_dir`` -> ``data_dir``, write its pending record, and build its request.

    ``repository_def`` (the code location's) resolves an incremental run's assets. ``run_key`` is the
    launcher's: Dagster starts one run per key (per tick for a schedule), so a tick evaluated twice
    starts one run; the record the second evaluation writes is never completed.
    """
    landing, data = Path(landing_dir), Path(data_dir)
    digest = run_fingerprint()
    refresh = plan_refresh(landing, data, digest, now=now)
    write_pending(data, refresh, landing, digest)
    selection = None if refresh.full else weekly_refresh_keys(repository_def.asset_graph, refresh.sources)
    request = dg.RunRequest(run_key=run_key, asset_selection=selection,
                            tags={**tags, **refresh.tags(), DATA_DIR_TAG: str(data.resolve())})
    return refresh, request
