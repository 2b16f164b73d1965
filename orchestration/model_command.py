"""``terrain model``: list, pin, unpin and roll back scoring model versions.

The next run scores with the pinned version (else the newest), so a team can hold a model it
trusts or step back to the previous one without retraining.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from models_ml.scoring.registry import ModelRegistry


def run_model_command(args: argparse.Namespace, data_dir: Path) -> int:
    registry = ModelRegistry(data_dir)
    name = args.name
    try:
        if args.action == "pin":
            if not args.version:
                print("terrain model pin: --version is required", file=sys.stderr)
                return 2
            registry.pin(name, args.version)
            print(f"{name}: pinned {args.version}")
        elif args.action == "unpin":
            registry.unpin(name)
            print(f"{name}: unpinned; the newest version scores from the next run")
        elif args.action == "rollback":
            print(f"{name}: rolled back to {registry.rollback(name)} (pinned)")
        versions = registry.versions(name)
    except (KeyError, LookupError) as error:
        print(f"terrain model {args.action}: {error.args[0]}", file=sys.stderr)
        return 1
    if args.action == "list":
        if not versions:
            print(f"{name}: no stored versions under {registry.root}")
        active, pinned, published = registry.active_version(name), registry.pinned(name), registry.published(name)
        for version in versions:
            marks = [label for label, held in (("active", version == active), ("pinned", version == pinned),
                                              ("published", version == published)) if held]
            trained = registry.metadata(name, version).get("trained_at", "")
            print(f"{version}  {trained}  {' '.join(marks)}".rstrip())
    return 0
