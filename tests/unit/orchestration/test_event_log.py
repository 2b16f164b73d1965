"""The data root's event log: Dagster's SQLite files, written through one pool per database."""

from __future__ import annotations

import dagster as dg
import pytest
from dagster._core.storage.event_log.sqlite.sqlite_event_log import SqliteEventLogStorage

from orchestration.automation import event_log
from orchestration.automation.event_log import PooledSqliteEventLogStorage
from orchestration.automation.instance import EARLIER_DAGSTER_YAML, dagster_yaml, prepare_dagster_home


@dg.asset
def territory_count() -> dg.MaterializeResult:
    return dg.MaterializeResult(metadata={"territories": 12})


@dg.asset_check(asset=territory_count)
def territories_named() -> dg.AssetCheckResult:
    return dg.AssetCheckResult(passed=True)


@pytest.fixture
def data_root_instance(tmp_path, monkeypatch):
    """The instance as tests and tools open it: from the folder, with DAGSTER_HOME naming another one."""
    home = prepare_dagster_home(tmp_path / "data")
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "elsewhere"))
    instance = dg.DagsterInstance.from_config(str(home))
    yield home, instance
    instance.dispose()


def test_a_data_root_instance_stores_its_events_through_the_pool(data_root_instance):
    home, instance = data_root_instance
    assert type(instance.event_log_storage) is PooledSqliteEventLogStorage
    result = dg.materialize([territory_count, territories_named], instance=instance)
    assert result.success
    event = instance.get_latest_materialization_event(dg.AssetKey("territory_count"))
    assert event.asset_materialization.metadata["territories"].value == 12
    assert (home / "history" / "runs" / f"{result.run_id}.db").exists()


def test_dagsters_own_storage_reads_what_the_pool_wrote(data_root_instance):
    """The UI or a daemon configured without Terrain's class sees the same history."""
    home, instance = data_root_instance
    result = dg.materialize([territory_count, territories_named], instance=instance)
    plain = SqliteEventLogStorage(base_dir=str(home / "history" / "runs"))
    records = plain.get_records_for_run(result.run_id).records
    kinds = {record.event_log_entry.dagster_event_type for record in records if record.event_log_entry.is_dagster_event}
    assert {dg.DagsterEventType.ASSET_MATERIALIZATION, dg.DagsterEventType.ASSET_CHECK_EVALUATION} <= kinds
    check = plain.get_asset_check_execution_history(dg.AssetCheckKey(dg.AssetKey("territory_count"), "territories_named"),
                                                    limit=1)
    assert check and check[0].run_id == result.run_id


def test_open_databases_are_bounded_and_closed_on_wipe(data_root_instance, monkeypatch):
    _, instance = data_root_instance
    monkeypatch.setattr(event_log, "OPEN_DATABASES", 3)
    run_ids = [dg.materialize([territory_count], instance=instance).run_id for _ in range(5)]
    storage = instance.event_log_storage
    assert len(storage._engines) == 3 and run_ids[-1] in storage._engines and run_ids[0] not in storage._engines
    assert len(instance.get_records_for_run(run_ids[0]).records) > 0
    storage.wipe()
    assert storage._engines == {} or set(storage._engines) == {"index"}
    assert instance.get_latest_materialization_event(dg.AssetKey("territory_count")) is None


def test_an_unedited_earlier_dagster_yaml_gets_the_pool_and_an_edited_one_is_kept(tmp_path, monkeypatch):
    monkeypatch.delenv("DAGSTER_HOME", raising=False)
    earlier = tmp_path / "earlier" / "dagster_home"
    earlier.mkdir(parents=True)
    (earlier / "dagster.yaml").write_text(EARLIER_DAGSTER_YAML, encoding="utf-8")
    prepare_dagster_home(tmp_path / "earlier")
    assert (earlier / "dagster.yaml").read_text(encoding="utf-8") == dagster_yaml(earlier.resolve())
    moved = tmp_path / "moved" / "dagster_home"
    moved.mkdir(parents=True)
    (moved / "dagster.yaml").write_text(dagster_yaml(earlier.resolve()), encoding="utf-8")
    prepare_dagster_home(tmp_path / "moved")
    assert str(moved.resolve() / "history" / "runs") in (moved / "dagster.yaml").read_text(encoding="utf-8")
    edited = tmp_path / "edited" / "dagster_home"
    edited.mkdir(parents=True)
    (edited / "dagster.yaml").write_text(EARLIER_DAGSTER_YAML + "telemetry:\n  enabled: false\n", encoding="utf-8")
    prepare_dagster_home(tmp_path / "edited")
    assert "PooledSqliteEventLogStorage" not in (edited / "dagster.yaml").read_text(encoding="utf-8")
