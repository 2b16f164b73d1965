"""From scored pairs to companies: which records are one account.

Vendor companies anchor the groups: each is one real company, so two vendor records never merge.
Every CRM account joins at most one vendor company (the domain match if there is one, else its
most probable model match). CRM accounts that are one company (same domain, or a confident model
pair) then join each other, strongest evidence first, unless that would put two different vendor
companies into one account: a pair that conflicts with the vendor anchors is ignored.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

DUPLICATE_METHOD = "crm_duplicate"


@dataclass
class _Component:
    vendor: str | None
    members: list[str] = field(default_factory=list)


class _AnchoredUnion:
    """Union-find over record ids in which a component holds at most one vendor record."""

    def __init__(self) -> None:
        self._parent: dict[str, str] = {}
        self._components: dict[str, _Component] = {}

    def add(self, unique_id: str, vendor: str | None = None) -> None:
        if unique_id not in self._parent:
            self._parent[unique_id] = unique_id
            self._components[unique_id] = _Component(vendor=vendor, members=[unique_id])

    def find(self, unique_id: str) -> str:
        root = unique_id
        while self._parent[root] != root:
            root = self._parent[root]
        while self._parent[unique_id] != root:
            self._parent[unique_id], unique_id = root, self._parent[unique_id]
        return root

    def union(self, a: str, b: str) -> bool:
        """Merge the components of a and b unless they hold different vendor companies."""
        root_a, root_b = self.find(a), self.find(b)
        if root_a == root_b:
            return False
        comp_a, comp_b = self._components[root_a], self._components[root_b]
        if comp_a.vendor and comp_b.vendor and comp_a.vendor != comp_b.vendor:
            return False
        if len(comp_a.members) < len(comp_b.members):
            root_a, root_b, comp_a, comp_b = root_b, root_a, comp_b, comp_a
        self._parent[root_b] = root_a
        comp_a.members.extend(comp_b.members)
        comp_a.vendor = comp_a.vendor or comp_b.vendor
        del self._components[root_b]
        return True

    def components(self) -> dict[str, _Component]:
        return self._components


def best_vendor_links(
    deterministic: pd.DataFrame, scored: pd.DataFrame, vendor_ids: set[str]
) -> pd.DataFrame:
    """One vendor company per CRM account: the domain decision, else the most probable pair.

    Returns crm_unique_id, vendor_unique_id, match_probability, match_method.
    """
    model = scored[scored["right_unique_id"].isin(vendor_ids)].rename(
        columns={"left_unique_id": "crm_unique_id", "right_unique_id": "vendor_unique_id"}
    )
    model = model[~model["crm_unique_id"].isin(set(deterministic["crm_unique_id"]))]
    model = model.sort_values(
        ["crm_unique_id", "match_probability", "vendor_unique_id"], ascending=[True, False, True]
    ).drop_duplicates("crm_unique_id")
    columns = ["crm_unique_id", "vendor_unique_id", "match_probability", "match_method"]
    links = pd.concat([deterministic[columns], model[columns]], ignore_index=True)
    return links.sort_values("crm_unique_id", ignore_index=True)


def group_records(
    records: pd.DataFrame, vendor_links: pd.DataFrame, crm_pairs: pd.DataFrame
) -> pd.DataFrame:
    """Assign every record to a company group.

    ``records``: unique_id (``v:``/``c:`` prefixed). ``vendor_links``: output of ``best_vendor_links``.
    ``crm_pairs``: left_unique_id, right_unique_id, match_probability (CRM-to-CRM evidence).
    Returns unique_id, group_id (the vendor record's id when the group has one, else its smallest
    CRM id), link_probability and link_method (how the record entered its group; null for the
    group's anchor).
    """
    union = _AnchoredUnion()
    linked = set(vendor_links["vendor_unique_id"]) | set(vendor_links["crm_unique_id"])
    linked |= set(crm_pairs["left_unique_id"]) | set(crm_pairs["right_unique_id"])
    for unique_id in linked:
        union.add(unique_id, unique_id if unique_id.startswith("v:") else None)

    link_probability: dict[str, float] = {}
    link_method: dict[str, str] = {}
    for crm_id, vendor_id, probability, method in vendor_links[
        ["crm_unique_id", "vendor_unique_id", "match_probability", "match_method"]
    ].itertuples(index=False):
        if union.union(vendor_id, crm_id):
            link_probability[crm_id] = float(probability)
            link_method[crm_id] = method

    ordered = crm_pairs.sort_values(
        ["match_probability", "left_unique_id", "right_unique_id"], ascending=[False, True, True]
    )
    for left, right, probability in ordered[
        ["left_unique_id", "right_unique_id", "match_probability"]
    ].itertuples(index=False):
        newcomers = [uid for uid in (left, right) if uid not in link_method]
        if union.union(left, right):
            for uid in newcomers:
                link_probability[uid] = float(probability)
                link_method[uid] = DUPLICATE_METHOD

    rows = []
    for component in union.components().values():
        group_id = component.vendor or min(component.members)
        for uid in component.members:
            rows.append((uid, group_id, link_probability.get(uid), link_method.get(uid)))
    untouched = records.loc[~records["unique_id"].isin(linked), "unique_id"].to_numpy()
    grouped = pd.DataFrame(rows, columns=["unique_id", "group_id", "link_probability", "link_method"])
    _clear_anchor_links(grouped)
    alone = pd.DataFrame({"unique_id": untouched, "group_id": untouched,
                          "link_probability": np.full(len(untouched), np.nan),
                          "link_method": np.full(len(untouched), None, dtype=object)})
    groups = pd.concat([frame for frame in (grouped, alone) if len(frame)], ignore_index=True)
    groups["link_probability"] = groups["link_probability"].astype(float)
    return groups


def _clear_anchor_links(groups: pd.DataFrame) -> None:
    """The record a CRM-only group is named after holds no link; a singleton holds none either."""
    is_anchor = groups["unique_id"] == groups["group_id"]
    sizes = groups.groupby("group_id")["unique_id"].transform("size")
    groups.loc[is_anchor | (sizes == 1), ["link_probability", "link_method"]] = None
