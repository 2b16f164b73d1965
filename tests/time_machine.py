"""Cut a landing zone back to what existed at the end of a day ``t`` (the time machine of issue 12).

A snapshot of the warehouse at ``t`` must see exactly what the landing zone would have held had the
exports been taken that evening. The cut follows the point-in-time rules shared by scoring and the
sample world (``pit_spec``): a row counts as known at ``t`` when it is stamped before ``t`` + 1 day.

- CRM accounts, contacts and opportunities: a record created after ``t`` is gone; every other record
  is reduced to its version at ``t``, the newest delivered version modified by ``t``, or when every
  delivered version was modified later, the oldest one (best knowledge). A record's creation is its
  ``CreatedDate``, else its oldest delivered ``LastModifiedDate``; with neither it always existed.
- activities, lead scores, G2 days and Bombora weeks stamped after ``t`` are gone (a Bombora week
  counts once it has ended);
- technologies first seen after ``t`` are gone, ``Last_Seen`` after ``t`` reads ``t``;
- the vendor universe, the users and the territories are kept as delivered: they keep no history.

Files are read with the contract's column names as written and rewritten as CSV; a CRM source
becomes one delivery holding the versions at ``t``.
"""

from __future__ import annotations

import re
import shutil
from datetime import date
from pathlib import Path

import pandas as pd

CRM_SOURCES = ("crm/accounts", "crm/contacts", "crm/opportunities")
STAMPED = {"map/activities": "activity_ts", "map/scores": "scored_at", "intent/g2": "date"}
KEPT = ("crm/users", "territories/definitions", "territories/rules", "vendor/firmographics")
ISO_DATE = re.compile(r"(\d{4}-\d{2}-\d{2})")


def _stamp(values: pd.Series) -> pd.Series:
    stamps = pd.to_datetime(values.replace("", pd.NA), utc=True, format="mixed", errors="coerce")
    return stamps.dt.tz_localize(None)


def _deliveries(folder: Path) -> list[Path]:
    return sorted((p for p in folder.iterdir() if p.suffix == ".csv"), key=lambda p: p.name.encode())


def _read(folder: Path) -> pd.DataFrame:
    frames = []
    for k, path in enumerate(_deliveries(folder)):
        rows = pd.read_csv(path, dtype=str, keep_default_na=False)
        frames.append(rows.assign(_delivery=k, _row=range(len(rows))))
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def _write(frame: pd.DataFrame, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    frame.drop(columns=[c for c in ("_delivery", "_row") if c in frame.columns]).to_csv(path, index=False)


def versions_at(records: pd.DataFrame, end: pd.Timestamp) -> pd.DataFrame:
    """Each record's version at ``end`` (exclusive), records created at or after ``end`` left out."""
    frame = records.copy()
    frame["_modified"] = _stamp(frame["LastModifiedDate"])
    frame = frame.sort_values(["Id", "_delivery", "_row"], kind="stable")
    frame["_modified"] = frame.groupby("Id")["_modified"].transform(lambda s: s.cummax().ffill())
    created = _stamp(frame["CreatedDate"]) if "CreatedDate" in frame else pd.Series(pd.NaT, index=frame.index)
    created = created.fillna(frame.groupby("Id")["_modified"].transform("min"))
    frame = frame[created.isna() | (created < end)]
    frame = frame.sort_values(["Id", "_modified", "_delivery", "_row"], na_position="first", kind="stable")
    known = frame[frame["_modified"].isna() | (frame["_modified"] < end)]
    newest_known = known.drop_duplicates("Id", keep="last")
    oldest = frame.drop_duplicates("Id", keep="first")
    chosen = pd.concat([newest_known, oldest[~oldest["Id"].isin(newest_known["Id"])]])
    return chosen.drop(columns="_modified").sort_values("Id", kind="stable")


def _week_of(path: Path, rows: pd.DataFrame) -> pd.Series:
    if "Week" in rows.columns:
        weeks = pd.to_datetime(rows["Week"].replace("", pd.NA), errors="coerce")
    else:
        weeks = pd.Series(pd.NaT, index=rows.index)
    found = ISO_DATE.search(path.name)
    return weeks.fillna(pd.Timestamp(found.group(1)) if found else pd.NaT)


def cut_landing(source: Path, target: Path, t: date) -> Path:
    """Write under ``target`` the landing zone ``source`` as it stood at the end of day ``t``."""
    end = pd.Timestamp(t) + pd.Timedelta(days=1)
    for folder in KEPT:
        if (source / folder).is_dir():
            shutil.copytree(source / folder, target / folder)
    for folder in CRM_SOURCES:
        if (source / folder).is_dir():
            _write(versions_at(_read(source / folder), end), target / folder / "versions_at_t.csv")
    for folder, column in STAMPED.items():
        for path in _deliveries(source / folder) if (source / folder).is_dir() else []:
            rows = pd.read_csv(path, dtype=str, keep_default_na=False)
            kept = rows[_stamp(rows[column]) < end]
            if len(kept):
                _write(kept, target / folder / path.name)
    bombora = source / "intent" / "bombora"
    for path in _deliveries(bombora) if bombora.is_dir() else []:
        rows = pd.read_csv(path, dtype=str, keep_default_na=False)
        kept = rows[_week_of(path, rows) + pd.Timedelta(days=7) <= end]
        if len(kept):
            _write(kept, target / "intent" / "bombora" / path.name)
    techno = source / "vendor" / "technographics"
    for path in _deliveries(techno) if techno.is_dir() else []:
        rows = pd.read_csv(path, dtype=str, keep_default_na=False)
        rows = rows[_stamp(rows["First_Seen"]).isna() | (_stamp(rows["First_Seen"]) < end)].copy()
        later = _stamp(rows["Last_Seen"]) >= end
        rows.loc[later, "Last_Seen"] = t.isoformat()
        _write(rows, target / "vendor" / "technographics" / path.name)
    return target
