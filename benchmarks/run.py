"""``make bench``: each stage of ``terrain run`` beside its floor, measured in one bench, appended to BENCHMARKS.md.

Steps: the sample world at the given size (generated once into ``bench_data/<size>/landing``), a
``terrain run`` on a data root built from nothing (its stages from the run's Dagster event log, CPU
and memory from sampling its process tree: :mod:`benchmarks.stages`, :mod:`benchmarks.sampler`),
then the floors on the same landing files and a copy of the run's warehouse (ingestion:
:mod:`benchmarks.ingest_floor`; the three dbt steps: :mod:`benchmarks.direct_sql`; scoring:
:mod:`benchmarks.scoring_floor`), each in its own process, and the national territory plan.
The run starts without the newest Bombora week; once the floors are measured, that file is
delivered and ``terrain run`` measured again: the weekly incremental run beside the full one.
The result goes to ``bench_results.jsonl`` (one JSON line) and, as a section with the stage
table, to the end of BENCHMARKS.md (:mod:`benchmarks.report`).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from benchmarks.report import append_section
from benchmarks.sampler import TreeSampler
from benchmarks.stages import run_steps, stage_table

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
SAMPLE_INTERVAL = 0.5
ENV = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}


def _fail(label: str, log: str) -> None:
    print(log[-3000:], file=sys.stderr)
    raise SystemExit(f"{label} failed")


def timed(label: str, command: list[str]) -> tuple[float, str]:
    """Run one step of the bench in a fresh process; its wall seconds and output."""
    started = time.perf_counter()
    done = subprocess.run(command, cwd=REPO, env=ENV, capture_output=True, text=True)
    if done.returncode != 0:
        _fail(label, done.stdout + done.stderr)
    return round(time.perf_counter() - started, 1), done.stdout


def last_json(output: str) -> dict:
    return json.loads(output.strip().splitlines()[-1])


def measured_run(landing: Path, data: Path, log: Path) -> tuple[dict, list]:
    """``terrain run`` with its process tree sampled: wall, CPU (sampled tree, and the kernel's count for the
    run process and the children it waited for), the largest process's peak resident set, exit code."""
    command = [str(BIN / "terrain"), "run", "--landing", str(landing), "--data", str(data)]
    with log.open("w", encoding="utf-8") as out:
        started = time.perf_counter()
        process = subprocess.Popen(command, cwd=REPO, env=ENV, stdout=out, stderr=subprocess.STDOUT)
        sampler = TreeSampler(process.pid, SAMPLE_INTERVAL).start()
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        samples = sampler.stop()
    run = {"wall_s": round(wall, 2), "cpu_s": round(samples[-1].cpu_seconds if samples else 0.0, 2),
           "kernel_cpu_s": round(usage.ru_utime + usage.ru_stime, 2),
           "peak_rss_mb": round(usage.ru_maxrss / 1024), "exit_code": process.returncode}
    return run, samples


def hold_back_newest_week(landing: Path, aside: Path) -> list[str]:
    """Move the newest Bombora file out of the landing zone (after returning any a stopped bench left aside)."""
    deliver(aside, landing)
    bombora = sorted((landing / "intent" / "bombora").glob("*.csv*"))
    if not bombora:
        return []
    target = aside / bombora[-1].relative_to(landing)
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.move(bombora[-1], target)
    return [target.relative_to(aside).as_posix()]


def deliver(aside: Path, landing: Path) -> None:
    """Put the files held aside back into the landing zone."""
    if not aside.exists():
        return
    for path in sorted(p for p in aside.rglob("*") if p.is_file()):
        destination = landing / path.relative_to(aside)
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(path, destination)
    shutil.rmtree(aside)


def incremental_week(landing: Path, data: Path, root: Path, aside: Path, held: list[str], full_wall: float) -> dict:
    """Deliver the held-back week and measure the incremental ``terrain run`` the way the full one was."""
    deliver(aside, landing)
    run, samples = measured_run(landing, data, root / "terrain_run_incremental.log")
    log = (root / "terrain_run_incremental.log").read_text(encoding="utf-8")
    if run["exit_code"] != 0:
        _fail("incremental terrain run", log)
    _, steps = run_steps(data)
    planned = next((line.split("Terrain: ", 1)[1] for line in log.splitlines() if "incremental run" in line), "")
    return {"run": run, "delivered": held, "refresh": planned, "share_of_full": round(run["wall_s"] / full_wall, 3),
            "stages": stage_table(steps, samples, run["wall_s"], run["cpu_s"])}


