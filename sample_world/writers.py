"""Byte-for-byte reproducible file writers for the landing zone (CSV, CSV with BOM, gzip, Parquet)."""

from __future__ import annotations

import gzip
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq


def write_csv(frame: pd.DataFrame, path: Path, bom: bool = False) -> int:
    """Write a CSV (gzipped when the name ends in .gz, with a fixed header time); returns rows written."""
    path.parent.mkdir(parents=True, exist_ok=True)
    data = frame.to_csv(index=False, lineterminator="\n").encode("utf-8-sig" if bom else "utf-8")
    if path.suffix == ".gz":
        data = gzip.compress(data, compresslevel=6, mtime=0)
    path.write_bytes(data)
    return len(frame)


def write_parquet(frame: pd.DataFrame, path: Path) -> int:
    """Write Parquet with text kept as text (ids with leading zeros stay strings)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    table = pa.Table.from_pandas(frame, preserve_index=False)
    pq.write_table(table, path, compression="snappy")
    return len(frame)
