"""Matching a delivery's header row to the contract's columns.

Exports from Salesforce, Bombora and the marketing tools differ in case and stray spaces, so headers
match case-insensitively, trimmed, with ``_`` and space treated alike. Columns the contract does not
list are allowed and ignored; when two headers match one column the first wins.
"""

from __future__ import annotations

from dataclasses import dataclass

from orchestration.ingest.registry import Source, header_key


@dataclass(frozen=True)
class HeaderMatch:
    """Positions of the contract columns in the delivered header, by raw column name."""

    positions: dict[str, int]
    missing_required: tuple[str, ...]

    def has(self, raw_name: str) -> bool:
        return raw_name in self.positions


def match_headers(source: Source, headers: list[str]) -> HeaderMatch:
    first_position: dict[str, int] = {}
    for index, name in enumerate(headers):
        first_position.setdefault(header_key(name), index)
    positions = {
        column.raw_name: first_position[column.header_key]
        for column in source.columns
        if column.header_key in first_position
    }
    missing = tuple(column.name for column in source.required if column.raw_name not in positions)
    return HeaderMatch(positions, missing)


_OTHER_SEPARATORS = ((";", "';'"), ("\t", "tabs"), ("|", "'|'"))


def separator_hint(headers: list[str]) -> str:
    """Why no required column matched when the header is one cell: European Excel writes ``;``,
    database exports tabs or ``|``; the missing columns alone would not say so."""
    if len(headers) != 1:
        return ""
    for separator, name in _OTHER_SEPARATORS:
        if separator in headers[0]:
            return f" (the header row is one column separated by {name}; deliveries are separated by ',')"
    return ""
