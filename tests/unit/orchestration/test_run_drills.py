"""Failure drills of issue 15: two commands on one data root at once, a holder killed with SIGKILL,
and a data folder that cannot be written. Every command here stops before a Dagster step runs."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from orchestration import cli
from orchestration.automation.data_root_lock import LOCK_FILE, DataRootBusy, data_root_lock, read_holder

REPO_ROOT = Path(__file__).resolve().parents[3]
HOLDER_COMMAND = "terrain run --drill"


def _landing(tmp_path: Path) -> Path:
    landing = tmp_path / "landing"
    accounts = landing / "crm" / "accounts" / "accounts.csv"
    accounts.parent.mkdir(parents=True)
    accounts.write_text("Id,Name,OwnerId\n001,Acme,005\n", encoding="utf-8")
    return landing


def _hold(data: Path, seconds: float) -> subprocess.Popen:
    """Another process that holds ``data`` through the lock module for ``seconds``, once it says so."""
    script = textwrap.dedent(f"""
        import time
        from orchestration.automation.data_root_lock import data_root_lock
        with data_root_lock({str(data)!r}, {HOLDER_COMMAND!r}):
            print("held", flush=True)
            time.sleep({seconds})
    """)
    holder = subprocess.Popen([sys.executable, "-c", script], cwd=REPO_ROOT, stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "held"
    return holder


@pytest.fixture
def holder(tmp_path):
    process = _hold(tmp_path / "data", 120)
    yield process
    if process.poll() is None:
        process.kill()
    process.wait(timeout=10)


def test_second_run_refuses_with_the_holder_named(tmp_path, holder, capsys):
    data = tmp_path / "data"
    code = cli.main(["run", "--landing", str(_landing(tmp_path)), "--data", str(data)])
    err = capsys.readouterr().err
    assert code == 3
    assert f"data root {data.resolve()} is in use by pid {holder.pid} ({HOLDER_COMMAND}) since " in err
    assert len(err.strip().splitlines()) == 1
    assert not (data / "dagster_home").exists(), "the refused run prepared the data root"
    assert read_holder(data).pid == holder.pid, "the refused run overwrote the holder's record"


def test_plan_refuses_while_a_run_holds_the_data_root(tmp_path, holder, capsys):
    data = tmp_path / "data"
    assert cli.main(["plan", "--scenario", "drill", "--data", str(data)]) == 3
    assert f"pid {holder.pid} ({HOLDER_COMMAND})" in capsys.readouterr().err


def test_a_killed_holder_leaves_no_stale_lock(tmp_path, holder):
    data = tmp_path / "data"
    with pytest.raises(DataRootBusy) as busy:
        with data_root_lock(data, "terrain plan --scenario drill"):
            pass
    assert busy.value.holder.pid == holder.pid
    holder.send_signal(signal.SIGKILL)
    assert holder.wait(timeout=10) == -signal.SIGKILL
    assert (data / LOCK_FILE).exists()
    with data_root_lock(data, "terrain plan --scenario drill"):
        assert read_holder(data).pid == os.getpid()
        assert read_holder(data).command == "terrain plan --scenario drill"


@pytest.fixture
def environment():
    """The command exports the data root's paths once it holds the lock; later tests must not see them."""
    saved = dict(os.environ)
    yield
    os.environ.clear()
    os.environ.update(saved)


def test_wait_starts_when_the_holder_finishes(tmp_path, capsys, environment):
    data = tmp_path / "data"
    holder = _hold(data, 1.5)
    started = time.monotonic()
    code = cli.main(["plan", "--scenario", "drill", "--data", str(data), "--wait"])
    waited = time.monotonic() - started
    err = capsys.readouterr().err
    assert holder.wait(timeout=10) == 0
    assert f"waiting: the data root {data.resolve()} is in use by pid {holder.pid}" in err
    assert waited >= 0.5, "the command did not wait for the holder"
    assert code == 2 and f"no warehouse at {data.resolve() / 'warehouse'}" in err, \
        "after the wait the plan goes on to its own checks"


def test_data_path_under_a_file_ends_with_the_path(tmp_path, capsys):
    blocker = tmp_path / "not_a_folder"
    blocker.write_text("a file where the data root's parent should be", encoding="utf-8")
    data = blocker / "data"
    code = cli.main(["run", "--landing", str(_landing(tmp_path)), "--data", str(data)])
    err = capsys.readouterr().err
    assert code == 2
    assert err.strip() == (f"terrain run: cannot write to the data folder {data} (Not a directory); "
                           "give a writable folder with --data or TERRAIN_DATA_DIR")


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes through folder permissions")
@pytest.mark.parametrize("read_only", ["data", "data/warehouse"])
def test_read_only_data_folder_ends_with_the_path(tmp_path, capsys, read_only):
    data = tmp_path / "data"
    folder = tmp_path / read_only
    folder.mkdir(parents=True)
    folder.chmod(0o555)
    try:
        code = cli.main(["run", "--landing", str(_landing(tmp_path)), "--data", str(data)])
    finally:
        folder.chmod(0o755)
    err = capsys.readouterr().err
    assert code == 2
    assert err.strip().startswith(f"terrain run: cannot write to the data folder {folder} (Permission denied)")
    assert len(err.strip().splitlines()) == 1
    assert not (data / "dagster_home").exists(), "a step prepared the data root before the check"
