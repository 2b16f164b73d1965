"""Reading one delivery into a DuckDB table of text, one row per data row, nothing dropped.

Everything is read as text so Ids keep their leading zeros and a bad value in one row cannot fail a
whole column; typing happens later, per value (``parsing``). The result is a temporary view with
the row's 1-based position in the file (``_row_number``) and the delivered columns by position
(``c0``, ``c1``, ...), because delivered header names may be anything.

Two CSV paths, chosen for speed without losing rows:

* The fast path hands the file to DuckDB's parallel CSV reader (about 6M rows/s here), with the
  dialect fixed (``,``, ``"`` quoting, no comment character) instead of sniffed, so a value starting
  with ``#`` is data and a multi-line quoted field stays one value.
* DuckDB rejects a whole file when one row is not UTF-8 or has the wrong number of fields. Only then
  the file is parsed again in Python: bytes are decoded with ``surrogateescape`` so an invalid byte
  marks its row instead of failing the file; such rows, and rows with the wrong field count, are
  returned as :class:`RowDefect` for the quarantine, the others load. A quote that is never closed
  would make Python's parser fold every later line into one value; that row alone is quarantined
  and reading resumes on the line after it.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import re
import sys
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pyarrow as pa

from orchestration.ingest.deliveries import FileFormat, file_format

TEXT_TABLE = "_terrain_ingest_text"
_STAGING_TABLE = "_terrain_ingest_read"
_HEADER_PROBE_BYTES = 1024 * 1024
_PYTHON_BATCH_ROWS = 100_000
_SURROGATE = re.compile("[\udc80-\udcff]")


class UnreadableFile(Exception):
    """The file cannot be read as a table at all (no header, corrupt archive, not Parquet...)."""


@dataclass(frozen=True)
class RowDefect:
    """A data row that could not become a record: its bytes are not UTF-8 or its shape is wrong."""

    row_number: int
    rule: str
    column_name: str | None
    value: str | None
    record: str
    detail: str


@dataclass
class ReadResult:
    """The delivery as text: ``rows_in_table`` rows in :data:`TEXT_TABLE` plus ``defects``."""

    headers: list[str]
    rows_in_table: int
    defects: list[RowDefect] = field(default_factory=list)

    @property
    def rows_read(self) -> int:
        return self.rows_in_table + len(self.defects)


def positional_name(index: int) -> str:
    return f"c{index}"


def read_delivery(con: duckdb.DuckDBPyConnection, path: Path) -> ReadResult:
    """Load ``path`` into :data:`TEXT_TABLE` (replacing it) and return what was read."""
    drop_text_table(con)
    kind = file_format(path)
    if kind is FileFormat.PARQUET:
        return _read_parquet(con, path)
    if kind in (FileFormat.CSV, FileFormat.CSV_GZIP):
        return _read_csv(con, path, compressed=kind is FileFormat.CSV_GZIP)
    raise UnreadableFile("unsupported file type: deliveries are .csv, .csv.gz or .parquet")


def drop_text_table(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(f"drop view if exists {TEXT_TABLE}")
    con.execute(f"drop table if exists {_STAGING_TABLE}")


def _sql_string(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _open_bytes(path: Path, compressed: bool):
    return gzip.open(path, "rb") if compressed else path.open("rb")


def _read_header(path: Path, compressed: bool) -> list[str]:
    try:
        with _open_bytes(path, compressed) as handle:
            probe = handle.read(_HEADER_PROBE_BYTES)
    except (OSError, EOFError) as error:
        raise UnreadableFile(f"cannot be opened: {error}") from error
    text = probe.decode("utf-8", "surrogateescape").removeprefix("\ufeff")
    if not text.strip():
        raise UnreadableFile("file is empty: it has no header row")
    header = next(csv.reader(io.StringIO(text, newline="")), [])
    if not any(name.strip() for name in header):
        raise UnreadableFile("the first line is not a header row")
    if any(_SURROGATE.search(name) for name in header):
        raise UnreadableFile("the header row is not valid UTF-8")
    return header


def _read_csv(con: duckdb.DuckDBPyConnection, path: Path, compressed: bool) -> ReadResult:
    headers = _read_header(path, compressed)
    columns = ", ".join(f"{_sql_string(positional_name(i))}: 'VARCHAR'" for i in range(len(headers)))
    options = (
        f"header=true, auto_detect=false, columns={{{columns}}}, delim=',', quote='\"', escape='\"', "
        f"comment='', strict_mode=true, null_padding=false, encoding='utf-8', "
        f"compression={_sql_string('gzip' if compressed else 'none')}"
    )
    try:
        con.execute(
            f"create temp table {_STAGING_TABLE} as select * from read_csv({_sql_string(str(path))}, {options})"
        )
    except duckdb.Error:
        con.execute(f"drop table if exists {_STAGING_TABLE}")
        return _read_csv_row_by_row(con, path, compressed, headers)
    con.execute(f"create temp view {TEXT_TABLE} as select rowid + 1 as _row_number, * from {_STAGING_TABLE}")
    count = con.execute(f"select count(*) from {TEXT_TABLE}").fetchall()[0][0]
    return ReadResult(headers, count)


def _printable(text: str) -> str:
    """Text with undecodable bytes shown as ``\\xNN`` so the quarantine keeps exactly what came."""
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def _defect_for(row_number: int, headers: list[str], fields: list[str]) -> RowDefect | None:
    for index, value in enumerate(fields):
        if _SURROGATE.search(value):
            column = headers[index] if index < len(headers) else None
            record = json.dumps(
                {(headers[i] if i < len(headers) else f"field_{i + 1}"): _printable(v) for i, v in enumerate(fields)},
                ensure_ascii=False,
            )
            return RowDefect(row_number, "invalid_utf8", column, _printable(value), record,
                             "the row's bytes are not valid UTF-8")
    if len(fields) != len(headers):
        record = json.dumps({"fields": fields}, ensure_ascii=False)
        return RowDefect(row_number, "malformed_row", None, None, record,
                         f"the row has {len(fields)} fields where the header has {len(headers)}")
    return None


def _quote_left_open(lines: list[str]) -> bool:
    """Whether a record's text ends inside a quoted value (Python's lenient parser hides it)."""
    if len(lines) == 1 and lines[0].endswith(("\n", "\r")):
        return False
    try:
        for _ in csv.reader(lines, strict=True):
            pass
    except csv.Error as error:
        return "unexpected end of data" in str(error)
    return False


def _csv_records(lines: Iterator[str]) -> Iterator[tuple[list[str], str | None]]:
    """The file's records as ``(fields, None)``, or ``([], line)`` for a line whose quote never closes.

    The lines after such a line are parsed again on their own, so one stray quote costs one row.
    """
    pushed_back: deque[str] = deque()
    consumed: list[str] = []

    def feed() -> Iterator[str]:
        while True:
            line = pushed_back.popleft() if pushed_back else next(lines, None)
            if line is None:
                return
            consumed.append(line)
            yield line

    while True:
        for fields in csv.reader(feed()):
            record_lines = consumed.copy()
            consumed.clear()
            if _quote_left_open(record_lines):
                pushed_back.extendleft(reversed(record_lines[1:]))
                yield [], record_lines[0]
                break
            yield fields, None
        else:
            return


def _unclosed_quote(row_number: int, line: str) -> RowDefect:
    text = _printable(line.rstrip("\r\n"))
    return RowDefect(row_number, "unclosed_quote", None, None, json.dumps({"line": text}, ensure_ascii=False),
                     "a quote opened in this row is never closed; the rows after it are read on their own")


def _read_csv_row_by_row(
    con: duckdb.DuckDBPyConnection, path: Path, compressed: bool, headers: list[str]
) -> ReadResult:
    """Stream the file through Python's CSV parser, appending good rows to DuckDB in batches."""
    csv.field_size_limit(sys.maxsize)
    names = ["_row_number", *(positional_name(i) for i in range(len(headers)))]
    columns = ", ".join(f"{name} {'BIGINT' if name == '_row_number' else 'VARCHAR'}" for name in names)
    con.execute(f"create temp table {_STAGING_TABLE} ({columns})")
    schema = pa.schema([pa.field("_row_number", pa.int64()), *(pa.field(n, pa.string()) for n in names[1:])])
    defects: list[RowDefect] = []
    batch: list[list[str]] = []
    batch_numbers: list[int] = []
    loaded = 0

    def flush() -> None:
        arrays = [pa.array(batch_numbers, pa.int64())]
        arrays += [pa.array([row[i] or None for row in batch], pa.string()) for i in range(len(headers))]
        con.register("_terrain_ingest_rows", pa.Table.from_arrays(arrays, schema=schema))
        try:
            con.execute(f"insert into {_STAGING_TABLE} select * from _terrain_ingest_rows")
        finally:
            con.unregister("_terrain_ingest_rows")
        batch.clear()
        batch_numbers.clear()

    try:
        with _open_bytes(path, compressed) as raw, io.TextIOWrapper(
            raw, encoding="utf-8-sig", errors="surrogateescape", newline=""
        ) as text:
            records = _csv_records(text)
            next(records, None)
            row_number = 0
            for fields, open_line in records:
                if not fields and open_line is None:
                    continue
                row_number += 1
                defect = (_unclosed_quote(row_number, open_line) if open_line is not None
                          else _defect_for(row_number, headers, fields))
                if defect is not None:
                    defects.append(defect)
                    continue
                batch.append(fields)
                batch_numbers.append(row_number)
                loaded += 1
                if len(batch) >= _PYTHON_BATCH_ROWS:
                    flush()
    except (OSError, EOFError, csv.Error) as error:
        raise UnreadableFile(f"cannot be read as CSV: {error}") from error
    if batch:
        flush()
    con.execute(f"create temp view {TEXT_TABLE} as select * from {_STAGING_TABLE}")
    return ReadResult(headers, loaded, defects)


def _read_parquet(con: duckdb.DuckDBPyConnection, path: Path) -> ReadResult:
    source = f"read_parquet({_sql_string(str(path))}, file_row_number=true)"
    try:
        described = con.execute(f"describe select * from {source}").fetchall()
    except duckdb.Error as error:
        raise UnreadableFile(f"not a readable Parquet file: {error}") from error
    headers = [row[0] for row in described if row[0] != "file_row_number"]
    casts = ", ".join(
        f'cast("{name.replace(chr(34), chr(34) * 2)}" as varchar) as {positional_name(i)}'
        for i, name in enumerate(headers)
    )
    try:
        con.execute(
            f"create temp table {_STAGING_TABLE} as select file_row_number + 1 as _row_number"
            f"{', ' + casts if casts else ''} from {source} order by file_row_number"
        )
    except duckdb.Error as error:
        raise UnreadableFile(f"Parquet file could not be read: {error}") from error
    con.execute(f"create temp view {TEXT_TABLE} as select * from {_STAGING_TABLE}")
    count = con.execute(f"select count(*) from {TEXT_TABLE}").fetchall()[0][0]
    return ReadResult(headers, count)
