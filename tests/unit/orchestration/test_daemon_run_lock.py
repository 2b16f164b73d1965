"""Runs the daemon launches hold the data root like ``terrain run`` does: a run worker waits for a
command that holds it, and a command's own in-process job does not wait for itself."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time
from pathlib import Path

import dagster as dg

from orchestration.automation.data_root_lock import data_root_lock, read_holder
from orchestration.resources import TerrainPaths

REPO_ROOT = Path(__file__).resolve().parents[3]
HOLDER_COMMAND = "terrain plan --scenario drill"
RUN_WORKER = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    import dagster as dg
    from orchestration.resources import TerrainPaths

    @dg.asset
    def touched(paths: TerrainPaths) -> None:
        (Path(paths.data_dir) / "touched").write_text(repr(time.time()))
        print("holder:", (Path(paths.data_dir) / "terrain.lock").read_text(), flush=True)

    result = dg.materialize([touched], resources={"paths": TerrainPaths(landing_dir=sys.argv[2], data_dir=sys.argv[1])})
    sys.exit(0 if result.success else 1)
""")


@dg.asset
def touched_here(paths: TerrainPaths) -> None:
    (Path(paths.data_dir) / "touched").write_text("here")


def test_a_run_worker_waits_for_the_command_that_holds_the_data_root(tmp_path):
    data = tmp_path / "data"
    with data_root_lock(data, HOLDER_COMMAND):
        worker = subprocess.Popen([sys.executable, "-c", RUN_WORKER, str(data), str(tmp_path / "landing")],
                                  cwd=REPO_ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        waited = []
        for line in worker.stderr:
            waited.append(line)
            if "waiting for the data root" in line:
                break
        time.sleep(1.0)
        assert worker.poll() is None and not (data / "touched").exists()
        released_at = time.time()
    out, err = worker.communicate(timeout=120)
    assert worker.returncode == 0, "".join(waited) + err
    assert "in use by pid " in "".join(waited) and HOLDER_COMMAND in "".join(waited)
    assert float((data / "touched").read_text()) > released_at
    assert '"command": "dagster run' in out  # the worker held the data root while its step ran
    assert read_holder(data).pid is None  # and gave it back when the run ended


def test_a_job_a_command_executes_in_its_own_process_does_not_wait_for_itself(tmp_path):
    data = tmp_path / "data"
    with data_root_lock(data, "terrain run"):
        result = dg.materialize([touched_here], resources={
            "paths": TerrainPaths(landing_dir=str(tmp_path / "landing"), data_dir=str(data))})
        assert result.success and (data / "touched").read_text() == "here"
        assert read_holder(data).command == "terrain run"
