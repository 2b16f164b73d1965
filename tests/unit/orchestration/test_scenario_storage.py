"""Scenario rows replace their own earlier rows and fit tables an older Terrain created."""

import duckdb
import pandas as pd

from orchestration.planning.scenarios import _replace_rows


def test_new_metric_columns_are_added_to_an_older_table():
    con = duckdb.connect()
    con.execute("create schema marts")
    con.execute("create table marts.territory_plan_metrics (scenario_id varchar, segment varchar, share_accounts_moved double)")
    con.execute("insert into marts.territory_plan_metrics values ('old', 'SMB', 0.3), ('proposed', 'SMB', 0.5)")
    frame = pd.DataFrame({"scenario_id": ["proposed"], "segment": ["SMB"], "share_accounts_moved": [0.25],
                          "min_share_load_moved": [0.2]})

    _replace_rows(con, "marts.territory_plan_metrics", frame, "proposed")

    rows = con.execute("select scenario_id, share_accounts_moved, min_share_load_moved "
                       "from marts.territory_plan_metrics order by scenario_id").fetchall()
    assert rows == [("old", 0.3, None), ("proposed", 0.25, 0.2)]
