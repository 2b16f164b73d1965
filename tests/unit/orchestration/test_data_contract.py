"""docs/DATA_CONTRACT.md: its lists are what the code and the dbt project say, and it stands alone."""

from __future__ import annotations

import difflib
import json
import shutil
from pathlib import Path

import yaml

from orchestration.ingest.registry import SOURCES
from orchestration.reference.data_contract import COMMAND, DBT_PROJECT, PAGE, PUBLISHED_SCHEMA, main, published_tables, render


def test_committed_page_is_what_the_generator_writes():
    committed = PAGE.read_text(encoding="utf-8")
    fresh = render(committed)
    diff = "\n".join(list(difflib.unified_diff(committed.splitlines(), fresh.splitlines(), "committed", "generated",
                                               lineterm=""))[:40])
    assert fresh == committed, f"docs/DATA_CONTRACT.md is stale: run `{COMMAND}`\n{diff}"
    assert main(["--check"]) == 0


def test_published_tables_are_those_dbt_puts_in_marts():
    """The yml reading agrees with dbt's own resolution of every model's and source's schema."""
    from orchestration.assets.dbt import ensure_manifest

    manifest = json.loads(ensure_manifest().read_text(encoding="utf-8"))
    in_marts = {}
    for node in manifest["nodes"].values():
        if node["resource_type"] == "model" and node["schema"] == PUBLISHED_SCHEMA:
            in_marts[node.get("alias") or node["name"]] = node
    for node in manifest["sources"].values():
        if node["schema"] == PUBLISHED_SCHEMA:
            in_marts[node.get("identifier") or node["name"]] = node
    tables = {table.name: table for table in published_tables()}
    assert set(tables) == set(in_marts)
    for name, table in tables.items():
        described = {column["name"]: " ".join(column.get("description", "").split())
                     for column in in_marts[name]["columns"].values()}
        assert {c.name: c.description for c in table.columns} == described, name
        assert table.description == " ".join(in_marts[name]["description"].split()), name


def test_page_stands_alone_and_names_every_source_and_table():
    page = PAGE.read_text(encoding="utf-8")
    assert "../shared" not in page and "shared/CONTRACT" not in page
    for source in SOURCES.values():
        assert f"#### `{source.folder}/`" in page
    for table in published_tables():
        assert f"#### `{table.name}`" in page
        assert f"serving/parquet/{table.name}/data.parquet" in page
    for command in ("sample", "run", "plan", "model", "ui"):
        assert f"#### `terrain {command}`" in page
    assert "| **score** | text | by `source_system`: " in page and "eloqua: a rating A1 to D4" in page
    assert "dbt docs generate" in page


def _project_copy(tmp_path: Path) -> Path:
    project = tmp_path / "dbt_project"
    shutil.copytree(DBT_PROJECT / "models" / "marts", project / "models" / "marts")
    shutil.copy(DBT_PROJECT / "dbt_project.yml", project / "dbt_project.yml")
    return project


def test_a_changed_description_or_table_makes_the_page_stale(tmp_path: Path):
    project = _project_copy(tmp_path)
    page = render(PAGE.read_text(encoding="utf-8"))
    assert render(page, project) == page

    sources = project / "models" / "marts" / "_ingest__sources.yml"
    document = yaml.safe_load(sources.read_text(encoding="utf-8"))
    load_report = next(t for s in document["sources"] for t in s["tables"] if t["name"] == "load_report")
    load_report["columns"][0]["description"] = "Words nobody wrote before."
    sources.write_text(yaml.safe_dump(document), encoding="utf-8")
    (project / "models" / "marts" / "_extra__sources.yml").write_text(
        "version: 2\nsources:\n  - name: extra\n    schema: marts\n    tables:\n"
        "      - name: rep_quota_attainment\n        description: One row per rep.\n"
        "        columns:\n          - name: owner_user_id\n            description: The rep.\n", encoding="utf-8")
    (project / "models" / "marts" / "scratch_copy.sql").write_text(
        "{{ config(schema='scratch') }}\nselect 1 as one\n", encoding="utf-8")

    changed = render(page, project)
    assert changed != page
    assert f"| `{load_report['columns'][0]['name']}` | Words nobody wrote before. |" in changed
    assert "#### `rep_quota_attainment`" in changed and "| `owner_user_id` | The rep. |" in changed
    assert "scratch_copy" not in changed
