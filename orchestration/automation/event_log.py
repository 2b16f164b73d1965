"""The run history's event log: Dagster's SQLite storage, with one connection pool per database.

Dagster's own SQLite event log builds a new SQLAlchemy engine, opens a connection and disposes of
both for every event it stores. A ``terrain run`` on a few hundred companies stores about 1,900
events (a materialization, a check evaluation, their planned events and the step events of some 90
tables and 270 checks), and at about 40 ms an event that bookkeeping cost more than half of the
run: more than dbt, scoring and territory design together. This storage keeps each database's
engine (a small pool) for the life of the process, and writes with ``synchronous=normal``, which
in SQLite's write-ahead log mode a crash of the process cannot corrupt (only a power cut can lose
the last events). The files, their layout and their schema are Dagster's, so the UI, the daemon
and Dagster's own storage read the same history.

An open pool keeps a handle on its database, so the pools are bounded (the newest few run
databases stay open) and closed before Dagster wipes the storage.
"""

from __future__ import annotations

import os
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa
from dagster import Field, StringSource
from dagster._core.storage.event_log.sqlite.sqlite_event_log import (
    SQLITE_BUSY_TIMEOUT_SECONDS,
    SqliteEventLogStorage,
)
from dagster._serdes import ConfigurableClassData

OPEN_DATABASES = 8
HISTORY_FOLDER = ("history", "runs")


def default_base_dir() -> str:
    """Where Dagster keeps the event log when ``dagster.yaml`` names no storage: ``$DAGSTER_HOME/history/runs``."""
    home = os.environ.get("DAGSTER_HOME")
    if not home:
        raise ValueError("the pooled event log needs DAGSTER_HOME or a base_dir in dagster.yaml")
    return os.path.join(home, *HISTORY_FOLDER)


def _write_ahead_pragmas(dbapi_connection, _record) -> None:
    dbapi_connection.execute("pragma synchronous=normal")


class PooledSqliteEventLogStorage(SqliteEventLogStorage):
    """:class:`SqliteEventLogStorage` that keeps one engine per database open instead of one per event."""

    def __init__(self, base_dir: str | None = None, inst_data: ConfigurableClassData | None = None):
        self._engines: OrderedDict[str, sa.Engine] = OrderedDict()
        super().__init__(base_dir=base_dir or default_base_dir(), inst_data=inst_data)

    @classmethod
    def config_type(cls):
        return {"base_dir": Field(StringSource, is_required=False)}

    @classmethod
    def from_config_value(cls, inst_data: ConfigurableClassData | None, config_value) -> PooledSqliteEventLogStorage:
        return cls(inst_data=inst_data, **config_value)

    def _engine(self, shard: str) -> sa.Engine:
        engine = self._engines.get(shard)
        if engine is not None:
            self._engines.move_to_end(shard)
            return engine
        engine = sa.create_engine(self.conn_string_for_shard(shard), pool_size=1, max_overflow=4,
                                  connect_args={"timeout": SQLITE_BUSY_TIMEOUT_SECONDS})
        sa.event.listen(engine, "connect", _write_ahead_pragmas)
        if shard not in self._initialized_dbs:
            self._initdb(engine)
            self._initialized_dbs.add(shard)
        self._engines[shard] = engine
        while len(self._engines) > OPEN_DATABASES:
            _, oldest = self._engines.popitem(last=False)
            oldest.dispose()
        return engine

    @contextmanager
    def _connect(self, shard: str) -> Iterator[sa.Connection]:
        with self._db_lock:
            engine = self._engine(shard)
            with engine.connect() as conn, conn.begin():
                yield conn

    def _close_pools(self) -> None:
        with self._db_lock:
            while self._engines:
                _, engine = self._engines.popitem()
                engine.dispose()

    def wipe(self) -> None:
        self._close_pools()
        super().wipe()

    def dispose(self) -> None:
        self._close_pools()
        super().dispose()
