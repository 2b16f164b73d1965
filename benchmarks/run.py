"""``make bench``: measure Terrain at a given size, each stage in its own process, ratios side by side.

Stages: sample-world generation, the whole ``terrain run`` (per-step times from Dagster's own
log), the market dbt models against the same compiled SQL run directly in DuckDB, and a national
territory plan. Peak memory is the largest resident set of the stage's process tree. Results are
printed and appended as JSON lines to ``bench_results.jsonl`` for BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
STEP_DONE = re.compile(r'Finished execution of step "([^"]+)" in ([0-9.]+)(ms|s|m)')


def _peak_children_mb() -> float:
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def timed(label: str, command: list[str], env: dict | None = None) -> dict:
    """Run one stage in a fresh process; wall time, peak memory and its output."""
    started = time.perf_counter()
    done = subprocess.run(command, cwd=REPO, env={**os.environ, **(env or {})}, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        print(done.stdout[-3000:], done.stderr[-3000:], file=sys.stderr)
        raise SystemExit(f"{label} failed with exit code {done.returncode}")
    return {"stage": label, "seconds": round(elapsed, 1), "peak_mb_so_far": round(_peak_children_mb()),
            "output": done.stdout + done.stderr}


def step_times(log: str) -> dict[str, float]:
    scale = {"ms": 0.001, "s": 1.0, "m": 60.0}
    return {name: round(float(value) * scale[unit], 1) for name, value, unit in STEP_DONE.findall(log)}


def dbt_versus_direct(data: Path) -> dict:
    """The market models through dbt, then the same compiled SQL straight into DuckDB."""
    env = {"TERRAIN_DUCKDB_PATH": str(data / "warehouse" / "terrain.duckdb"), "PATH": f"{BIN}:{os.environ['PATH']}"}
    select = ["--select", "path:models/intermediate path:models/marts", "--exclude", "source:scoring+"]
    dbt = [str(BIN / "dbt"), "--quiet"]
    project = ["--project-dir", "dbt_project", "--profiles-dir", "dbt_project"]
    through_dbt = timed("dbt run (market models)", dbt + ["run", *select, *project], env)
    timed("dbt compile", dbt + ["compile", *select, *project], env)
    direct = timed("same SQL in DuckDB", [sys.executable, "-m", "benchmarks.direct_sql", str(data)], env)
    return {"dbt_seconds": through_dbt["seconds"], "direct_seconds": direct["seconds"],
            "ratio": round(through_dbt["seconds"] / max(direct["seconds"], 1e-9), 2),
            "direct_detail": direct["output"].strip().splitlines()[-1:]}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", default="S", choices=["S", "M", "L"])
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--root", default=str(REPO / "bench_data"))
    args = parser.parse_args(argv)
    root = Path(args.root) / args.size
    landing, data = root / "landing", root / "data"
    results = {"size": args.size, "seed": args.seed, "measured_at": datetime.now(UTC).isoformat(timespec="seconds")}
    if not (landing / "_truth").exists():
        generated = timed("terrain sample", [str(BIN / "terrain"), "sample", "--size", args.size, "--seed",
                                             str(args.seed), "--out", str(landing)])
        results["generate_seconds"] = generated["seconds"]
    run = timed("terrain run", [str(BIN / "terrain"), "run", "--landing", str(landing), "--data", str(data)],
                {"PATH": f"{BIN}:{os.environ['PATH']}"})
    results["run_seconds"] = run["seconds"]
    results["run_peak_mb"] = run["peak_mb_so_far"]
    results["steps"] = step_times(run["output"])
    results["dbt_vs_direct"] = dbt_versus_direct(data)
    plan = timed("national territory plan", [sys.executable, "-m", "models_ml.territory.bench"])
    results["national_plan_seconds"] = plan["seconds"]
    results["national_plan"] = plan["output"].strip().splitlines()[-6:]
    print(json.dumps(results, indent=2))
    with (REPO / "bench_results.jsonl").open("a", encoding="utf-8") as out:
        out.write(json.dumps(results) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
