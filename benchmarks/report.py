"""BENCHMARKS.md's section for one ``make bench``: each stage of ``terrain run`` beside its floor.

The section is rendered from the bench's result dict alone (the same dict that goes to
``bench_results.jsonl``), so what the file says is what was measured, and the rendering can be
tested on a result made by hand.
"""

from __future__ import annotations

from pathlib import Path

HOW = ("Wall time per stage is the sum of its steps' durations in the run's Dagster event log; CPU "
       "seconds and peak memory come from sampling the run's process tree every {interval} s (`/proc`: each "
       "process's own CPU time, kept after it exits; memory is the tree's proportional set size, so a spike "
       "shorter than the interval can be missed). `outside steps` is start-up, Dagster's bookkeeping between "
       "steps and the run summary. Floors are measured in the same bench after the run, on the run's own "
       "landing files and a copy of its warehouse (`benchmarks/ingest_floor.py`, `direct_sql.py`, "
       "`scoring_floor.py`); the last stage's floor is its dbt models alone, without the publish step. "
       "The data root is built from nothing, so every stage does a first week's full work.")


def _number(value: float | None, digits: int = 1) -> str:
    return "–" if value is None else f"{value:,.{digits}f}"


def _ratio(wall: float, floor: float | None) -> str:
    return "–" if not floor else f"{wall / floor:.1f}x"


def stage_rows(result: dict) -> list[str]:
    rows = []
    for stage in result["stages"]:
        floor = stage.get("floor") or {}
        rows.append(f"| {stage['stage']} | {_number(stage['wall_s'])} | {_number(stage['cpu_s'])} | "
                    f"{_number(stage['peak_mb'], 0)} | {floor.get('name', '–')} | {_number(floor.get('seconds'), 2)} | "
                    f"{_ratio(stage['wall_s'], floor.get('seconds'))} |")
    return rows


def render_section(result: dict) -> str:
    """The markdown section for one bench result: heading, the stage table with totals, how it was measured."""
    run, stages = result["run"], result["stages"]
    floored = [s for s in stages if s.get("floor")]
    floor_total = sum(s["floor"]["seconds"] for s in floored)
    floored_wall = sum(s["wall_s"] for s in floored)
    peaks = [s["peak_mb"] for s in stages if s["peak_mb"] is not None]
    date = result["measured_at"][:16].replace("T", " ")
    lines = [
        f"## `make bench` at {result['size']}, seed {result['seed']}, commit {result['commit']} ({date} UTC)",
        "",
        f"`terrain run` on a fresh data root: {run['wall_s']:,.1f} s wall, {run['cpu_s']:,.1f} s CPU for its "
        f"process tree ({run['kernel_cpu_s']:,.1f} s by the kernel's count for the run process and the children "
        f"it waited for), exit {run['exit_code']}, largest process {run['peak_rss_mb']:,.0f} MB resident "
        f"(kernel's peak); "
        f"load average {result['load_before']:.2f} before, {result['load_after']:.2f} after.",
        "",
        "| stage | wall s | CPU s | peak MB | floor | floor s | ratio |",
        "| --- | ---: | ---: | ---: | --- | ---: | ---: |",
        *stage_rows(result),
        f"| **total** | **{run['wall_s']:,.1f}** | **{run['cpu_s']:,.1f}** | "
        f"**{_number(max(peaks) if peaks else None, 0)}** | stages with a floor: {floored_wall:,.1f} s | "
        f"**{floor_total:,.2f}** | **{_ratio(floored_wall, floor_total)}** |",
        "",
        HOW.format(interval=result.get("sample_interval_s", 0.5)),
    ]
    lines += incremental_lines(result)
    extras = []
    if result.get("generate_seconds") is not None:
        extras.append(f"generation {result['generate_seconds']:,.1f} s")
    if result.get("national_plan_seconds") is not None:
        extras.append(f"national territory plan (`python -m models_ml.territory.bench`) "
                      f"{result['national_plan_seconds']:,.1f} s")
    if extras:
        lines += ["", "Also in this bench: " + "; ".join(extras) + "."]
    return "\n".join(lines) + "\n"


def incremental_lines(result: dict) -> list[str]:
    """The weekly incremental run measured after the full one, when the bench made one."""
    week = result.get("incremental")
    if not week:
        return []
    run = week["run"]
    rows = [f"| {stage['stage']} | {_number(stage['wall_s'])} | {_number(stage['cpu_s'])} | {_number(stage['peak_mb'], 0)} |"
            for stage in week["stages"] if stage["wall_s"]]
    return ["", f"Then {', '.join(week['delivered'])} delivered and `terrain run` again ({week['refresh']}): "
                f"{run['wall_s']:,.1f} s wall, {run['cpu_s']:,.1f} s CPU, largest process {run['peak_rss_mb']:,.0f} MB; "
                f"{week['share_of_full']:.0%} of the full run's wall time.",
            "", "| stage (incremental) | wall s | CPU s | peak MB |", "| --- | ---: | ---: | ---: |", *rows]


def append_section(path: Path, result: dict) -> str:
    """Append ``result``'s section to the markdown file at ``path``, after one blank line."""
    section = render_section(result)
    existing = path.read_text(encoding="utf-8") if path.exists() else ""
    separator = "" if not existing else ("\n" if existing.endswith("\n") else "\n\n")
    with path.open("a", encoding="utf-8") as out:
        out.write(separator + section)
    return section
