"""BI tools read the serving copy while runs publish, and never fail or see half a publish.

The reader is a process of its own that connects the way Superset does: SQLAlchemy with
duckdb-engine, read-only, a new connection per query. Every published version has its own row
counts and stamps its rows with its number, so a read that mixed two versions, in one table or
across tables, would show it.
"""

import multiprocessing

import duckdb
import pytest

pytest.importorskip("duckdb_engine", reason="duckdb-engine (dev extra) is how Superset and Metabase reach DuckDB")

from orchestration.publishing import TableDocs, publish_marts  # noqa: E402

PUBLISHES = 8
ACCOUNTS = 200_000
DOCS = {
    "accounts": TableDocs("Accounts of one version.", {"account_key": "Key.", "version": "Version.", "name": "Name."}),
    "territories": TableDocs("Territories of one version.", {"territory_id": "Key.", "version": "Version."}),
}
READ = """
select
    (select min(version) from marts.accounts), (select max(version) from marts.accounts),
    (select count(*) from marts.accounts),
    (select min(version) from marts.territories), (select max(version) from marts.territories),
    (select count(*) from marts.territories)
"""


def _accounts(version: int) -> int:
    return ACCOUNTS + version


def _territories(version: int) -> int:
    return 10 + version


def _write_version(warehouse, version: int) -> None:
    con = duckdb.connect(str(warehouse))
    con.execute("create schema if not exists marts")
    con.execute(f"create or replace table marts.accounts as select range as account_key, {version} as version, "
                f"md5(range::varchar) as name from range({_accounts(version)})")
    con.execute(f"create or replace table marts.territories as select range as territory_id, {version} as version "
                f"from range({_territories(version)})")
    con.close()


def _read_in_loop(url: str, parquet: str, stop, ready, results) -> None:
    """Query the serving copy and its Parquet copy until told to stop; report every read."""
    import sqlalchemy as sa
    from sqlalchemy.pool import NullPool

    engine = sa.create_engine(url, poolclass=NullPool)
    reads, errors = [], []
    while not stop.is_set():
        try:
            with engine.connect() as connection:
                served = tuple(connection.execute(sa.text(READ)).one())
                copied = tuple(connection.execute(sa.text(
                    f"select min(version), max(version), count(*) from read_parquet('{parquet}')")).one())
            reads.append((served, copied))
        except Exception as exc:
            errors.append(repr(exc))
        ready.set()
    engine.dispose()
    results.put((reads, errors))


def test_bi_readers_see_one_whole_version_while_runs_publish(tmp_path):
    warehouse, serving = tmp_path / "warehouse.duckdb", tmp_path / "serving"
    _write_version(warehouse, 1)
    publish_marts(warehouse, serving, docs=DOCS)
    context = multiprocessing.get_context("spawn")
    stop, ready, results = context.Event(), context.Event(), context.Queue()
    url = f"duckdb:///{serving / 'terrain.duckdb'}?access_mode=read_only"
    reader = context.Process(target=_read_in_loop, args=(
        url, str(serving / "parquet" / "accounts" / "data.parquet"), stop, ready, results))
    reader.start()
    try:
        assert ready.wait(120), "the reader never completed a read"
        for version in range(2, PUBLISHES + 2):
            _write_version(warehouse, version)
            publish_marts(warehouse, serving, docs=DOCS)
    finally:
        stop.set()
        reads, errors = results.get(timeout=120)
        reader.join(60)

    assert not errors, f"{len(errors)} of {len(errors) + len(reads)} reads failed, the first: {errors[0]}"
    for served, copied in reads:
        version = served[0]
        assert served == (version, version, _accounts(version), version, version, _territories(version))
        assert copied == (copied[0], copied[0], _accounts(copied[0]))
    versions = [served[0] for served, _ in reads]
    assert versions == sorted(versions)
    assert len(set(versions)) >= 3, f"{len(reads)} reads saw only versions {sorted(set(versions))}"
    print(f"{len(reads)} reads, versions {sorted(set(versions))}, no error")
