"""Account keys survive re-runs, merges, splits and new deliveries."""

from __future__ import annotations

import re

import pandas as pd

from models_ml.identity.keys import assign_keys, derive_key


def _groups(mapping: dict[str, list[str]]) -> pd.DataFrame:
    rows = [(uid, group) for group, members in mapping.items() for uid in members]
    return pd.DataFrame(rows, columns=["unique_id", "group_id"])


def _previous(mapping: dict[str, str]) -> pd.DataFrame:
    rows = [("vendor" if uid.startswith("v:") else "crm", uid[2:], key) for uid, key in mapping.items()]
    return pd.DataFrame(rows, columns=["record_source", "record_id", "account_key"])


def test_derived_key_format_and_anchor():
    key = derive_key("v:12345")
    assert re.fullmatch(r"ACC-[0-9a-f]{12}", key)
    assert key == derive_key("v:12345") != derive_key("c:12345")


def test_keys_derive_from_vendor_else_smallest_crm_id():
    keys = assign_keys(_groups({"v:9": ["v:9", "c:2"], "c:3": ["c:3", "c:7"]}))
    assert keys["v:9"] == derive_key("v:9")
    assert keys["c:3"] == derive_key("c:3")


def test_previous_key_survives_a_new_vendor_match():
    """A CRM-only account that the vendor universe now covers keeps the key people know."""
    previous = _previous({"c:3": "ACC-aaaaaaaaaaaa"})
    keys = assign_keys(_groups({"v:9": ["v:9", "c:3"]}), previous)
    assert keys["v:9"] == "ACC-aaaaaaaaaaaa"


def test_merge_keeps_the_vendor_key_and_retires_the_other():
    previous = _previous({"v:9": "ACC-vendor000001", "c:3": "ACC-crmonly00001"})
    keys = assign_keys(_groups({"v:9": ["v:9", "c:3"], "c:5": ["c:5"]}), previous)
    assert keys["v:9"] == "ACC-vendor000001"
    assert "ACC-crmonly00001" not in set(keys)


def test_split_gives_the_old_key_to_the_larger_part_only():
    previous = _previous({"c:1": "ACC-old000000001", "c:2": "ACC-old000000001",
                          "c:3": "ACC-old000000001"})
    keys = assign_keys(_groups({"c:1": ["c:1", "c:2"], "c:3": ["c:3"]}), previous)
    assert keys["c:1"] == "ACC-old000000001"
    assert keys["c:3"] == derive_key("c:3")
    assert keys.is_unique


def test_derived_key_never_collides_with_a_kept_key():
    """c:1's derived key is already held by another group, so c:1 gets a salted key."""
    previous = _previous({"c:2": derive_key("c:1")})
    keys = assign_keys(_groups({"c:1": ["c:1"], "c:2": ["c:2"]}), previous)
    assert keys["c:2"] == derive_key("c:1")
    assert keys["c:1"] == derive_key("c:1#1")
    assert keys.is_unique
