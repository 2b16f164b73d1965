"""Ingestion alone at scale: every landing source into a fresh warehouse, timed per source.

Measured apart from the full run so the figure is the loader's own, not the pipeline's.
"""

from __future__ import annotations

import resource
import sys
import time
from pathlib import Path

import duckdb

from orchestration.ingest import SOURCES, ingest_source


def main(landing: str, data: str) -> int:
    warehouse = Path(data) / "warehouse" / "terrain.duckdb"
    warehouse.parent.mkdir(parents=True, exist_ok=True)
    warehouse.unlink(missing_ok=True)
    con = duckdb.connect(str(warehouse))
    total_rows, started = 0, time.perf_counter()
    for name in SOURCES:
        began = time.perf_counter()
        results = ingest_source(con, name, Path(landing), Path(data) / "quarantine")
        rows = sum(r.rows_read for r in results)
        total_rows += rows
        print(f"{name:24s} {rows:>10,d} rows {time.perf_counter() - began:7.1f}s", flush=True)
    elapsed = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"total {total_rows:,d} rows in {elapsed:.1f}s ({total_rows / elapsed:,.0f} rows/s), peak {peak_mb:,.0f} MB")
    con.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
