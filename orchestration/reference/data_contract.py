"""The lists of ``docs/DATA_CONTRACT.md``, written from the code and the dbt project that define them.

What a user relies on is stated in code: the landing registry (``orchestration.ingest.registry``)
says what each source folder must and may hold, the ``terrain`` argument parser which flags exist,
and the dbt project's yml describes every table of the published ``marts`` schema, the dbt models
and the tables Python writes (declared as dbt sources). The page's prose is written by hand; its
lists are written here, between marker comments, so that they cannot drift from the code:
``python -m orchestration.reference.data_contract`` rewrites them, ``--check`` reports a stale
page, and a unit test fails when the committed page differs from what this module writes.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from orchestration.ingest.registry import SOURCES, Column, ColumnType, Source

REPO_ROOT = Path(__file__).resolve().parents[2]
PAGE = REPO_ROOT / "docs" / "DATA_CONTRACT.md"
DBT_PROJECT = REPO_ROOT / "dbt_project"
PUBLISHED_SCHEMA = "marts"
COMMAND = "python -m orchestration.reference.data_contract"
SECTIONS = ("commands", "landing", "tables")

TYPE_WORDS = {
    ColumnType.TEXT: "text",
    ColumnType.NUMBER: "number",
    ColumnType.BOOLEAN: "true/false",
    ColumnType.DATE: "date",
    ColumnType.TIMESTAMP: "date and time",
}


def begin_marker(section: str) -> str:
    return f"<!-- generated:{section} begin (edit the code, then run `{COMMAND}`) -->"


def end_marker(section: str) -> str:
    return f"<!-- generated:{section} end -->"


def _cell(text: str) -> str:
    """Text for one markdown table cell: one line, pipes escaped."""
    return " ".join(str(text).split()).replace("|", "\\|")


def _number(value: float) -> str:
    return f"{value:g}"


def _table(header: Iterable[str], rows: Iterable[Iterable[str]]) -> list[str]:
    header = list(header)
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(_cell(cell) for cell in row) + " |" for row in rows]
    return lines




def _option_value(action: argparse.Action) -> str:
    if action.nargs == 0:
        value = ""
    elif action.choices:
        value = ", ".join(f"`{choice}`" for choice in action.choices)
    else:
        value = action.metavar or action.dest.upper()
    if action.required or (not action.option_strings and action.nargs is None):
        value += " (required)"
    if isinstance(action, argparse._AppendAction):
        value += " (repeatable)"
    return value.strip()


def _option_default(action: argparse.Action) -> str:
    if action.nargs == 0 or action.default in (None, [], argparse.SUPPRESS):
        return ""
    return f"`{action.default}`"


def commands_section(parser: argparse.ArgumentParser) -> list[str]:
    """Every ``terrain`` sub-command with its options, from the argument parser itself."""
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    helps = {choice.dest: choice.help for choice in sub._choices_actions}
    lines: list[str] = []
    for name, command in sub.choices.items():
        options = [a for a in command._actions if not isinstance(a, argparse._HelpAction)]
        summary = helps.get(name) or ""
        lines += [f"#### `terrain {name}`", "", f"{summary[:1].upper()}{summary[1:]}.", ""]
        described = any(a.help for a in options)
        header = ["option", "value", "default", *(["meaning"] if described else [])]
        rows = [(" ".join(f"`{o}`" for o in a.option_strings) or f"`<{a.dest}>`", _option_value(a), _option_default(a),
                 *([a.help or ""] if described else [])) for a in options]
        lines += [*_table(header, rows), ""]
    return lines[:-1]


def _rule(column: Column) -> str:
    parts = []
    if column.min_value is not None and column.max_value is not None:
        parts.append(f"{_number(column.min_value)} to {_number(column.max_value)}")
    elif column.min_value is not None:
        parts.append(f"{_number(column.min_value)} or more")
    elif column.max_value is not None:
        parts.append(f"at most {_number(column.max_value)}")
    if column.allowed:
        parts.append("one of " + ", ".join(f"`{value}`" for value in column.allowed))
    if column.scale:
        forms = "; ".join(f"{system}: " + " or ".join(form.value for form in accepted)
                          for system, accepted in column.scale.forms)
        parts.append(f"by `{column.scale.by}`: {forms}")
    return "; ".join(parts)


def _landing_source(source: Source) -> list[str]:
    lines = [f"#### `{source.folder}/`: {source.description}", "",
             f"Loads into `raw.{source.table}`. Required columns are in bold."]
    if source.week_from_file_name:
        lines[-1] += (" The week of a row is `Week` when delivered, else the first ISO date (`YYYY-MM-DD`) in"
                      " the file name, read as the Monday of its week; a file with neither is rejected whole.")
    rows = [(f"**{c.name}**" if c.required else c.name, TYPE_WORDS[c.type], _rule(c)) for c in source.columns]
    return [*lines, "", *_table(["column", "type", "accepted values"], rows)]


def landing_section(sources: Iterable[Source]) -> list[str]:
    """Every landing folder with its columns, types and rules, from the ingest registry."""
    lines: list[str] = []
    for source in sources:
        lines += [*_landing_source(source), ""]
    return lines[:-1]




@dataclass(frozen=True)
class PublishedColumn:
    name: str
    data_type: str
    description: str
    checks: tuple[str, ...]


@dataclass(frozen=True)
class PublishedTable:
    """A table of the published ``marts`` schema as the dbt project describes it."""

    name: str
    description: str
    written_by: str
    grain: tuple[str, ...]
    columns: tuple[PublishedColumn, ...]


def _load_yaml(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8")) or {}


def _folders_in_schema(project: Mapping, schema: str) -> list[tuple[str, ...]]:
    """Model folders that ``dbt_project.yml`` builds in ``schema`` (the custom schema is used verbatim,
    see ``macros/generate_schema_name.sql``)."""
    found = []

    def walk(node: Mapping, path: tuple[str, ...]) -> None:
        if node.get("+schema") == schema:
            found.append(path)
        for key, child in node.items():
            if not key.startswith("+") and isinstance(child, Mapping):
                walk(child, (*path, key))

    for child in (project.get("models") or {}).values():
        if isinstance(child, Mapping):
            walk(child, ())
    return found


_CONFIG_CALL = re.compile(r"\{\{\s*config\((.*?)\)\s*\}\}", re.DOTALL)


def _sql_config(sql: str) -> dict[str, str]:
    """The literal keyword arguments of a model's ``config(...)`` block."""
    block = _CONFIG_CALL.search(sql)
    if not block:
        return {}
    pairs = re.findall(r"(\w+)\s*=\s*(?:'([^']*)'|\"([^\"]*)\"|(\w+))", block.group(1))
    return {key: next(v for v in values if v) for key, *values in pairs}


