"""Loading a source folder into ``raw.<source>``: read, type, validate, quarantine, record.

Each delivery is written in one transaction (raw rows, quarantined rows, manifest, load report), so
an interrupted run leaves either the whole delivery or none of it, and the next run picks it up.

A file that cannot be loaded as a whole -- a required column missing, or a Bombora file with no week
-- is rejected: its rows are still read and all of them are kept in ``raw.quarantine`` under the
file-level rule, so that for every delivery rows read = rows loaded + rows quarantined and nothing
read is lost. A file that cannot be read as a table at all (empty, corrupt, unsupported type) is
rejected with 0 rows read. Rejected files are also copied to ``quarantine_dir`` when one is given.
"""

from __future__ import annotations

import shutil
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from orchestration.ingest.deliveries import Delivery, find_deliveries
from orchestration.ingest.expectations import build_suite, validate_rows
from orchestration.ingest.headers import match_headers, separator_hint
from orchestration.ingest.manifest import FileLoadResult, KnownDeliveries, LoadStatus, known_deliveries, record
from orchestration.ingest.quarantine import (
    VERDICT_TABLE,
    DeliveryContext,
    drop_verdicts,
    quarantine_defects,
    quarantine_verdicts,
    quarantine_whole_file,
    store_verdicts,
)
from orchestration.ingest.reading import ReadResult, UnreadableFile, drop_text_table, read_delivery
from orchestration.ingest.registry import Source, get_source
from orchestration.ingest.tables import ensure_tables, quote, raw_columns, raw_table_name
from orchestration.ingest.typed_rows import TYPED_TABLE, build_typed_table, drop_typed_table, raw_select_list
from orchestration.ingest.weeks import week_from_file_name


def utc_now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def ingest_source(
    con: duckdb.DuckDBPyConnection,
    source: str,
    landing_root: Path,
    quarantine_dir: Path | None = None,
    loaded_at: datetime | None = None,
) -> list[FileLoadResult]:
    """Load every new delivery of ``source`` (raw table name or landing folder) under ``landing_root``.

    Returns one result per file processed now, in delivery order; files already recorded in
    ``raw.load_manifest`` with the same name and content are skipped and not returned.
    """
    spec = get_source(source)
    ensure_tables(con, spec)
    loaded_at = loaded_at or utc_now()
    known = known_deliveries(con, spec)
    results = []
    for delivery in find_deliveries(Path(landing_root) / spec.folder):
        if known.is_known(delivery.file_name, delivery.sha256):
            continue
        result = _process(con, spec, delivery, known, loaded_at, quarantine_dir)
        known.remember(result)
        results.append(result)
    return results


def _process(con, spec: Source, delivery: Delivery, known: KnownDeliveries, loaded_at: datetime,
             quarantine_dir: Path | None) -> FileLoadResult:
    seq = known.next_seq
    earlier = known.earlier_name(delivery.sha256)
    if earlier is not None:
        result = _result(spec, delivery, seq, loaded_at, 0, 0, LoadStatus.DUPLICATE,
                         f"{spec.folder}/{delivery.file_name}: same content as {spec.folder}/{earlier}, "
                         "delivered earlier; nothing loaded",
                         duplicate_of=earlier)
        _in_transaction(con, lambda: record(con, result))
        return result
    try:
        return _load(con, spec, delivery, seq, loaded_at, quarantine_dir)
    finally:
        drop_verdicts(con)
        drop_typed_table(con)
        drop_text_table(con)


def _result(spec: Source, delivery: Delivery, seq: int, loaded_at: datetime, rows_read: int,
            rows_quarantined: int, status: str, message: str, **extra) -> FileLoadResult:
    return FileLoadResult(
        source=spec.folder, file_name=delivery.file_name, file_sha256=delivery.sha256,
        rows_read=rows_read, rows_loaded=rows_read - rows_quarantined, rows_quarantined=rows_quarantined,
        status=status, message=message, loaded_at=loaded_at, raw_table=spec.table, delivery_seq=seq,
        file_size=delivery.size, **extra,
    )


def _in_transaction(con: duckdb.DuckDBPyConnection, work) -> None:
    con.execute("begin transaction")
    try:
        work()
    except BaseException:
        con.execute("rollback")
        raise
    con.execute("commit")


def _keep_rejected_file(delivery: Delivery, spec: Source, quarantine_dir: Path | None) -> None:
    if quarantine_dir is None:
        return
    target = Path(quarantine_dir) / spec.folder / delivery.sha256[:16] / delivery.file_name
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(delivery.path, target)


