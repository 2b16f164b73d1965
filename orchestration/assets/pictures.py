"""Pictures the Dagster UI shows beside a dbt model's figures, for the reader who decides on them.

``territory_resources`` answers "does this territory have the right resources": each current
territory's potential per rep against its segment's mean, a bar per territory by name, so a sales
leader sees at a glance which books are too rich for one rep and which too thin. The picture is
drawn when the dbt step that built the model has finished (see ``orchestration.assets.dbt``), from
the table itself and the territories' names (``int_territory_kinds``, built in an earlier step), and
attached to that model's materialization.
"""

from __future__ import annotations

import base64
from collections.abc import Callable, Mapping
from typing import Any

import dagster as dg
import duckdb
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from models_ml.territory.charts import png_bytes

RESOURCES_QUERY = """
    select coalesce(kinds.territory_name, resources.key) as territory, resources.segment,
           resources.reps, resources.potential_per_rep_usd, resources.gap_to_segment_mean_pct
    from {relation} as resources
    left join intermediate.int_territory_kinds as kinds on kinds.territory_id = resources.key
    where resources.level = 'territory' and resources.reps > 0
"""


def territory_resources_figure(frame: pd.DataFrame) -> Figure:
    """Bars of each territory's potential per rep against its segment's mean (0 = the mean), by segment."""
    ordered = frame.sort_values(["segment", "gap_to_segment_mean_pct"], ascending=[True, False]).reset_index(drop=True)
    segments = sorted(ordered["segment"].dropna().unique())
    colours = {segment: plt.get_cmap("tab10")(i % 10) for i, segment in enumerate(segments)}
    fig, ax = plt.subplots(figsize=(9, max(3.0, 0.28 * len(ordered) + 1.2)))
    y = np.arange(len(ordered))[::-1]
    ax.barh(y, ordered["gap_to_segment_mean_pct"], color=[colours.get(s, "#999999") for s in ordered["segment"]])
    ax.set_yticks(y)
    ax.set_yticklabels(ordered["territory"], fontsize=7)
    ax.axvline(0.0, color="#333333", linewidth=1)
    ax.set_xlabel("potential per rep against the segment's mean (%)")
    ax.set_title("Does each territory have the right resources?")
    ax.legend(handles=[plt.Rectangle((0, 0), 1, 1, color=colours[s]) for s in segments], labels=segments,
              fontsize=7, frameon=False, loc="lower right")
    return fig


def _image(png: bytes, title: str) -> dg.MetadataValue:
    return dg.MetadataValue.md(f"![{title}](data:image/png;base64,{base64.b64encode(png).decode()})")


def territory_resources_picture(con: duckdb.DuckDBPyConnection, relation: str) -> dict[str, dg.MetadataValue]:
    frame = con.execute(RESOURCES_QUERY.format(relation=relation)).df()
    if frame.empty:
        return {}
    return {"resources_by_territory": _image(png_bytes(territory_resources_figure(frame)), "territory resources")}


PICTURES: dict[str, Callable[[duckdb.DuckDBPyConnection, str], dict[str, dg.MetadataValue]]] = {
    "territory_resources": territory_resources_picture,
}


def model_pictures(con: duckdb.DuckDBPyConnection, node: Mapping[str, Any]) -> dict[str, dg.MetadataValue]:
    """The pictures of the dbt model ``node`` (a manifest node), none for a model without any."""
    draw = PICTURES.get(node.get("name", ""))
    if draw is None:
        return {}
    try:
        return draw(con, f'"{node["schema"]}"."{node.get("alias") or node["name"]}"')
    except duckdb.Error as error:  # a picture missing must not cost the figures of the step's other models
        dg.get_dagster_logger().warning(f"No picture for {node['name']}: {error}")
        return {}
