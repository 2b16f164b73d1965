"""Failure drill of issue 15: the data folder's disk fills up during ``terrain run``.

Nothing is mounted: the command runs in a child process whose file-size limit (``RLIMIT_FSIZE``)
is lowered and whose SIGXFSZ is ignored, so a write that would grow a file past the limit fails
with EFBIG ("File too large") exactly where a full disk fails with ENOSPC: in DuckDB's write of the
warehouse or its WAL, in Python's ``write``. It works as root and as any other user. The limit is
per file, so it is set between the size Dagster's own run database reaches and the size the
warehouse reaches: the warehouse is the file that fills the disk.
"""

from __future__ import annotations

import hashlib
import os
import resource
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import duckdb
import pytest

from tests.integration.foreign_landing import build_foreign_landing
from tests.support import REPO, TERRAIN

RUN_FILE_LIMITS = {
    "dagster_history": 1_000_000,
    "dbt_step": 5_000_000,
}
"""File-size limits and where ``terrain run`` on the tiny landing meets them first today: at 1 MB the
write-ahead log of Dagster's run history while the run is created, at 5 MB dbt's log during the market
models (the warehouse reaches the limit too, but DuckDB retries a checkpoint it could not write at the
next one and keeps the data in its WAL meanwhile). Either way the run must end as a full disk ends it."""
PUBLISH_FILE_LIMIT = 1_000_000


def _limit_file_size(limit: int):
    def apply() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return apply


def _environment() -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("TERRAIN_", "DAGSTER_"))}
    bin_dir = str(Path(sys.executable).parent)
    env["PATH"] = os.pathsep.join(p for p in env.get("PATH", "").split(os.pathsep) if p != bin_dir)
    return env


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("limit", RUN_FILE_LIMITS.values(), ids=RUN_FILE_LIMITS.keys())
def test_run_on_a_full_disk_names_the_file_and_exits_2(tmp_path, limit):
    landing, data = tmp_path / "landing", tmp_path / "data"
    build_foreign_landing(landing, companies=40)
    done = subprocess.run([TERRAIN, "run", "--landing", str(landing), "--data", str(data)], cwd=REPO,
                          env=_environment(), capture_output=True, text=True, timeout=900,
                          preexec_fn=_limit_file_size(limit))
    lines = done.stderr.strip().splitlines()
    ours = [line for line in lines if line.startswith("terrain run:")]
    assert done.returncode == 2, done.stderr[-3000:]
    assert len(ours) == 1 and lines[-1] == ours[0], ours
    written, reason = _named_file(ours[0])
    assert written.is_relative_to(data), ours[0]
    assert reason in ("File too large", "disk I/O error"), ours[0]
    assert f"is the disk of the data folder {data} full?" in ours[0]
    serving = data / "serving"
    assert not (serving / "terrain.duckdb").exists(), "a serving copy was published from a failed run"
    assert not list(serving.glob(".terrain.duckdb.*")) if serving.exists() else True


def _named_file(line: str) -> tuple[Path, str]:
    """The path and the reason in ``terrain run: could not write PATH (REASON): ...``."""
    written, rest = line.removeprefix("terrain run: could not write ").split(" (", 1)
    return Path(written), rest.split(")", 1)[0]


def _warehouse_with_marts(path: Path, rows: int) -> None:
    con = duckdb.connect(str(path))
    con.execute("create schema if not exists marts")
    con.execute("create or replace table marts.account_priority as "
                f"select range as account_key, md5(range::varchar) || md5((range * 7)::varchar) as reason "
                f"from range({rows})")
    con.close()


PUBLISH = textwrap.dedent("""
    import sys
    from pathlib import Path
    from orchestration.automation.disk_full import disk_full_message, exception_texts
    from orchestration.publishing import publish_marts
    try:
        publish_marts(Path(sys.argv[1]), Path(sys.argv[2]), docs={}, full_crm_file=False)
    except Exception as exc:
        print(disk_full_message(exception_texts(exc), Path(sys.argv[2]).parent))
        raise
""")


def _publish(warehouse: Path, serving: Path, limit: int | None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", PUBLISH, str(warehouse), str(serving)], cwd=REPO,
                          env=_environment(), capture_output=True, text=True, timeout=300,
                          preexec_fn=_limit_file_size(limit) if limit else None)


@pytest.fixture
def published_once(tmp_path):
    """A serving copy published from a small warehouse, then a warehouse too big for the disk."""
    warehouse, serving = tmp_path / "warehouse.duckdb", tmp_path / "serving"
    _warehouse_with_marts(warehouse, 100)
    first = _publish(warehouse, serving, None)
    assert first.returncode == 0, first.stderr
    _warehouse_with_marts(warehouse, 200_000)
    return warehouse, serving


def test_a_full_disk_while_publishing_keeps_the_previous_serving_copy(published_once):
    warehouse, serving = published_once
    before = _sha256(serving / "terrain.duckdb")
    failed = _publish(warehouse, serving, PUBLISH_FILE_LIMIT)
    assert failed.returncode != 0
    assert "File too large" in failed.stderr and str(serving) in failed.stderr, failed.stderr[-2000:]
    written, reason = _named_file("terrain run: " + failed.stdout.strip())
    assert (written.parent, reason) == (serving, "File too large"), failed.stdout
    assert _sha256(serving / "terrain.duckdb") == before
    con = duckdb.connect(str(serving / "terrain.duckdb"), read_only=True)
    assert con.execute("select count(*) from marts.account_priority").fetchone()[0] == 100
    con.close()
    assert (serving / "parquet" / "account_priority" / "data.parquet").exists()


def test_a_full_disk_while_publishing_leaves_no_half_written_file(published_once):
    warehouse, serving = published_once
    assert _publish(warehouse, serving, PUBLISH_FILE_LIMIT).returncode != 0
    assert list(serving.glob(".terrain.duckdb.*")) == []
