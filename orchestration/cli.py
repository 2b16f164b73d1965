"""The ``terrain`` command: sample, run, plan, model, ui and serve (CONTRACT.md section 1)."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]


def _resolve_dirs(landing: str | None, data: str | None) -> tuple[Path, Path]:
    """The data root, and the landing zone: given, else ``$TERRAIN_LANDING_DIR``, else the one the
    data root was built from (``<data root>/terrain_run.json``), else ``<data root>/landing``."""
    from orchestration.automation.instance import remembered_landing

    data_dir = Path(data or os.environ.get("TERRAIN_DATA_DIR") or "data").resolve()
    chosen = landing or os.environ.get("TERRAIN_LANDING_DIR") or remembered_landing(data_dir) or data_dir / "landing"
    return Path(chosen).resolve(), data_dir


def _prepare_environment(landing_dir: Path, data_dir: Path, as_of: str | None = None) -> None:
    """Export the paths every part reads, and use the data root's own Dagster instance.

    ``DAGSTER_HOME`` is always ``<data root>/dagster_home``, so run, plan, ui and serve on one data
    root share one run history whatever the shell exported.
    """
    from orchestration.automation.instance import prepare_dagster_home
    from orchestration.resources import export_environment

    export_environment(data_dir, landing_dir)
    prepare_dagster_home(data_dir)
    if as_of:
        os.environ["TERRAIN_AS_OF"] = as_of


def _holding_data_root(name: str, command: str, data_dir: Path, wait: bool, work: Callable[[], int]) -> int:
    """Run ``work`` as the data root's only writer: exit 2 when the data root cannot be written, and
    3 when another ``terrain run`` or ``terrain plan`` holds it (unless ``wait``), before any step runs."""
    from orchestration.automation.data_root_lock import (
        DataRootBusy,
        DataRootNotWritable,
        data_root_lock,
        require_writable,
    )

    try:
        require_writable(data_dir)
    except DataRootNotWritable as exc:
        print(f"terrain {name}: {exc}", file=sys.stderr)
        return 2

    def announce(busy: DataRootBusy) -> None:
        print(f"terrain {name}: waiting: the data root {busy.data_dir} is in use by {busy.holder.describe()}",
              file=sys.stderr, flush=True)

    try:
        with data_root_lock(data_dir, command, wait=wait, on_wait=announce):
            return work()
    except DataRootBusy as exc:
        print(f"terrain {name}: {exc}", file=sys.stderr)
        return 3


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
    from orchestration.automation.landing import LandingZoneEmpty, require_landing_files

    landing_dir, data_dir = _resolve_dirs(args.landing, args.data)
    try:
        files = require_landing_files(landing_dir)
    except LandingZoneEmpty as exc:
        print(f"terrain run: {exc}", file=sys.stderr)
        return 2
    if args.as_of:
        try:
            date.fromisoformat(args.as_of)
        except ValueError:
            print(f"terrain run: --as-of must be a date YYYY-MM-DD, got {args.as_of!r}", file=sys.stderr)
            return 2
    return _holding_data_root("run", "terrain run", data_dir, args.wait,
                              lambda: _run_main_job(args, landing_dir, data_dir, files))


def _run_main_job(args: argparse.Namespace, landing_dir: Path, data_dir: Path, files: dict) -> int:
    _prepare_environment(landing_dir, data_dir, args.as_of)
    from orchestration.run_report import print_summary
    from orchestration.settings import SettingsError, load_settings

    try:
        load_settings()
    except SettingsError as exc:
        print(f"terrain run: invalid settings: {exc}", file=sys.stderr)
        return 2
    import dagster as dg

    from orchestration.automation.disk_full import disk_full_message, exception_texts, step_failure_texts
    from orchestration.automation.instance import MAIN_JOB, fail_abandoned_runs, remember_landing, source_tags
    from orchestration.automation.refresh import REFRESH_ID_TAG, complete_refresh, discard_refresh, plan_refresh, run_fingerprint, write_pending
    from orchestration.automation.resume import RunIdentity, execute_resumed
    from orchestration.definitions import defs, incremental_selection

    remember_landing(data_dir, landing_dir, files)
    print(f"Terrain: landing {landing_dir} -> data {data_dir}", flush=True)
    instance = dg.DagsterInstance.get()
    for run_id in fail_abandoned_runs(instance):
        abandoned = instance.get_run_by_id(run_id)
        if abandoned is not None and REFRESH_ID_TAG in abandoned.tags:
            discard_refresh(data_dir, abandoned.tags[REFRESH_ID_TAG])
        print(f"Run {run_id} stopped before it finished; marked failed in the run history.", flush=True)
    digest = run_fingerprint()
    refresh = plan_refresh(landing_dir, data_dir, digest, full_requested=args.full)
    identity = RunIdentity.of(landing_dir, refresh, digest, args.as_of)
    job = defs.get_job_def(MAIN_JOB)
    write_pending(data_dir, refresh, landing_dir, digest)
    print(f"Terrain: {refresh.describe()}", flush=True)
    resume = _resume_or_start_over(instance, job, identity, args.restart)
    run_config = {"loggers": {"console": {"config": {"log_level": args.log_level}}}}
    tags = {**source_tags("cli"), **refresh.tags(), **identity.tags()}
    started = time.perf_counter()
    try:
        if resume is not None:
            result = execute_resumed(resume, instance, run_config, tags)
        else:
            result = job.execute_in_process(
                instance=instance, run_config=run_config, tags=tags,
                asset_selection=None if refresh.full else incremental_selection(refresh.sources),
                raise_on_error=False,
            )
    except Exception as exc:
        discard_refresh(data_dir, refresh.refresh_id)
        full = disk_full_message(exception_texts(exc), data_dir)
        if full is None:
            raise
        print(f"terrain run: {full}", file=sys.stderr)
        return 2
    elapsed = time.perf_counter() - started
    code = print_summary(result, data_dir, elapsed)
    if code == 0:
        complete_refresh(data_dir, refresh.refresh_id)
    else:
        discard_refresh(data_dir, refresh.refresh_id)
    full = disk_full_message(step_failure_texts(result), data_dir)
    if full is not None:
        print(f"terrain run: {full}", file=sys.stderr)
        return 2
    return code


def _resume_or_start_over(instance, job, identity, restart: bool):
    """The stopped run this one resumes (:mod:`orchestration.automation.resume`), said on the console;
    None when it starts from the first step."""
    from orchestration.automation.resume import Resume, StartOver, decide

    decision = decide(instance, job, identity)
    if isinstance(decision, Resume) and restart:
        print(f"Starting over (--restart): run {decision.run_id} is not resumed from step {decision.first_step}",
              flush=True)
        return None
    if isinstance(decision, (Resume, StartOver)):
        print(decision.describe(), flush=True)
    return decision if isinstance(decision, Resume) else None


def cmd_plan(args: argparse.Namespace) -> int:
    landing_dir, data_dir = _resolve_dirs(None, args.data)

    def plan() -> int:
        _prepare_environment(landing_dir, data_dir)
        from orchestration.planning.command import run_plan_command

        return run_plan_command(args, data_dir)

    return _holding_data_root("plan", f"terrain plan --scenario {args.scenario}", data_dir, args.wait, plan)


def cmd_model(args: argparse.Namespace) -> int:
    from orchestration.model_command import run_model_command

    _, data_dir = _resolve_dirs(None, args.data)
    return run_model_command(args, data_dir)


def _serve_environment(args: argparse.Namespace) -> tuple[Path, Path]:
    """The data root's environment for the UI and the daemon; a landing zone given here is remembered."""
    from orchestration.assets.dbt import ensure_manifest
    from orchestration.automation.instance import remember_landing

    landing_dir, data_dir = _resolve_dirs(args.landing, args.data)
    _prepare_environment(landing_dir, data_dir)
    if args.landing:
        remember_landing(data_dir, landing_dir)
    ensure_manifest()
    print(f"Terrain: landing {landing_dir} -> data {data_dir}; Dagster instance {os.environ['DAGSTER_HOME']}",
          flush=True)
    return landing_dir, data_dir


