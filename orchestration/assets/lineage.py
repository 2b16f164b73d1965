"""An asset's upstream tables, taken from the module that reads them.

A Python step reads the warehouse through one reader module, which names every table it reads in
``READS`` (``schema.table``). The asset's ``deps`` are that list as asset keys ``[schema, table]``,
so the lineage the UI draws and a partial refresh follows is the one the code runs; the lineage
test checks it against the SQL the readers execute.
"""

from __future__ import annotations

import re
from types import ModuleType

import dagster as dg

TABLE_NAME = re.compile(r"^[a-z_][a-z0-9_]*\.[a-z_][a-z0-9_]*$")


def tables_read(reader: ModuleType) -> tuple[str, ...]:
    """The reader's ``READS``; for a reader that exports none, its upper-case ``schema.table`` constants."""
    reads = getattr(reader, "READS", None)
    if reads is None:
        reads = [value for name, value in vars(reader).items()
                 if name.isupper() and isinstance(value, str) and TABLE_NAME.match(value)]
    return tuple(dict.fromkeys(reads))


def keys_of(tables: tuple[str, ...]) -> list[dg.AssetKey]:
    """``schema.table`` names as asset keys ``[schema, table]``."""
    return [dg.AssetKey(table.split(".")) for table in dict.fromkeys(tables)]


def upstream_of(*readers: ModuleType) -> list[dg.AssetKey]:
    """The asset keys of every table the readers read."""
    return keys_of(tuple(table for reader in readers for table in tables_read(reader)))
