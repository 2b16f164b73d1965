"""Reading a generated landing folder back, the way an ingestion step would."""

from __future__ import annotations

import pandas as pd


def read_landing(folder) -> pd.DataFrame:
    """Every delivery in a landing folder, stacked, all text."""
    frames = []
    for path in sorted(folder.iterdir()):
        if path.suffix == ".parquet":
            frames.append(pd.read_parquet(path).astype("string"))
        else:
            frames.append(pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""], encoding="utf-8-sig"))
    return pd.concat(frames, ignore_index=True)