def _is_published_model(sql: str, yml_config: Mapping) -> bool:
    config = {**_sql_config(sql), **{k: str(v) for k, v in (yml_config or {}).items()}}
    return (config.get("schema", PUBLISHED_SCHEMA) == PUBLISHED_SCHEMA
            and config.get("materialized") != "ephemeral"
            and str(config.get("enabled", "true")).lower() != "false")


def _test_items(entry: Mapping) -> list[tuple[str, Mapping]]:
    """A node's data tests as (kind, arguments with their config under ``config``)."""
    items = []
    for test in entry.get("data_tests") or entry.get("tests") or []:
        if isinstance(test, str):
            items.append((test.split(".")[-1], {}))
            continue
        kind, body = next(iter(test.items()))
        body = body or {}
        arguments = {**{k: v for k, v in body.items() if k not in ("arguments", "config")}, **(body.get("arguments") or {})}
        arguments["config"] = body.get("config") or {}
        items.append((kind.split(".")[-1], arguments))
    return items


def _relation_name(reference: str) -> str:
    """``ref('x')`` or ``source('s', 'x')`` -> ``x``."""
    names = re.findall(r"['\"]([^'\"]+)['\"]", reference)
    return names[-1] if names else reference


def _column_checks(entry: Mapping, published: set[str]) -> tuple[str, ...]:
    """What the dbt tests that block guarantee about a column, in words."""
    checks = []
    for kind, arguments in _test_items(entry):
        config = arguments.get("config") or {}
        if str(config.get("severity", "error")).lower() == "warn":
            continue
        if kind == "not_null":
            text = "never null"
        elif kind == "unique":
            text = "unique"
        elif kind == "accepted_values":
            text = "one of " + ", ".join(f"`{value}`" for value in arguments.get("values", []))
        elif kind == "value_between":
            text = f"from {arguments.get('min_value')} to {arguments.get('max_value')}"
        elif kind == "relationships" and _relation_name(arguments.get("to", "")) in published:
            text = f"found in `{_relation_name(arguments['to'])}.{arguments.get('field')}`"
        else:
            continue
        if config.get("where"):
            text += f" (where `{' '.join(str(config['where']).split())}`)"
        checks.append(text)
    return tuple(checks)


def _grain(entry: Mapping) -> tuple[str, ...]:
    for kind, arguments in _test_items(entry):
        if kind == "unique_combination_of_columns":
            return tuple(arguments.get("combination_of_columns", ()))
    return ()


def _text(value: Any) -> str:
    return " ".join(str(value or "").split())


def _relative(path: Path, project_dir: Path) -> str:
    return path.relative_to(project_dir.parent).as_posix()


