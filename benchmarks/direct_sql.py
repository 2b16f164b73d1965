"""Run dbt's compiled SQL for the market models straight in DuckDB, in dependency order.

The side-by-side baseline for the dbt build: same SQL, same engine, same data, no dbt. Each model
is written into a scratch schema so the warehouse's own tables stay untouched.
"""

from __future__ import annotations

import json
import re
import sys
import time
from pathlib import Path

import duckdb

REPO = Path(__file__).resolve().parents[1]
MANIFEST = REPO / "dbt_project" / "target" / "manifest.json"
SCRATCH = "bench_direct"


def market_models(manifest: dict) -> list[dict]:
    """Compiled market models in topological order (dbt's own dependency graph)."""
    nodes = {uid: n for uid, n in manifest["nodes"].items()
             if n["resource_type"] == "model" and n.get("compiled_code")
             and any(part in ("intermediate", "marts") for part in n["fqn"])}
    ordered, seen = [], set()

    def visit(uid: str) -> None:
        if uid in seen or uid not in nodes:
            return
        seen.add(uid)
        for parent in nodes[uid]["depends_on"]["nodes"]:
            visit(parent)
        ordered.append(nodes[uid])

    for uid in sorted(nodes):
        visit(uid)
    return ordered


def main(data: str) -> int:
    manifest = json.loads(MANIFEST.read_text())
    models = market_models(manifest)
    con = duckdb.connect(str(Path(data) / "warehouse" / "terrain.duckdb"))
    con.execute(f"create schema if not exists {SCRATCH}")
    started = time.perf_counter()
    for node in models:
        sql = node["compiled_code"].replace(f'"{node["database"]}".', "")
        for other in models:
            sql = re.sub(rf'"?{other["schema"]}"?\."?{other["name"]}\b"?', f"{SCRATCH}.{other['name']}", sql)
        con.execute(f"create or replace table {SCRATCH}.{node['name']} as {sql}")
    elapsed = time.perf_counter() - started
    con.execute(f"drop schema {SCRATCH} cascade")
    con.close()
    print(f"{len(models)} models in {elapsed:.1f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
