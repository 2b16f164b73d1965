"""A new data root's first dbt call starts from the parse another data root saved, and builds into its own warehouse."""

from __future__ import annotations

import json
import os
from pathlib import Path

import duckdb
import pytest

from orchestration.assets import dbt as dbt_assets
from orchestration.assets.dbt import (
    WORKDIR_ENV,
    dbt_resource,
    dbt_target_path,
    in_warehouse_folder,
    offer_parse,
    seed_parse,
)
from orchestration.resources import DATA_ENV, DUCKDB_ENV, warehouse_path_for
from orchestration.settings import Settings


def _call(data: Path, monkeypatch: pytest.MonkeyPatch, args: list[str]) -> list[str]:
    """One dbt call on the data root ``data``, the way a run's step makes it, its parse then offered;
    the names of its events."""
    monkeypatch.setenv(DATA_ENV, str(data))
    monkeypatch.setenv(DUCKDB_ENV, str(warehouse_path_for(data)))
    invocation = dbt_resource().cli(args)
    names = [event.raw_event["info"]["name"] for event in invocation.stream_raw_events()]
    assert invocation.is_successful()
    offer_parse(dbt_target_path(data), dbt_assets.SHARED_PARSE)
    return names


def _logged(data: Path) -> set[str]:
    with (data / "dbt_target" / "dbt.log").open(encoding="utf-8") as lines:
        return {json.loads(line)["info"]["name"] for line in lines if line.startswith("{")}


def test_a_new_data_root_reuses_another_ones_parse_unless_its_settings_differ(tmp_path, monkeypatch):
    """One parse serves the next data root, which builds into its own warehouse; other settings are parsed again."""
    monkeypatch.setattr(dbt_assets, "SHARED_PARSE", tmp_path / "shared" / "partial_parse.msgpack")
    settings = json.dumps(Settings().dbt_vars())
    first, second, third = tmp_path / "first", tmp_path / "second", tmp_path / "third"
    _call(first, monkeypatch, ["parse", "--vars", settings])

    names = _call(second, monkeypatch, ["seed", "--select", "us_states", "--vars", settings])

    assert "UnableToPartialParse" not in names
    assert "PartialParsingSkipParsing" in _logged(second)
    assert not (second / "dbt_target" / "manifest.json").exists()
    with duckdb.connect(str(warehouse_path_for(second)), read_only=True) as con:
        assert con.execute("select count(*) from staging.us_states").fetchone()[0] > 50
    assert not warehouse_path_for(first).exists()

    other = json.dumps({**Settings().dbt_vars(), "horizon_days": 30})
    assert "UnableToPartialParse" in _call(third, monkeypatch, ["parse", "--vars", other])


def _write(path: Path, text: str, mtime: float) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    os.utime(path, (mtime, mtime))


def test_a_data_root_offers_its_parse_only_when_newer_and_only_an_empty_one_takes_the_shared_one(tmp_path):
    shared = tmp_path / "shared" / "partial_parse.msgpack"
    older, newer = tmp_path / "older" / "dbt_target", tmp_path / "newer" / "dbt_target"
    _write(older / "partial_parse.msgpack", "older", 1_000_000)
    _write(newer / "partial_parse.msgpack", "newer", 2_000_000)

    offer_parse(newer, shared)
    offer_parse(older, shared)
    assert shared.read_text(encoding="utf-8") == "newer"

    empty = tmp_path / "empty" / "dbt_target"
    seed_parse(empty, shared)
    seed_parse(older, shared)
    assert (empty / "partial_parse.msgpack").read_text(encoding="utf-8") == "newer"
    assert (older / "partial_parse.msgpack").read_text(encoding="utf-8") == "older"
    assert [path.name for path in shared.parent.iterdir()] == ["partial_parse.msgpack"]


def test_a_fresh_clone_has_nothing_to_share(tmp_path):
    seed_parse(tmp_path / "data" / "dbt_target", tmp_path / "shared" / "partial_parse.msgpack")
    offer_parse(tmp_path / "data" / "dbt_target", tmp_path / "shared" / "partial_parse.msgpack")

    assert not (tmp_path / "data").exists() and not (tmp_path / "shared").exists()


def test_dbt_names_the_warehouse_by_its_file_in_its_folder_only_while_it_runs(tmp_path, monkeypatch):
    monkeypatch.setenv(DUCKDB_ENV, "/somewhere/else.duckdb")
    monkeypatch.delenv(WORKDIR_ENV, raising=False)
    warehouse = tmp_path / "data" / "warehouse" / "terrain.duckdb"

    with in_warehouse_folder(warehouse):
        assert (os.environ[DUCKDB_ENV], os.environ[WORKDIR_ENV]) == ("terrain.duckdb", str(warehouse.parent))
        assert warehouse.parent.is_dir()

    assert os.environ[DUCKDB_ENV] == "/somewhere/else.duckdb" and WORKDIR_ENV not in os.environ
