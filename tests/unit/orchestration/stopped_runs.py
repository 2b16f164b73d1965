"""A small asset job shaped like the main one (a load, a model with a blocking check, a publish step)
that a test stops where it likes: a step fails, or kills its own process, or a check fails, as the
file ``<TOY_DIR>/behaviour.json`` says. Every step that starts appends its name to ``<TOY_DIR>/ran.txt``.
Run as a script (data root, refresh tags as JSON) it executes the job once, as ``terrain run`` does."""

from __future__ import annotations

import json
import os
import signal
import sys
from pathlib import Path

import dagster as dg

TOY_DIR = "TOY_DIR"
JOB = "toy_main"


def _behaviour() -> dict:
    path = Path(os.environ[TOY_DIR]) / "behaviour.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


def _step(name: str) -> None:
    with (Path(os.environ[TOY_DIR]) / "ran.txt").open("a", encoding="utf-8") as ran:
        ran.write(name + "\n")
    what = _behaviour().get(name)
    if what == "kill":
        os.kill(os.getpid(), signal.SIGKILL)
    if what == "fail":
        raise RuntimeError(f"{name} failed as told")


@dg.asset
def load() -> None:
    _step("load")


@dg.asset
def reference() -> None:
    _step("reference")


@dg.asset(deps=[load, reference])
def model() -> None:
    _step("model")


@dg.asset_check(asset=model, blocking=True)
def model_rows_add_up() -> dg.AssetCheckResult:
    _step("model_rows_add_up")
    return dg.AssetCheckResult(passed=_behaviour().get("gate", "pass") == "pass", severity=dg.AssetCheckSeverity.ERROR)


@dg.asset(deps=[model])
def publish() -> None:
    _step("publish")


defs = dg.Definitions(assets=[load, reference, model, publish], asset_checks=[model_rows_add_up],
                      jobs=[dg.define_asset_job(JOB, selection=dg.AssetSelection.all())],
                      executor=dg.in_process_executor)


def toy_job() -> dg.JobDefinition:
    return defs.resolve_job_def(JOB)


if __name__ == "__main__":
    instance = dg.DagsterInstance.from_config(sys.argv[1])
    result = toy_job().execute_in_process(instance=instance, tags=json.loads(sys.argv[2]), raise_on_error=False)
    sys.exit(0 if result.success else 1)
