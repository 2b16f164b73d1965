"""`python -m sample_world --size S --seed 1 --out DIR`: the generator without the Terrain CLI."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from sample_world.world import SIZES, generate


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sample_world", description=__doc__)
    parser.add_argument("--size", choices=sorted(SIZES), default="S")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    summary = generate(args.size, args.seed, args.out)
    print(json.dumps({k: v for k, v in summary.items() if k != "files"}, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