def published_tables(project_dir: Path = DBT_PROJECT) -> list[PublishedTable]:
    """Every table the serving copy publishes, by name: the models dbt builds in ``marts`` and the
    sources that declare the tables Python writes there."""
    models_dir = project_dir / "models"
    folders = _folders_in_schema(_load_yaml(project_dir / "dbt_project.yml"), PUBLISHED_SCHEMA)
    model_files = {path.stem: path for folder in folders for path in models_dir.joinpath(*folder).rglob("*.sql")}
    documents = {path: _load_yaml(path) for path in sorted(models_dir.rglob("*.yml"))}

    entries: dict[str, tuple[Mapping, str]] = {}
    for path, document in documents.items():
        for model in document.get("models") or []:
            sql = model_files.get(model["name"])
            if sql and _is_published_model(sql.read_text(encoding="utf-8"), model.get("config") or {}):
                entries[model["name"]] = (model, f"dbt model `{_relative(sql, project_dir)}`")
        for source in document.get("sources") or []:
            if source.get("schema", source["name"]) != PUBLISHED_SCHEMA:
                continue
            for table in source.get("tables") or []:
                name = table.get("identifier") or table["name"]
                if name in entries:
                    raise ValueError(f"{name} is declared twice in the dbt project ({_relative(path, project_dir)})")
                entries[name] = (table, f"Python; declared as dbt source `{source['name']}` in "
                                        f"`{_relative(path, project_dir)}`")
    for name, sql in model_files.items():
        if name not in entries and _is_published_model(sql.read_text(encoding="utf-8"), {}):
            entries[name] = ({}, f"dbt model `{_relative(sql, project_dir)}` (no yml entry)")

    names = set(entries)
    tables = []
    for name in sorted(entries):
        entry, written_by = entries[name]
        columns = tuple(PublishedColumn(column["name"], _text(column.get("data_type")), _text(column.get("description")),
                                        _column_checks(column, names))
                        for column in entry.get("columns") or [])
        tables.append(PublishedTable(name, _text(entry.get("description")), written_by, _grain(entry), columns))
    return tables


def _published_table(table: PublishedTable) -> list[str]:
    lines = [f"#### `{table.name}`", "", table.description or "*No description in the dbt project.*", "",
             f"Written by: {table.written_by}. Parquet copy: `serving/parquet/{table.name}/data.parquet`."]
    if table.grain:
        lines[-1] += " One row per " + ", ".join(f"`{column}`" for column in table.grain) + " (checked on every run)."
    typed = any(column.data_type for column in table.columns)
    header = ["column", "type", "description"] if typed else ["column", "description"]
    rows = []
    for column in table.columns:
        text = column.description or "*No description.*"
        if column.checks:
            text += " *Checked on every run: " + "; ".join(column.checks) + ".*"
        rows.append((f"`{column.name}`", column.data_type, text) if typed else (f"`{column.name}`", text))
    return [*lines, "", *(_table(header, rows) if rows else ["*No columns described in the dbt project.*"])]


def tables_section(tables: list[PublishedTable]) -> list[str]:
    """An index of the published tables, then each with its columns."""
    lines = ["Tables: " + ", ".join(f"[`{t.name}`](#{t.name})" for t in tables) + ".", ""]
    for table in tables:
        lines += [*_published_table(table), ""]
    return lines[:-1]




def section_writers(project_dir: Path = DBT_PROJECT) -> dict[str, Callable[[], list[str]]]:
    from orchestration.cli import build_parser

    return {
        "commands": lambda: commands_section(build_parser()),
        "landing": lambda: landing_section(SOURCES.values()),
        "tables": lambda: tables_section(published_tables(project_dir)),
    }


def render(page: str, project_dir: Path = DBT_PROJECT) -> str:
    """``page`` with every generated section rewritten; the hand-written text around them is kept."""
    for section, write in section_writers(project_dir).items():
        begin, end = begin_marker(section), end_marker(section)
        start, stop = page.find(begin), page.find(end)
        if start < 0 or stop < start:
            raise ValueError(f"{PAGE.name} lacks the markers of section {section!r}: {begin} ... {end}")
        page = page[:start] + "\n".join([begin, "", *write(), "", end]) + page[stop + len(end):]
    return page


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Rewrite the generated sections of docs/DATA_CONTRACT.md.")
    parser.add_argument("--check", action="store_true", help="exit 1 when the page is stale, writing nothing")
    parser.add_argument("--page", type=Path, default=PAGE)
    args = parser.parse_args(argv)
    current = args.page.read_text(encoding="utf-8")
    fresh = render(current)
    if args.check:
        if fresh != current:
            print(f"{args.page} is stale: run `{COMMAND}`", file=sys.stderr)
            return 1
        return 0
    if fresh != current:
        args.page.write_text(fresh, encoding="utf-8")
        print(f"rewrote {args.page}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