def cmd_ui(args: argparse.Namespace) -> int:
    _serve_environment(args)
    command = [str(Path(sys.executable).parent / "dagster"), "dev", "-w", str(REPO_ROOT / "workspace.yaml"),
               "-h", "127.0.0.1", "-p", str(args.port)]
    print(f"Dagster UI and daemon (schedule, landing sensor) on http://127.0.0.1:{args.port} (Ctrl-C to stop)",
          flush=True)
    return subprocess.call(command, cwd=REPO_ROOT)


def cmd_serve(args: argparse.Namespace) -> int:
    from orchestration.automation.serve import run_together, serve_commands

    _serve_environment(args)
    commands = serve_commands(Path(sys.executable).parent, REPO_ROOT / "workspace.yaml", args.host, args.port)
    print(f"Dagster webserver on http://{args.host}:{args.port} and daemon (schedule, landing sensor, run queue); "
          "stops both when either stops", flush=True)
    return run_together(commands, REPO_ROOT)


LOG_LEVELS = ["DEBUG", "INFO", "WARNING", "ERROR"]
DATA_HELP = "data root: warehouse, Dagster instance, models and outputs (default $TERRAIN_DATA_DIR, else ./data)"
LANDING_HELP = ("landing zone to load (default $TERRAIN_LANDING_DIR, else the one this data root was last built from, "
                "else <data root>/landing)")
