"""docs/SCALING.md's list of DuckDB-only SQL points at files; this keeps the list honest.

Each row of the list's tables names a construct (the first code span of its first cell) and the
files that use it (`path; path`). When code is rewritten, a file named may no longer hold the
construct, or no longer exist; these tests fail then, naming the row and the file.
"""

from __future__ import annotations

import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SCALING_DOC = REPO / "docs" / "SCALING.md"
SECTION = "## Which SQL is DuckDB-only today"
PLACE = re.compile(r"((?:dbt_project|orchestration|models_ml)/[\w./-]+\.(?:sql|py))")
CODE_SPAN = re.compile(r"`([^`]+)`")


def duckdb_only_section(text: str) -> str:
    """The section's text, up to the next heading of the same level."""
    start = text.index(SECTION) + len(SECTION)
    following = text.find("\n## ", start)
    return text[start:] if following == -1 else text[start:following]


def construct_rows(section: str) -> list[tuple[str, list[str]]]:
    """(construct, [path, ...]) for every table row that names files."""
    rows = []
    for line in section.splitlines():
        if not line.startswith("|"):
            continue
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) < 3:
            continue
        places = list(dict.fromkeys(PLACE.findall(cells[1])))
        construct = CODE_SPAN.search(cells[0])
        if places and construct:
            rows.append((construct.group(1), places))
    return rows


def stale_places(rows: list[tuple[str, list[str]]]) -> list[str]:
    stale = []
    for construct, places in rows:
        for path in places:
            source = REPO / path
            if not source.is_file():
                stale.append(f"{construct!r}: {path} does not exist")
            elif construct.lower() not in source.read_text(encoding="utf-8").lower():
                stale.append(f"{construct!r}: {path} no longer holds it")
    return stale


def test_the_list_names_constructs_and_places():
    rows = construct_rows(duckdb_only_section(SCALING_DOC.read_text(encoding="utf-8")))
    assert len(rows) >= 50
    assert sum(len(places) for _, places in rows) >= 60


def test_every_file_holds_the_construct_it_is_listed_under():
    stale = stale_places(construct_rows(duckdb_only_section(SCALING_DOC.read_text(encoding="utf-8"))))
    assert not stale, "\n".join(stale)


def test_a_file_without_the_construct_is_caught():
    """The check itself fails on a file that does not hold its construct, or does not exist."""
    section = ("| `no_such_function(` | dbt_project/macros/normalize_domain.sql | none |\n"
               "| `strpos(` | dbt_project/macros/no_such_macro.sql | `instr(` |\n")
    rows = construct_rows(section)
    assert rows[0] == ("no_such_function(", ["dbt_project/macros/normalize_domain.sql"])
    assert len(stale_places(rows)) == 2
