"""The landing zone as a list of files: what the sensor watches and what a run refuses to start without.

Only the file system's own facts are read (path, modification time, size), never the bytes: the
sensor looks every minute, and hashing a size-L landing zone that often would cost more than the
runs it starts. The files are those ingestion reads: every non-hidden file under a source folder. The source
registry is imported when first needed: importing the ingest package loads Great Expectations,
which the commands that only resolve paths should not wait for.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


class LandingZoneEmpty(RuntimeError):
    """A run was asked to load a landing zone in which no source folder holds a delivery."""


@dataclass(frozen=True)
class LandingFile:
    """One delivery as the file system sees it; a changed file has a new time or size."""

    mtime_ns: int
    size: int

    def as_list(self) -> list[int]:
        return [self.mtime_ns, self.size]


def landing_files(landing_dir: str | Path) -> dict[str, LandingFile]:
    """Every delivery under the landing zone's source folders, by path relative to the landing zone."""
    from orchestration.ingest.registry import SOURCES

    root = Path(landing_dir)
    found: dict[str, LandingFile] = {}
    for source in SOURCES.values():
        folder = root / source.folder
        if not folder.is_dir():
            continue
        for path in folder.rglob("*"):
            relative = path.relative_to(root)
            if any(part.startswith(".") for part in relative.parts) or not path.is_file():
                continue
            stat = path.stat()
            found[relative.as_posix()] = LandingFile(stat.st_mtime_ns, stat.st_size)
    return dict(sorted(found.items()))


def require_landing_files(landing_dir: str | Path) -> dict[str, LandingFile]:
    """The landing zone's deliveries; an error naming the folder when there are none."""
    root = Path(landing_dir)
    if not root.is_dir():
        raise LandingZoneEmpty(f"the landing zone {root} does not exist; give the folder the deliveries are "
                               "dropped in with --landing or TERRAIN_LANDING_DIR")
    files = landing_files(root)
    if not files:
        from orchestration.ingest.registry import SOURCES

        folders = ", ".join(f"{source.folder}/" for source in SOURCES.values())
        raise LandingZoneEmpty(f"the landing zone {root} holds no delivery (looked in {folders})")
    return files