def floors(landing: Path, data: Path, scratch: Path) -> dict[str, dict]:
    """Each floor in its own process: stage name -> {name, seconds, detail}."""
    shutil.rmtree(scratch, ignore_errors=True)
    warehouse = scratch / "warehouse" / "terrain.duckdb"
    warehouse.parent.mkdir(parents=True)
    shutil.copy2(data / "warehouse" / "terrain.duckdb", warehouse)
    python = [sys.executable, "-m"]
    _, out = timed("ingest floor", python + ["benchmarks.ingest_floor", str(landing), str(scratch / "ingest.duckdb")])
    ingest = last_json(out)
    _, out = timed("dbt floor", python + ["benchmarks.direct_sql", str(warehouse), str(scratch / "dbt_target")])
    dbt = last_json(out)
    _, out = timed("scoring floor", python + ["benchmarks.scoring_floor", str(warehouse)])
    scoring = last_json(out)

    def sql(detail: dict, what: str) -> str:
        parts = [f"{detail[k]} {k}s" for k in ("seed", "model", "test") if detail.get(k)]
        return f"{what} in DuckDB ({', '.join(parts)})"

    return {
        "ingest": {"name": f"DuckDB read_csv/read_parquet of {ingest['files']} files ({ingest['rows']:,} rows)",
                   "seconds": ingest["seconds"], "detail": ingest},
        "dbt staging": {"name": sql(dbt["dbt staging"], "compiled SQL"), "seconds": dbt["dbt staging"]["seconds"],
                        "detail": dbt["dbt staging"]},
        "dbt market models": {"name": sql(dbt["dbt market models"], "compiled SQL"),
                              "seconds": dbt["dbt market models"]["seconds"], "detail": dbt["dbt market models"]},
        "scoring": {"name": f"LightGBM train, {scoring['rounds']} rounds on {scoring['train_rows']:,} x "
                            f"{scoring['features']}, predict {scoring['predict_rows']:,}",
                    "seconds": scoring["seconds"], "detail": scoring},
        "dbt scored models + publish": {"name": sql(dbt["dbt scored models"], "compiled SQL of the scored models"),
                                        "seconds": dbt["dbt scored models"]["seconds"],
                                        "detail": dbt["dbt scored models"]},
    }


def commit() -> str:
    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=REPO, capture_output=True, text=True).stdout.strip()

    short = git("rev-parse", "--short", "HEAD") or "unknown"
    return f"{short} (with uncommitted changes)" if git("status", "--porcelain", "--untracked-files=no") else short


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", default="S", choices=["S", "M", "L"])
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--root", default=str(REPO / "bench_data"))
    parser.add_argument("--report", default=str(REPO / "BENCHMARKS.md"))
    args = parser.parse_args(argv)
    root = Path(args.root) / args.size
    landing, data = root / "landing", root / "data"
    result = {"size": args.size, "seed": args.seed, "commit": commit(),
              "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
              "sample_interval_s": SAMPLE_INTERVAL, "load_before": round(os.getloadavg()[0], 2)}
    if not (landing / "_truth").exists():
        result["generate_seconds"], _ = timed("terrain sample", [str(BIN / "terrain"), "sample", "--size", args.size,
                                                                 "--seed", str(args.seed), "--out", str(landing)])
    shutil.rmtree(data, ignore_errors=True)
    aside = root / "next_week"
    held = hold_back_newest_week(landing, aside)
    run, samples = measured_run(landing, data, root / "terrain_run.log")
    if run["exit_code"] != 0:
        _fail("terrain run", (root / "terrain_run.log").read_text(encoding="utf-8"))
    result["run"] = run
    result["run_id"], steps = run_steps(data)
    stages = stage_table(steps, samples, run["wall_s"], run["cpu_s"])
    stage_floors = floors(landing, data, root / "floor")
    for stage in stages:
        stage["floor"] = stage_floors.get(stage["stage"])
    result["stages"] = stages
    result["national_plan_seconds"], plan = timed("national territory plan",
                                                  [sys.executable, "-m", "models_ml.territory.bench"])
    result["national_plan"] = plan.strip().splitlines()[-1:]
    if held:
        result["incremental"] = incremental_week(landing, data, root, aside, held, run["wall_s"])
    result["load_after"] = round(os.getloadavg()[0], 2)
    with (REPO / "bench_results.jsonl").open("a", encoding="utf-8") as out:
        out.write(json.dumps(result) + "\n")
    print(append_section(Path(args.report), result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