def _load(con, spec: Source, delivery: Delivery, seq: int, loaded_at: datetime,
          quarantine_dir: Path | None) -> FileLoadResult:
    location = f"{spec.folder}/{delivery.file_name}"
    try:
        read = read_delivery(con, delivery.path)
    except UnreadableFile as error:
        result = _result(spec, delivery, seq, loaded_at, 0, 0, LoadStatus.REJECTED,
                         f"{location} rejected: {error}")
        _in_transaction(con, lambda: record(con, result))
        _keep_rejected_file(delivery, spec, quarantine_dir)
        return result

    ctx = DeliveryContext(spec, delivery, read.headers, loaded_at)
    match = match_headers(spec, read.headers)
    file_week = week_from_file_name(delivery.file_name) if spec.week_from_file_name else None
    rejection = None
    if match.missing_required:
        rejection = ("missing_required_column",
                     f"missing required columns {', '.join(match.missing_required)}{separator_hint(read.headers)}")
    elif spec.week_from_file_name and not match.has("Week") and file_week is None:
        rejection = ("week_unknown",
                     "no Week column and no ISO date (YYYY-MM-DD) in the file name, so its week is unknown")
    if rejection is not None:
        return _reject(con, spec, delivery, seq, loaded_at, quarantine_dir, ctx, read, *rejection)

    build_typed_table(con, spec, match, file_week)
    checks_week = spec.week_from_file_name and match.has("Week") and file_week is None
    suite = build_suite(spec, set(match.positions), checks_week)
    outcome = validate_rows(con, TYPED_TABLE, suite)
    store_verdicts(con, outcome.verdicts)
    quarantined_rows = int(outcome.verdicts["row_number"].nunique()) + len(read.defects)
    result = _result(spec, delivery, seq, loaded_at, read.rows_read, quarantined_rows, LoadStatus.LOADED,
                     _loaded_message(location, read, outcome.verdicts, outcome.expectations,
                                     outcome.failed_expectations),
                     expectations_evaluated=outcome.expectations,
                     expectations_failed=tuple(outcome.failed_expectations))

    def write() -> None:
        _insert_raw(con, spec, match, delivery, seq, loaded_at)
        quarantine_verdicts(con, ctx, outcome.verdicts)
        quarantine_defects(con, ctx, read.defects)
        record(con, result)

    _in_transaction(con, write)
    return result


def _reject(con, spec: Source, delivery: Delivery, seq: int, loaded_at: datetime, quarantine_dir: Path | None,
            ctx: DeliveryContext, read: ReadResult, rule: str, reason: str) -> FileLoadResult:
    result = _result(spec, delivery, seq, loaded_at, read.rows_read, read.rows_read, LoadStatus.REJECTED,
                     f"{ctx.location} rejected: {reason}; its {read.rows_read} rows are kept in raw.quarantine")

    def write() -> None:
        quarantine_whole_file(con, ctx, rule, reason)
        quarantine_defects(con, ctx, read.defects)
        record(con, result)

    _in_transaction(con, write)
    _keep_rejected_file(delivery, spec, quarantine_dir)
    return result


def _insert_raw(con, spec: Source, match, delivery: Delivery, seq: int, loaded_at: datetime) -> None:
    names = ", ".join(quote(name) for name, _ in raw_columns(spec))
    values = ", ".join(raw_select_list(spec, match))
    con.execute(
        f"insert into {raw_table_name(spec)} ({names}) "
        f"select {values}, ?, ?, y._row_number, ?, ? from {TYPED_TABLE} y "
        f"where not exists (select 1 from {VERDICT_TABLE} v where v.row_number = y._row_number)",
        [delivery.file_name, delivery.sha256, loaded_at, seq],
    )


def _loaded_message(location: str, read: ReadResult, verdicts, expectations: int, failed: list[str]) -> str:
    first_failures = verdicts.sort_values(["row_number", "rule_order", "column_name"]).drop_duplicates("row_number")
    reasons = Counter(f"{rule} on {column}" for rule, column in
                      first_failures[["rule", "column_name"]].itertuples(index=False))
    reasons.update(defect.rule for defect in read.defects)
    quarantined = sum(reasons.values())
    summary = f"{location}: {read.rows_read - quarantined} of {read.rows_read} rows loaded"
    if quarantined:
        detail = ", ".join(f"{reason} ({count})" for reason, count in reasons.most_common())
        summary += f"; {quarantined} quarantined: {detail}"
    return summary + f"; {expectations} expectations evaluated, {len(failed)} unmet"
