"""The stages of one ``terrain run``: wall time from Dagster's event log, CPU and memory from samples.

Each step's start and end come from the run's records in the data root's Dagster instance
(``<data>/dagster_home``, ``DagsterInstance.get_run_step_stats``), not from its console output.
``terrain run`` executes its steps one at a time in its own process, so a stage's wall time is the
sum of its steps' durations, and at any moment at most one stage is running. CPU seconds between
two samples of the run's process tree (see :mod:`benchmarks.sampler`) go to the stage running at
their midpoint; a stage's peak memory is the largest sample taken while it ran. Time between and
around steps (start-up, Dagster's bookkeeping, the run summary) is the stage ``outside steps``.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from benchmarks.sampler import Sample

MAIN_JOB = "terrain_main"
OUTSIDE = "outside steps"
STAGES = ("ingest", "dbt staging", "entity resolution", "dbt market models", "scoring", "territory design",
          "dbt scored models + publish")
STEP_STAGES = {"weekly_sources_delivered_latest_week": "ingest", "dbt_staging": "dbt staging", "entity_resolution": "entity resolution",
               "dbt_market": "dbt market models", "dbt_weekly": "dbt market models", "scoring": "scoring", "territory_design": "territory design",
               "dbt_scored": "dbt scored models + publish"}
STAGE_PREFIXES = (("raw__", "ingest"), ("reference__", "ingest"), ("serving__", "dbt scored models + publish"))
OTHER = "other steps"


@dataclass(frozen=True)
class Step:
    key: str
    start: float
    end: float

    @property
    def stage(self) -> str:
        return stage_of(self.key)


def stage_of(step_key: str) -> str:
    """The stage a step belongs to: raw loads, the checks on what was delivered and the reference tables are ingest."""
    if step_key in STEP_STAGES:
        return STEP_STAGES[step_key]
    for prefix, stage in STAGE_PREFIXES:
        if step_key.startswith(prefix):
            return stage
    return OTHER


def run_steps(data_dir: Path) -> tuple[str, list[Step]]:
    """The newest ``terrain_main`` run on the data root's Dagster instance and its steps' start and end.

    ``DAGSTER_HOME`` is pointed at that instance first, as the ``terrain`` commands do: its storage
    finds its files from it.
    """
    import dagster as dg

    from orchestration.automation.instance import dagster_home

    home = dagster_home(data_dir)
    os.environ["DAGSTER_HOME"] = str(home)
    instance = dg.DagsterInstance.from_config(str(home))
    try:
        records = instance.get_run_records(filters=dg.RunsFilter(job_name=MAIN_JOB), limit=1)
        if not records:
            raise LookupError(f"no {MAIN_JOB} run recorded under {data_dir}")
        run_id = records[0].dagster_run.run_id
        stats = instance.get_run_step_stats(run_id)
    finally:
        instance.dispose()
    steps = [Step(s.step_key, s.start_time, s.end_time) for s in stats if s.start_time and s.end_time]
    return run_id, sorted(steps, key=lambda step: step.start)


def _stage_at(steps: Sequence[Step], moment: float) -> str:
    for step in steps:
        if step.start <= moment <= step.end:
            return step.stage
    return OUTSIDE


def stage_table(steps: Sequence[Step], samples: Sequence[Sample], run_wall: float, run_cpu: float) -> list[dict]:
    """One row per stage, in pipeline order, then ``outside steps``: wall s, CPU s, peak MB, steps.

    ``run_wall`` is the whole run's, measured around its process, and ``run_cpu`` the tree's CPU at
    the last sample; the outside row takes what the stages do not account for.
    """
    names = list(STAGES) + ([OTHER] if any(step.stage == OTHER for step in steps) else [])
    rows = {name: {"stage": name, "wall_s": 0.0, "cpu_s": 0.0, "peak_mb": None, "steps": 0} for name in names}
    for step in steps:
        rows[step.stage]["wall_s"] += step.end - step.start
        rows[step.stage]["steps"] += 1
    for before, after in zip(samples, samples[1:], strict=False):
        stage = _stage_at(steps, (before.at + after.at) / 2)
        if stage in rows:
            rows[stage]["cpu_s"] += after.cpu_seconds - before.cpu_seconds
    for sample in samples:
        stage = _stage_at(steps, sample.at)
        if stage in rows:
            peak = rows[stage]["peak_mb"]
            rows[stage]["peak_mb"] = sample.memory_mb if peak is None else max(peak, sample.memory_mb)
    outside_samples = [s.memory_mb for s in samples if _stage_at(steps, s.at) == OUTSIDE]
    outside = {"stage": OUTSIDE, "wall_s": run_wall - sum(row["wall_s"] for row in rows.values()),
               "cpu_s": run_cpu - sum(row["cpu_s"] for row in rows.values()),
               "peak_mb": max(outside_samples) if outside_samples else None, "steps": 0}
    table = [*rows.values(), outside]
    for row in table:
        row["wall_s"], row["cpu_s"] = round(row["wall_s"], 2), round(row["cpu_s"], 2)
        row["peak_mb"] = None if row["peak_mb"] is None else round(row["peak_mb"])
    return table
