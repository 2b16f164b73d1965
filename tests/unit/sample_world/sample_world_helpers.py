"""Reading a generated landing folder back, the way an ingestion step would."""

from __future__ import annotations

import pandas as pd


def read_landing(folder) -> pd.DataFrame:
    """Every delivery in a landing folder, stacked in file-name order, all text; `_delivery` numbers the file."""
    frames = []
    for delivery, path in enumerate(sorted(folder.iterdir())):
        if path.suffix == ".parquet":
            frame = pd.read_parquet(path).astype("string")
        else:
            frame = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""], encoding="utf-8-sig")
        frames.append(frame.assign(_delivery=delivery, _file=path.name))
    return pd.concat(frames, ignore_index=True)


def current_records(folder) -> pd.DataFrame:
    """Today's CRM: each Id's newest version by LastModifiedDate, ties to the later delivery, then the later row."""
    rows = read_landing(folder)
    modified = pd.to_datetime(rows["LastModifiedDate"], utc=True, format="mixed")
    ordered = rows.assign(_modified=modified).sort_values(["_modified", "_delivery"], kind="stable")
    return ordered.drop_duplicates("Id", keep="last").sort_index().reset_index(drop=True)
