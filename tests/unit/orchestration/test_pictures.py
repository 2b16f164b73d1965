"""The territory-resources picture the UI shows on marts/territory_resources: territories by name, richest
book first within each segment, territories without reps left out."""

from __future__ import annotations

import duckdb
import pytest

from orchestration.assets.pictures import RESOURCES_QUERY, model_pictures, territory_resources_figure


@pytest.fixture
def warehouse():
    con = duckdb.connect()
    con.execute("create schema marts")
    con.execute("create schema intermediate")
    con.execute("""create table marts.territory_resources as select * from (values
        ('territory', 'T-1', 'SMB', 1.0, 2.0e6, 40.0), ('territory', 'T-2', 'SMB', 2.0, 1.0e6, -40.0),
        ('territory', 'T-3', 'Enterprise', 1.0, 9.0e6, 0.0), ('territory', 'UNASSIGNED', 'SMB', 0.0, null, null),
        ('state', 'US-CA', 'SMB', 3.0, 1.5e6, 0.0))
        as t(level, key, segment, reps, potential_per_rep_usd, gap_to_segment_mean_pct)""")
    con.execute("""create table intermediate.int_territory_kinds as select * from (values
        ('T-1', 'SMB West'), ('T-2', 'SMB East'), ('T-3', 'Enterprise Named')) as t(territory_id, territory_name)""")
    yield con
    con.close()


def test_bars_are_territories_by_name_with_reps_ordered_within_their_segment(warehouse):
    frame = warehouse.execute(RESOURCES_QUERY.format(relation="marts.territory_resources")).df()
    axes = territory_resources_figure(frame).axes[0]
    top_down = sorted(axes.get_yticklabels(), key=lambda tick: -tick.get_position()[1])
    assert [tick.get_text() for tick in top_down] == ["Enterprise Named", "SMB West", "SMB East"]
    assert sorted(bar.get_width() for bar in axes.patches) == [-40.0, 0.0, 40.0]


def test_a_picture_that_cannot_be_drawn_costs_nothing_else(warehouse):
    warehouse.execute("drop table intermediate.int_territory_kinds")
    assert model_pictures(warehouse, {"name": "territory_resources", "schema": "marts"}) == {}


def test_the_picture_is_attached_to_territory_resources_only(warehouse):
    node = {"name": "territory_resources", "schema": "marts"}
    picture = model_pictures(warehouse, node)["resources_by_territory"]
    assert picture.value.startswith("![territory resources](data:image/png;base64,iVBORw0KGgo")
    assert model_pictures(warehouse, {"name": "tam_by_territory", "schema": "marts"}) == {}
