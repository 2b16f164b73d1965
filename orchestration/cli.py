"""The ``terrain`` command: sample, run, plan and ui (CONTRACT.md section 1)."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
MAIN_JOB = "terrain_main"


def _resolve_dirs(landing: str | None, data: str | None) -> tuple[Path, Path]:
    data_dir = Path(data or os.environ.get("TERRAIN_DATA_DIR") or "data").resolve()
    landing_dir = Path(landing or os.environ.get("TERRAIN_LANDING_DIR") or (data_dir / "landing")).resolve()
    return landing_dir, data_dir


def _prepare_environment(landing_dir: Path, data_dir: Path, as_of: str | None = None) -> None:
    """Export the paths every part reads, and give Dagster a persistent home under the data root."""
    from orchestration.resources import export_environment

    export_environment(data_dir, landing_dir)
    home = Path(os.environ.get("DAGSTER_HOME") or data_dir / "dagster_home").resolve()
    home.mkdir(parents=True, exist_ok=True)
    os.environ["DAGSTER_HOME"] = str(home)
    if as_of:
        os.environ["TERRAIN_AS_OF"] = as_of


def cmd_sample(args: argparse.Namespace) -> int:
    from sample_world import generate

    out = Path(args.out).resolve()
    started = time.perf_counter()
    summary = generate(args.size, args.seed, out)
    print(f"Sample world {args.size} (seed {args.seed}) written to {out} in {time.perf_counter() - started:.1f}s")
    for key, value in summary.items():
        if key != "files":
            print(f"  {key}: {value}")
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    landing_dir, data_dir = _resolve_dirs(args.landing, args.data)
    if not landing_dir.is_dir():
        print(f"terrain run: landing zone {landing_dir} does not exist", file=sys.stderr)
        return 2
    if args.as_of:
        try:
            date.fromisoformat(args.as_of)
        except ValueError:
            print(f"terrain run: --as-of must be a date YYYY-MM-DD, got {args.as_of!r}", file=sys.stderr)
            return 2
    _prepare_environment(landing_dir, data_dir, args.as_of)
    from orchestration.run_report import print_summary
    from orchestration.settings import SettingsError, load_settings

    try:
        load_settings()
    except SettingsError as exc:
        print(f"terrain run: invalid settings: {exc}", file=sys.stderr)
        return 2
    import dagster as dg

    from orchestration.definitions import defs

    print(f"Terrain: landing {landing_dir} -> data {data_dir}", flush=True)
    started = time.perf_counter()
    result = defs.get_job_def(MAIN_JOB).execute_in_process(
        instance=dg.DagsterInstance.get(),
        run_config={"loggers": {"console": {"config": {"log_level": args.log_level}}}},
        raise_on_error=False,
    )
    elapsed = time.perf_counter() - started
    return print_summary(result, data_dir, elapsed)


def cmd_plan(args: argparse.Namespace) -> int:
    _, data_dir = _resolve_dirs(None, args.data)
    _prepare_environment(data_dir / "landing", data_dir)
    from orchestration.planning.command import run_plan_command

    return run_plan_command(args, data_dir)


def cmd_model(args: argparse.Namespace) -> int:
    from orchestration.model_command import run_model_command

    _, data_dir = _resolve_dirs(None, args.data)
    return run_model_command(args, data_dir)


def cmd_ui(args: argparse.Namespace) -> int:
    landing_dir, data_dir = _resolve_dirs(args.landing, args.data)
    _prepare_environment(landing_dir, data_dir)
    from orchestration.assets.dbt import ensure_manifest

    ensure_manifest()
    command = [str(Path(sys.executable).parent / "dagster"), "dev", "-w", str(REPO_ROOT / "workspace.yaml"),
               "-h", "127.0.0.1", "-p", str(args.port)]
    print(f"Dagster UI on http://127.0.0.1:{args.port} (Ctrl-C to stop)", flush=True)
    return subprocess.call(command, cwd=REPO_ROOT)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="terrain", description="Open sales territory planning.")
    sub = parser.add_subparsers(dest="command", required=True)

    sample = sub.add_parser("sample", help="write a realistic sample landing zone with its ground truth")
    sample.add_argument("--size", choices=["S", "M", "L"], default="S")
    sample.add_argument("--seed", type=int, default=7)
    sample.add_argument("--out", required=True)
    sample.set_defaults(func=cmd_sample)

    run = sub.add_parser("run", help="materialize every asset through Dagster")
    run.add_argument("--landing")
    run.add_argument("--data")
    run.add_argument("--as-of", dest="as_of")
    run.add_argument("--log-level", default="INFO", choices=["DEBUG", "INFO", "WARNING", "ERROR"])
    run.set_defaults(func=cmd_run)

    plan = sub.add_parser("plan", help="design a what-if territory plan on the latest scored data")
    plan.add_argument("--scenario", required=True)
    plan.add_argument("--data")
    plan.add_argument("--tolerance", type=float)
    plan.add_argument("--workload-tolerance", type=float, help="allowed deviation of each territory's workload, e.g. 0.1")
    plan.add_argument("--disruption-weight", type=float, dest="disruption_weight")
    plan.add_argument("--balance-metric", choices=["potential", "workload", "accounts"], dest="balance_metric")
    plan.add_argument("--territories", action="append", default=[], metavar="SEGMENT=N",
                      help="territories for a segment, e.g. --territories SMB=12 (repeatable)")
    plan.add_argument("--lock", action="append", default=[], metavar="CRM_ACCOUNT_ID")
    plan.add_argument("--publish", action="store_true", help="make this plan the published one")
    plan.add_argument("--log-level", default="WARNING", choices=["DEBUG", "INFO", "WARNING", "ERROR"],
                      help="Dagster's log on stderr while the scenario runs")
    plan.set_defaults(func=cmd_plan)

    model = sub.add_parser("model", help="list, pin, unpin or roll back scoring model versions")
    model.add_argument("action", choices=["list", "pin", "unpin", "rollback"])
    model.add_argument("--name", default="readiness", choices=["readiness", "fit"])
    model.add_argument("--version")
    model.add_argument("--data")
    model.set_defaults(func=cmd_model)

    ui = sub.add_parser("ui", help="open the Dagster UI on 127.0.0.1")
    ui.add_argument("--landing")
    ui.add_argument("--data")
    ui.add_argument("--port", type=int, default=3000)
    ui.set_defaults(func=cmd_ui)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
