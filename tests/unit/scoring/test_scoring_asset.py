import duckdb
import pandas as pd
import pytest

dg = pytest.importorskip("dagster")

from models_ml.scoring.registry import PUBLISHED_FILE, READINESS, ModelRegistry  # noqa: E402
from orchestration.assets.scoring import scoring, scoring_date  # noqa: E402
from orchestration.resources import TerrainPaths  # noqa: E402


def write_warehouse(path, world, accounts, crm_contacts, as_of, shuffle_seed=None):
    """The upstream tables the scoring asset reads, in the shape dbt writes them, as known at ``as_of``.

    Intent weeks, activities and lead scores after ``as_of`` are left out, so one world serves runs
    on several weeks. With ``shuffle_seed`` every table holds the same rows in another order, as a
    warehouse rebuilt from the same landing files may return them.
    """
    cutoff = pd.Timestamp(as_of) + pd.Timedelta(days=1)
    companies = accounts.assign(vendor_company_id=accounts["account_key"].str.replace("ACC", "V"))
    opps = world["opportunities"]
    opps = opps[opps["created_date"] <= pd.Timestamp(as_of)].assign(
        account_id=lambda f: f["account_key"].str.replace("ACC", "001"))
    techno = world["technographics"].assign(company_id=lambda f: f["account_key"].str.replace("ACC", "V"))
    contacts = crm_contacts.assign(account_id=crm_contacts["account_key"].str.replace("ACC", "001"), department=None)
    intent = world["intent"][world["intent"]["week_start"] + pd.Timedelta(days=6) < cutoff]
    activities = world["activities"][world["activities"]["activity_ts"] < cutoff]
    scores = world["map_scores"][world["map_scores"]["scored_at"] < cutoff].assign(
        email_domain=lambda f: f["email"].str.split("@").str[1])
    tables = {
        "intermediate.int_companies_unified": companies,
        "marts.territory_current": companies[["account_key", "territory_id"]].assign(territory_owner_user_id="005A"),
        "marts.intent_weekly": intent,
        "intermediate.int_map_activities_attributed": activities.rename(columns={"activity_ts": "activity_at"}).assign(
            contact_id=None),
        "intermediate.int_map_scores_normalized": scores,
        "intermediate.int_opportunities_keyed": opps.rename(columns={"created_date": "created_at",
                                                                     "type": "opportunity_type"}),
        "intermediate.int_contacts_keyed": contacts,
        "intermediate.int_technographics_keyed": techno.rename(columns={
            "category": "technology_category", "first_seen": "first_seen_date", "last_seen": "last_seen_date"}),
        "intermediate.int_as_of": pd.DataFrame({"as_of_date": [pd.Timestamp(as_of)], "horizon_days": [90]}),
    }
    with duckdb.connect(str(path)) as con:
        for name, frame in tables.items():
            if shuffle_seed is not None:
                frame = frame.sample(frac=1, random_state=shuffle_seed).reset_index(drop=True)
            con.execute(f"create schema if not exists {name.split('.')[0]}")
            con.register("frame", frame)
            con.execute(f"create or replace table {name} as select * from frame")
            con.unregister("frame")


@pytest.fixture(scope="module")
def first_run(tmp_path_factory, world, accounts, crm_contacts, as_of):
    """One materialisation of the scoring asset on a fresh warehouse and model registry."""
    root = tmp_path_factory.mktemp("scoring_asset")
    paths = TerrainPaths(landing_dir=str(root / "landing"), data_dir=str(root / "data"))
    write_warehouse(paths.warehouse_path, world, accounts, crm_contacts, as_of)
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(root)
        patch.delenv("TERRAIN_CONFIG", raising=False)
        result = dg.materialize([scoring], resources={"paths": paths})
        with duckdb.connect(str(paths.warehouse_path), read_only=True) as con:
            performance = con.execute("select * from marts.model_performance").df()
    return root, paths, result, performance


def test_asset_writes_the_marts_and_passes_its_blocking_checks(first_run, accounts, crm_contacts):
    _, paths, result, performance = first_run
    assert result.success
    checks = result.get_asset_check_evaluations()
    assert {c.check_name for c in checks} == {"readiness_beats_baselines", "readiness_auc_not_worse"}
    assert all(c.passed for c in checks)
    with duckdb.connect(str(paths.warehouse_path), read_only=True) as con:
        accounts_out = con.execute("select * from marts.account_priority").df()
        contacts_out = con.execute("select count(*) from marts.contact_priority").fetchone()[0]
    assert len(accounts_out) == len(accounts) and accounts_out["owner_user_id"].eq("005A").all()
    assert accounts_out["crm_account_id"].notna().all() and contacts_out == len(crm_contacts)
    assert set(performance["model_name"]) == {"readiness", "fit"}
    readiness = performance[performance["model_name"] == "readiness"].iloc[0]
    assert readiness["auc_protocol"] == "forward" and pd.notna(readiness["backtest_auc"])
    registry = ModelRegistry(paths.data_dir)
    assert registry.published(READINESS) == accounts_out["model_version"].iloc[0]


def test_a_second_run_on_the_same_data_in_another_row_order_stores_no_new_version(
        first_run, world, accounts, crm_contacts, as_of):
    """Retraining on the same rows in another order gives the same version and the same table.

    The run retrains because the registry no longer remembers a version that passed the gate
    (otherwise a run on the same week scores with the active model and trains nothing).
    """
    root, paths, _, performance = first_run
    write_warehouse(paths.warehouse_path, world, accounts, crm_contacts, as_of, shuffle_seed=5)
    (ModelRegistry(paths.data_dir).root / READINESS / PUBLISHED_FILE).unlink()
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(root)
        patch.delenv("TERRAIN_CONFIG", raising=False)
        result = dg.materialize([scoring], resources={"paths": paths})
    assert result.success
    metadata = next(event.materialization.metadata for event in result.get_asset_materialization_events()
                    if event.asset_key == dg.AssetKey(["marts", "account_priority"]))
    assert "quality gate" in metadata["retrain_reason"].value
    with duckdb.connect(str(paths.warehouse_path), read_only=True) as con:
        again = con.execute("select * from marts.model_performance").df()
    registry = ModelRegistry(paths.data_dir)
    assert len(registry.versions(READINESS)) == 1 and len(registry.versions("fit")) == 1
    pd.testing.assert_frame_equal(again, performance)


def test_scoring_date_defaults_to_the_sunday_ending_the_latest_intent_week():
    intent = pd.DataFrame({"week_start": pd.to_datetime(["2026-11-09", "2026-11-16"])})
    assert scoring_date(None, None, intent).isoformat() == "2026-11-22"
    assert scoring_date(pd.Timestamp("2026-10-04").date(), None, intent).isoformat() == "2026-10-04"
