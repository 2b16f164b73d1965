"""Stable account keys: the id downstream tables, the CRM write-back and people's notes rely on.

A key is derived from the record that anchors the company: ``ACC-`` + the first 12 hex digits of
``sha1("v:" + Company_Id)`` when the company has a vendor record, else of ``sha1("c:" + smallest
CRM Id)``. The same inputs therefore give the same keys on every run, with no state.

When the previous run's keys are given, they win over derivation, so a key survives new
deliveries and new matches:

- a group keeps the previous key of its vendor record if it had one, else the previous key held
  by most of its CRM records;
- merge: the group keeps one of its members' keys by that rule; the other keys retire;
- split: a previous key goes to the one group holding most of its former records (ties go to
  the vendor-anchored group, then to the smaller derived key); the other parts get new keys;
- a derived key that is already in use by another group is re-derived with a ``#n`` salt.
"""

from __future__ import annotations

import hashlib

import pandas as pd

KEY_PREFIX = "ACC-"


def derive_key(anchor: str) -> str:
    """``ACC-`` + 12 hex digits of the SHA-1 of an anchor such as ``v:<Company_Id>``."""
    return KEY_PREFIX + hashlib.sha1(anchor.encode("utf-8")).hexdigest()[:12]


def assign_keys(groups: pd.DataFrame, previous_keys: pd.DataFrame | None = None) -> pd.Series:
    """The account key of every group, indexed by group_id.

    ``groups``: unique_id (``v:``/``c:`` + record id) and group_id (the anchor's unique id).
    ``previous_keys``: record_source, record_id, account_key of an earlier run, or None.
    """
    group_ids = pd.Index(sorted(groups["group_id"].unique()), name="group_id")
    derived = {gid: derive_key(gid) for gid in group_ids}
    keys: dict[str, str] = {}
    used: set[str] = set()

    if previous_keys is not None and len(previous_keys):
        for group_id, key in _previous_key_choices(groups, previous_keys, derived):
            if group_id not in keys and key not in used:
                keys[group_id] = key
                used.add(key)

    for group_id in group_ids:
        if group_id in keys:
            continue
        key, salt = derived[group_id], 0
        while key in used:
            salt += 1
            key = derive_key(f"{group_id}#{salt}")
        keys[group_id] = key
        used.add(key)
    return pd.Series(keys, name="account_key").reindex(group_ids)


def _previous_key_choices(
    groups: pd.DataFrame, previous_keys: pd.DataFrame, derived: dict[str, str]
) -> list[tuple[str, str]]:
    """(group, previous key) claims in the order they are granted (see module docstring)."""
    prefix = previous_keys["record_source"].map({"crm": "c:", "vendor": "v:"})
    previous = pd.DataFrame(
        {"unique_id": prefix + previous_keys["record_id"].astype(str),
         "account_key": previous_keys["account_key"]}
    ).dropna().drop_duplicates("unique_id")
    held = groups[["unique_id", "group_id"]].merge(previous, on="unique_id")
    if held.empty:
        return []
    held["from_vendor"] = held["unique_id"].str.startswith("v:")
    claims = (
        held.groupby(["group_id", "account_key"])
        .agg(holders=("unique_id", "size"), from_vendor=("from_vendor", "any"))
        .reset_index()
    )
    claims["vendor_anchored"] = claims["group_id"].str.startswith("v:")
    claims["derived"] = claims["group_id"].map(derived)
    claims = claims.sort_values(
        ["from_vendor", "holders", "vendor_anchored", "derived", "account_key"],
        ascending=[False, False, False, True, True],
    )
    return list(zip(claims["group_id"], claims["account_key"]))