WAIT_HELP = ("when another terrain run or terrain plan is writing this data root, wait for it to finish "
             "instead of exiting with code 3")
WATCHED_LANDING_HELP = ("landing zone the schedule and the landing sensor load, remembered for the data root "
                        "(default as for terrain run)")


def build_parser() -> argparse.ArgumentParser:
    """The ``terrain`` command line; every option says what it does, and the data contract page shows it."""
    parser = argparse.ArgumentParser(prog="terrain", description="Open sales territory planning.")
    sub = parser.add_subparsers(dest="command", required=True)

    sample = sub.add_parser("sample", help="write a realistic sample landing zone with its ground truth")
    sample.add_argument("--size", choices=["S", "M", "L"], default="S",
                        help="companies in the world: S about 20 thousand, M a million, L ten million")
    sample.add_argument("--seed", type=int, default=7, help="random seed; the same seed writes the same files")
    sample.add_argument("--out", required=True, metavar="DIR",
                        help="folder the landing zone is written to, with the ground truth in its _truth/ folder")
    sample.set_defaults(func=cmd_sample)

    run = sub.add_parser("run", help="materialize every asset through Dagster")
    run.add_argument("--landing", metavar="DIR", help=LANDING_HELP)
    run.add_argument("--data", metavar="DIR", help=DATA_HELP)
    run.add_argument("--as-of", dest="as_of", metavar="YYYY-MM-DD",
                     help="scoring date of this run (default scoring.as_of in terrain.yaml, else the Sunday that ends "
                          "the latest intent week loaded)")
    run.add_argument("--full", action="store_true",
                     help="rebuild everything; by default a run that finds only new weekly deliveries (intent, "
                          "marketing activity) builds their weeks and what depends on them")
    run.add_argument("--restart", action="store_true",
                     help="start from the first step; by default a run on the same landing files, settings and "
                          "options as a run that was killed or failed resumes it from the step where it stopped")
    run.add_argument("--log-level", default="INFO", choices=LOG_LEVELS, help="Dagster's log on the console during the run")
    run.add_argument("--wait", action="store_true", help=WAIT_HELP)
    run.set_defaults(func=cmd_run)

    plan = sub.add_parser("plan", help="design a what-if territory plan on the latest scored data")
    plan.add_argument("--scenario", required=True, metavar="NAME",
                      help="name the plan is stored under in marts.territory_plan*, beside proposed (the weekly run's plan)")
    plan.add_argument("--data", metavar="DIR", help="data root of a scored run (default $TERRAIN_DATA_DIR, else ./data)")
    plan.add_argument("--tolerance", type=float, metavar="SHARE",
                      help="allowed deviation of each territory from its group's mean on the balance metric, e.g. 0.05 "
                           "(default territory_plan.tolerance in terrain.yaml)")
    plan.add_argument("--workload-tolerance", type=float, metavar="SHARE",
                      help="allowed deviation of each territory's workload, e.g. 0.1 "
                           "(default territory_plan.workload_tolerance in terrain.yaml)")
    plan.add_argument("--disruption-weight", type=float, dest="disruption_weight", metavar="WEIGHT",
                      help="price of moving an account against balance and compactness; higher keeps more accounts "
                           "where they are (default territory_plan.disruption_weight in terrain.yaml)")
    plan.add_argument("--balance-metric", choices=["potential", "workload", "accounts"], dest="balance_metric",
                      help="what territories are balanced on (default territory_plan.balance_metric in terrain.yaml)")
    plan.add_argument("--territories", action="append", default=[], metavar="SEGMENT=N",
                      help="territories for a segment, e.g. --territories SMB=12, over terrain.yaml's counts "
                           "(default: terrain.yaml's, else today's count)")
    plan.add_argument("--lock", action="append", default=[], metavar="CRM_ACCOUNT_ID",
                      help="CRM account kept in today's territory, beside terrain.yaml's locks")
    plan.add_argument("--publish", action="store_true",
                      help="make this plan the published one (CRM file and serving copy) when it passes every "
                           "blocking check; a scenario stored with the same options, on accounts, territories "
                           "and reps no run has rebuilt since, is published as stored, not planned again")
    plan.add_argument("--log-level", default="WARNING", choices=LOG_LEVELS,
                      help="Dagster's log on stderr while the scenario runs")
    plan.add_argument("--wait", action="store_true", help=WAIT_HELP)
    plan.set_defaults(func=cmd_plan)

    model = sub.add_parser("model", help="list, pin, unpin or roll back scoring model versions")
    model.add_argument("action", choices=["list", "pin", "unpin", "rollback"],
                       help="list the versions; pin one (--version) so runs score with it; unpin to score with the "
                            "newest again; rollback pins the version before the active one")
    model.add_argument("--name", default="readiness", choices=["readiness", "fit"],
                       help="the model: readiness to buy within the horizon, or fit to the ideal customer profile")
    model.add_argument("--version", help="version to pin, as terrain model list shows it")
    model.add_argument("--data", metavar="DIR", help="data root whose model registry is read "
                                                     "(default $TERRAIN_DATA_DIR, else ./data)")
    model.set_defaults(func=cmd_model)

    ui = sub.add_parser("ui", help="open the Dagster UI on 127.0.0.1, with the daemon that runs the schedule and the landing sensor")
    ui.add_argument("--landing", metavar="DIR", help=WATCHED_LANDING_HELP)
    ui.add_argument("--data", metavar="DIR", help=DATA_HELP)
    ui.add_argument("--port", type=int, default=3000, help="port of the UI on 127.0.0.1")
    ui.set_defaults(func=cmd_ui)

    serve = sub.add_parser("serve", help="run the Dagster webserver and daemon for a server (schedule, sensor)")
    serve.add_argument("--landing", metavar="DIR", help=WATCHED_LANDING_HELP)
    serve.add_argument("--data", metavar="DIR", help=DATA_HELP)
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on, e.g. 0.0.0.0 behind a proxy")
    serve.add_argument("--port", type=int, default=3000, help="port to listen on")
    serve.set_defaults(func=cmd_serve)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
