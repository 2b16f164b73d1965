"""Reading the warehouse for scoring: only the columns scoring keeps, joined by key like a merge."""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd
import pytest

from models_ml.scoring.inputs import _to_timestamp
from models_ml.scoring.load import ACTIVITIES, ACTIVITY_COLUMNS, _left_join, _read, _read_columns, load_tables


@pytest.fixture()
def con():
    with duckdb.connect() as connection:
        connection.execute("create schema intermediate")
        yield connection


def test_reads_only_the_named_columns_under_their_new_names(con):
    con.execute("""create table intermediate.int_map_activities_attributed as
                   select * from (values ('a@x.com', 'Web_Visit', timestamp '2026-11-02 10:00:00', 'c1', 'k1',
                                          'unused', 'k-domain', timestamp '2025-01-01'))
                   t(email, activity_type, activity_at, contact_id, account_key, campaign, domain_account_key,
                     domain_known_from)""")
    frame = _read_columns(con, ACTIVITIES, ACTIVITY_COLUMNS)

    assert list(frame.columns) == ["contact_id", "email", "activity_type", "activity_ts", "domain_account_key",
                                   "domain_known_from"]
    assert frame.loc[0, "activity_ts"] == pd.Timestamp("2026-11-02 10:00:00")
    assert frame.loc[0, "activity_type"] == "Web_Visit"


def test_a_missing_column_is_left_out_and_an_upstream_name_matches_regardless_of_case(con):
    con.execute('create table intermediate.t as select 1 as "Contact_ID", 2 as other')
    frame = _read_columns(con, "intermediate.t", {"contact_id": "contact_id", "email": "email"})

    assert list(frame.columns) == ["contact_id"]
    assert frame["contact_id"].tolist() == [1]


def test_a_table_with_none_of_the_columns_keeps_its_row_count_and_a_missing_table_reads_empty(con):
    con.execute("create table intermediate.t as select * from range(3) r(other)")

    assert len(_read_columns(con, "intermediate.t", {"email": "email"})) == 3
    assert _read_columns(con, "intermediate.absent", {"email": "email"}).empty


def test_the_warehouse_load_gives_activities_without_todays_link(con):
    con.execute("create schema marts")
    con.execute("""create table intermediate.int_companies_unified as
                   select * from (values ('k1', 'Acme', 10.0, false, 'o1'), ('k2', 'Beta', 20.0, true, 'o2'))
                   t(account_key, account_name, employees, is_customer, owner_user_id)""")
    con.execute("""create table marts.territory_current as select * from (values ('k2', 'T2', 'u2'))
                   t(account_key, territory_id, territory_owner_user_id)""")
    con.execute("""create table intermediate.int_map_activities_attributed as
                   select * from (values (' A@X.com ', 'web_visit', timestamp '2026-11-02', 'k1', 'k1'))
                   t(email, activity_type, activity_at, account_key, domain_account_key)""")
    tables = load_tables(con)

    assert tables.accounts["owner_user_id"].isna().tolist() == [True, False]
    assert tables.accounts.loc[1, "owner_user_id"] == "u2"
    assert tables.accounts["owner_user_id_crm"].tolist() == ["o1", "o2"]
    activities = tables.inputs.activities
    assert activities["account_key"].isna().all()
    assert activities["email"].tolist() == ["A@X.com"]
    assert activities["domain_account_key"].tolist() == ["k1"]


@pytest.mark.parametrize("where", ["true", "false"])
def test_a_table_read_through_arrow_is_typed_as_duckdb_types_it(con, where):
    con.execute("""create table intermediate.t as
                   select i::integer as a, case when i % 2 = 0 then null else i end::bigint as b, i % 3 = 0 as c,
                          case when i % 2 = 0 then null else i % 3 = 0 end as d, date '2026-01-01' + i::integer as e,
                          case when i % 2 = 0 then null else 'x' || i end as f, i * 1.5::double as g,
                          (i * 1.5)::float as h, timestamp '2026-01-01 10:00:00' + to_seconds(i) as k,
                          null::boolean as l, null::bigint as m, null::date as n, (i * 1.5)::decimal(18, 3) as p
                   from range(5) r(i)""")
    sql = "select * from {table} where " + where

    pd.testing.assert_frame_equal(_read(con, sql, "intermediate.t"), con.execute(sql.format(table="intermediate.t")).df(),
                                  check_exact=True)
    plain = "select a, b, c, d, e, f, g, h, k, l, m, n from {table} where " + where
    pd.testing.assert_frame_equal(_read(con, plain, "intermediate.t"),
                                  con.execute(plain.format(table="intermediate.t")).df(), check_exact=True)


@pytest.mark.parametrize("right_keys", [["k2", "k9", None], ["k3", "k1", "k2"]])
def test_a_join_by_unique_key_equals_the_merge(right_keys):
    left = pd.DataFrame({"account_key": ["k1", "k2", "k2", None, "k3"], "owner": ["a", "b", "c", "d", "e"],
                         "flag": [True, False, True, True, False]})
    right = pd.DataFrame({"account_key": right_keys, "owner": ["x", "y", "z"], "flag": [True, False, True],
                          "known_from": pd.to_datetime(["2025-01-01", None, "2025-03-01"])})

    expected = left.merge(right, on="account_key", how="left", suffixes=("_crm", ""))
    pd.testing.assert_frame_equal(_left_join(left, right, "account_key", suffixes=("_crm", "")), expected)
    assert list(left.columns) == ["account_key", "owner", "flag"]


def test_a_join_with_repeated_keys_keeps_every_match_like_the_merge():
    left = pd.DataFrame({"account_key": ["k1", "k2"]})
    right = pd.DataFrame({"account_key": ["k1", "k1"], "motion": ["upsell", "renewal"]})

    joined = _left_join(left, right, "account_key")
    assert joined["motion"].tolist() == ["upsell", "renewal", np.nan]


def test_naive_timestamps_of_any_unit_keep_their_value():
    values = pd.Series(pd.to_datetime(["2026-11-02 10:30:00", None]).astype("datetime64[us]"))
    aware = pd.Series(pd.to_datetime(["2026-11-02 10:30:00+02:00", None]))

    pd.testing.assert_series_equal(_to_timestamp(values),
                                   pd.Series(pd.to_datetime(["2026-11-02 10:30:00", None]), dtype="datetime64[ns]"))
    assert _to_timestamp(aware).iloc[0] == pd.Timestamp("2026-11-02 08:30:00")
