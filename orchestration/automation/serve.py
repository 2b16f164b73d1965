"""``terrain serve``: the Dagster webserver and daemon of one data root, kept up together.

The daemon is what evaluates the schedule and the landing sensor and launches queued runs; the
webserver alone never starts a run on its own. ``terrain ui`` runs both through ``dagster dev``,
which is meant for a workstation; on a server the two run as their own processes, and this command
starts them, forwards a stop to both, and exits (non-zero) as soon as either one dies so that a
service manager such as systemd restarts the pair.
"""

from __future__ import annotations

import signal
import subprocess
import time
from pathlib import Path

POLL_SECONDS = 1.0
STOP_SECONDS = 30


def serve_commands(bin_dir: Path, workspace: Path, host: str, port: int) -> list[list[str]]:
    """The daemon and the webserver, both on ``workspace`` and the exported ``DAGSTER_HOME``."""
    return [[str(bin_dir / "dagster-daemon"), "run", "-w", str(workspace)],
            [str(bin_dir / "dagster-webserver"), "-w", str(workspace), "-h", host, "-p", str(port)]]


def _stop(processes: list[subprocess.Popen]) -> None:
    for process in processes:
        if process.poll() is None:
            process.terminate()
    deadline = time.monotonic() + STOP_SECONDS
    for process in processes:
        try:
            process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def run_together(commands: list[list[str]], cwd: Path) -> int:
    """Run ``commands`` until one exits or a stop signal arrives; the first exit code (0 on a stop)."""
    stopping = False

    def request_stop(signum, frame):
        nonlocal stopping
        stopping = True

    previous = {sig: signal.signal(sig, request_stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    processes = [subprocess.Popen(command, cwd=cwd) for command in commands]
    try:
        while not stopping:
            exited = [process for process in processes if process.poll() is not None]
            if exited:
                code = exited[0].returncode
                return code if code else 1
            time.sleep(POLL_SECONDS)
        return 0
    finally:
        _stop(processes)
        for sig, handler in previous.items():
            signal.signal(sig, handler)
