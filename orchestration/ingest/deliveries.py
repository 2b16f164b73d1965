"""Finding the deliveries in a source folder and fingerprinting them.

Every file in a source folder is one delivery. Files are identified by the SHA-256 of their bytes,
so a file delivered again under another name is recognised, and processed in byte order of their
path so that "later delivery" means the same thing on every machine and file system.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

_HASH_BLOCK = 4 * 1024 * 1024


class FileFormat(str, Enum):
    CSV = "csv"
    CSV_GZIP = "csv.gz"
    PARQUET = "parquet"
    UNSUPPORTED = "unsupported"


@dataclass(frozen=True)
class Delivery:
    """One file in a source folder; ``file_name`` is its path relative to that folder."""

    path: Path
    file_name: str
    sha256: str
    size: int

    @property
    def format(self) -> FileFormat:
        return file_format(self.path)


def file_format(path: Path) -> FileFormat:
    name = path.name.lower()
    if name.endswith(".csv.gz"):
        return FileFormat.CSV_GZIP
    if name.endswith(".csv"):
        return FileFormat.CSV
    if name.endswith(".parquet") or name.endswith(".pq"):
        return FileFormat.PARQUET
    return FileFormat.UNSUPPORTED


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(_HASH_BLOCK):
            digest.update(block)
    return digest.hexdigest()


def _is_hidden(relative: Path) -> bool:
    """Hidden files (``.DS_Store``, editors' swap files) are file-system noise, not deliveries."""
    return any(part.startswith(".") for part in relative.parts)


def find_deliveries(folder: Path) -> list[Delivery]:
    """Every non-hidden file under ``folder`` (recursively), in byte order of its relative path."""
    if not folder.is_dir():
        return []
    found = []
    for path in folder.rglob("*"):
        relative = path.relative_to(folder)
        if path.is_file() and not _is_hidden(relative):
            found.append((relative.as_posix(), path))
    found.sort(key=lambda item: item[0].encode("utf-8", "surrogateescape"))
    return [Delivery(path, name, sha256_of(path), path.stat().st_size) for name, path in found]
