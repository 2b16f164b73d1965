"""The load manifest: which deliveries were already processed, and the load report rows.

A delivery is identified by its content (SHA-256). Seen under the same name, it is skipped silently,
so re-running ingestion writes nothing; seen under another name, it is a ``duplicate`` (reported once,
never loaded twice). ``raw.load_manifest`` and ``marts.load_report`` are written together, in the
transaction that loads the file, so the report never describes rows that are not there.
"""

from __future__ import annotations

from dataclasses import astuple, dataclass, field
from datetime import datetime

import duckdb

from orchestration.ingest.registry import Source
from orchestration.ingest.tables import LOAD_REPORT_COLUMNS, LOAD_REPORT_TABLE, MANIFEST_COLUMNS, MANIFEST_TABLE


class LoadStatus:
    LOADED = "loaded"
    REJECTED = "rejected"
    DUPLICATE = "duplicate"


@dataclass(frozen=True)
class FileLoadResult:
    """What happened to one delivered file; the fields of ``marts.load_report`` and a few more."""

    source: str
    file_name: str
    file_sha256: str
    rows_read: int
    rows_loaded: int
    rows_quarantined: int
    status: str
    message: str
    loaded_at: datetime
    raw_table: str
    delivery_seq: int
    file_size: int = 0
    duplicate_of: str | None = None
    expectations_evaluated: int = 0
    expectations_failed: tuple[str, ...] = field(default=())

    def __post_init__(self) -> None:
        if self.rows_read != self.rows_loaded + self.rows_quarantined:
            raise ValueError(
                f"{self.source}/{self.file_name}: rows read ({self.rows_read}) differ from loaded "
                f"({self.rows_loaded}) + quarantined ({self.rows_quarantined})"
            )

    def report_row(self) -> tuple:
        return astuple(self)[: len(LOAD_REPORT_COLUMNS)]

    def manifest_row(self) -> tuple:
        return (*self.report_row(), self.file_size, self.duplicate_of)


@dataclass
class KnownDeliveries:
    """The deliveries of one source recorded by earlier loads."""

    pairs: set[tuple[str, str]]
    name_by_hash: dict[str, str]
    next_seq: int

    def is_known(self, file_name: str, sha256: str) -> bool:
        return (file_name, sha256) in self.pairs

    def earlier_name(self, sha256: str) -> str | None:
        return self.name_by_hash.get(sha256)

    def remember(self, result: FileLoadResult) -> None:
        self.pairs.add((result.file_name, result.file_sha256))
        self.name_by_hash.setdefault(result.file_sha256, result.file_name)
        self.next_seq = max(self.next_seq, result.delivery_seq + 1)


def known_deliveries(con: duckdb.DuckDBPyConnection, source: Source) -> KnownDeliveries:
    rows = con.execute(
        f"select file_name, file_sha256, delivery_seq from {MANIFEST_TABLE} where raw_table = ? "
        f"order by delivery_seq",
        [source.table],
    ).fetchall()
    name_by_hash: dict[str, str] = {}
    for name, sha, _ in rows:
        name_by_hash.setdefault(sha, name)
    next_seq = max((seq for _, _, seq in rows), default=0) + 1
    return KnownDeliveries({(name, sha) for name, sha, _ in rows}, name_by_hash, next_seq)


def record(con: duckdb.DuckDBPyConnection, result: FileLoadResult) -> None:
    """Add the delivery to the manifest and the load report (inside the caller's transaction)."""
    manifest_names = ", ".join(name for name, _ in MANIFEST_COLUMNS)
    report_names = ", ".join(name for name, _ in LOAD_REPORT_COLUMNS)
    con.execute(f"insert into {MANIFEST_TABLE} ({manifest_names}) values ({', '.join('?' * len(MANIFEST_COLUMNS))})",
                list(result.manifest_row()))
    con.execute(f"insert into {LOAD_REPORT_TABLE} ({report_names}) values ({', '.join('?' * len(LOAD_REPORT_COLUMNS))})",
                list(result.report_row()))
