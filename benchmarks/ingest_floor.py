"""The floor of ingestion: every landing file of the twelve sources read by DuckDB into a table.

One ``create table ... as select * from read_csv(file)`` (``read_parquet`` for Parquet) per
delivery, into a fresh DuckDB file: DuckDB's own type sniffing, no header matching, typing,
validation, quarantine, lineage columns or load manifest. A file DuckDB's strict reader rejects
(an invalid UTF-8 row, a ragged line) is read again with ``ignore_errors``, and both attempts
count. The time is what reading the same bytes into the same engine costs at least.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import duckdb

from orchestration.ingest.registry import SOURCES

DELIVERY_SUFFIXES = (".csv", ".csv.gz", ".parquet")


def deliveries(landing: Path) -> list[tuple[str, Path]]:
    """(raw table, file) for every delivery in the sources' folders, in byte order of the names."""
    found = []
    for source in SOURCES.values():
        folder = landing / source.folder
        files = sorted(path for path in folder.rglob("*") if path.is_file() and path.name.endswith(DELIVERY_SUFFIXES)
                       and not any(part.startswith((".", "_")) for part in path.relative_to(folder).parts))
        found.extend((source.table, path) for path in files)
    return found


def _reader(path: Path, lenient: bool) -> str:
    quoted = "'" + str(path).replace("'", "''") + "'"
    if path.name.endswith(".parquet"):
        return f"read_parquet({quoted})"
    return f"read_csv({quoted}, ignore_errors = true)" if lenient else f"read_csv({quoted})"


def load(con: duckdb.DuckDBPyConnection, table: str, path: Path) -> tuple[int, bool]:
    """Read one delivery into its own table; (rows, whether the lenient reader was needed)."""
    try:
        con.execute(f'create or replace table "{table}" as select * from {_reader(path, False)}')
        lenient = False
    except duckdb.Error:
        con.execute(f'create or replace table "{table}" as select * from {_reader(path, True)}')
        lenient = True
    return con.execute(f'select count(*) from "{table}"').fetchone()[0], lenient


def main(landing: str, warehouse: str) -> int:
    target = Path(warehouse)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.unlink(missing_ok=True)
    files = deliveries(Path(landing))
    con = duckdb.connect(str(target))
    rows, lenient = 0, 0
    started = time.perf_counter()
    for index, (table, path) in enumerate(files):
        loaded, was_lenient = load(con, f"{table}__{index}", path)
        rows += loaded
        lenient += was_lenient
    seconds = time.perf_counter() - started
    con.close()
    print(json.dumps({"seconds": round(seconds, 2), "files": len(files), "rows": rows, "lenient_files": lenient}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
