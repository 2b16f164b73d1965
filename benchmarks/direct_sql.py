"""The floor of each dbt step of ``terrain run``: dbt's compiled SQL run straight in DuckDB.

For each of the run's three dbt selections (staging and seeds, market models, scored models), the
bench compiles the selection with the run's vars (``dbt compile``, untimed), then runs what
``dbt build`` would run, in dependency order, on a copy of the run's warehouse: a view or table per
model (``create or replace`` under the model's own name; an incremental model is computed into a
table beside its own, since its compiled SQL reads the existing table), each seed's CSV read into
its table with the types the run gave it, and each data test counted (``select count(*)`` of its
compiled SQL). Same SQL, same engine, same data, no dbt: the time is the floor dbt's own
machinery (process start, parse, adapter, one statement at a time, dagster-dbt's events and row
counts) stands on.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import duckdb

REPO = Path(__file__).resolve().parents[1]
DBT_PROJECT = REPO / "dbt_project"
UNIT_TESTS = "test_type:unit"


def selections() -> dict[str, tuple[str, str]]:
    """Stage name -> (dbt select, dbt exclude), the run's own selections (orchestration.assets.dbt)."""
    from orchestration.assets.dbt import MARKET_SELECT, SCORED_SELECT, STAGING_SELECT

    return {"dbt staging": (STAGING_SELECT, UNIT_TESTS),
            "dbt market models": (MARKET_SELECT, f"{SCORED_SELECT} {UNIT_TESTS}"),
            "dbt scored models": (SCORED_SELECT, UNIT_TESTS)}


def compile_selection(select: str, exclude: str, target: Path, warehouse: Path, dbt_vars: str) -> list[dict]:
    """The nodes dbt compiles for ``select``, in its manifest's words, compiled_code included."""
    env = {**os.environ, "TERRAIN_DUCKDB_PATH": str(warehouse)}
    command = [str(Path(sys.executable).parent / "dbt"), "--quiet", "compile", "--select", select,
               "--exclude", exclude, "--vars", dbt_vars, "--target-path", str(target),
               "--project-dir", str(DBT_PROJECT), "--profiles-dir", str(DBT_PROJECT)]
    subprocess.run(command, env=env, check=True, cwd=REPO)
    manifest = json.loads((target / "manifest.json").read_text())
    compiled = [result["unique_id"] for result in json.loads((target / "run_results.json").read_text())["results"]]
    return [manifest["nodes"][uid] for uid in compiled if uid in manifest["nodes"]]


def in_dependency_order(nodes: list[dict]) -> list[dict]:
    """Seeds and models before what reads them (dbt's own graph), then the data tests."""
    by_id = {node["unique_id"]: node for node in nodes if node["resource_type"] != "test"}
    ordered, seen = [], set()

    def visit(uid: str) -> None:
        if uid in seen or uid not in by_id:
            return
        seen.add(uid)
        for parent in by_id[uid]["depends_on"].get("nodes", []):
            visit(parent)
        ordered.append(by_id[uid])

    for uid in sorted(by_id):
        visit(uid)
    return ordered + sorted((node for node in nodes if node["resource_type"] == "test"),
                            key=lambda node: node["unique_id"])


def _seed_columns(con: duckdb.DuckDBPyConnection, node: dict) -> str:
    rows = con.execute("select column_name, data_type from duckdb_columns() where schema_name = ? "
                       "and table_name = ? order by column_index", [node["schema"], node["name"]]).fetchall()
    return "{" + ", ".join(f"'{name}': '{kind}'" for name, kind in rows) + "}"


def statement(con: duckdb.DuckDBPyConnection, node: dict) -> str | None:
    """What DuckDB runs for ``node``; None for an ephemeral model (dbt inlines it where it is read)."""
    kind, relation = node["resource_type"], node.get("relation_name")
    if kind == "test":
        return f"select count(*) from ({node['compiled_code']}) as data_test"
    if kind == "seed":
        path = DBT_PROJECT / node["original_file_path"]
        return (f"create or replace table {relation} as select * from "
                f"read_csv('{path}', header = true, columns = {_seed_columns(con, node)})")
    materialized = node["config"]["materialized"]
    if materialized == "ephemeral":
        return None
    if materialized == "view":
        return f"create or replace view {relation} as {node['compiled_code']}"
    if materialized == "incremental":
        relation = f'"{node["database"]}"."{node["schema"]}"."{node["name"]}__floor"'
    return f"create or replace table {relation} as {node['compiled_code']}"


def run_direct(warehouse: Path, nodes: list[dict]) -> dict:
    """Run ``nodes`` straight in DuckDB; seconds and what was run."""
    con = duckdb.connect(str(warehouse))
    try:
        plan = [(node, statement(con, node)) for node in in_dependency_order(nodes)]
        plan = [(node, sql) for node, sql in plan if sql is not None]
        started = time.perf_counter()
        for _, sql in plan:
            con.execute(sql).fetchall()
        seconds = time.perf_counter() - started
    finally:
        con.close()
    counts = {kind: sum(1 for node, _ in plan if node["resource_type"] == kind) for kind in ("seed", "model", "test")}
    return {"seconds": round(seconds, 2), **counts}


def main(warehouse: str, target: str) -> int:
    from orchestration.settings import load_settings

    dbt_vars = json.dumps(load_settings().dbt_vars())
    compiled = {stage: compile_selection(select, exclude, Path(target), Path(warehouse), dbt_vars)
                for stage, (select, exclude) in selections().items()}
    floors = {stage: run_direct(Path(warehouse), nodes) for stage, nodes in compiled.items()}
    print(json.dumps(floors))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
