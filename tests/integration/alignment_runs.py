"""``terrain run`` on the hand-written alignment landings (alignment_landings), and what a run leaves behind."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

from tests.integration.alignment_landings import Alignment
from tests.support import DataRootPaths, terrain


@dataclass(frozen=True)
class AlignmentRun(DataRootPaths):
    alignment: Alignment
    data: Path
    returncode: int
    output: str

    @property
    def crm_file(self) -> Path:
        return self.data / "serving" / "crm" / "account_updates_full.csv"

    def query(self, sql: str, db: Path | None = None) -> pd.DataFrame:
        con = duckdb.connect(str(db or self.warehouse), read_only=True)
        try:
            return con.execute(sql).df()
        finally:
            con.close()


def run_alignment(alignment: Alignment, data: Path, env: dict | None = None) -> AlignmentRun:
    result = terrain("run", "--landing", str(alignment.root), "--data", str(data), env=env)
    return AlignmentRun(alignment, data, result.returncode, result.stdout + result.stderr)
