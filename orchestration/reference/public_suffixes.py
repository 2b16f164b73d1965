"""The Public Suffix List as the ``public_suffixes`` dbt seed: the one list of registered-domain rules.

A company's registered domain is one label more than the public suffix of its host:
``acme.com.pe`` under ``com.pe``, ``bbc.co.uk`` under ``co.uk``. dbt staging (``normalize_domain``)
and entity resolution (``models_ml.identity.normalize`` and its DuckDB twin) all read the committed
seed, so the intent of ``acme.com.pe`` joins the company that entity resolution keyed as
``acme.com.pe``. The rules are the ICANN section of the Public Suffix List snapshot bundled in the
``publicsuffixlist`` package (no network): the suffixes registries sell names under, which is what
a registered domain means. The private section (``github.io``, ``myshopify.com``) is left out: its
deep cloud-provider rules would double the lookups for hosts that are never a company's website.
Internationalised rules are written in their ASCII (punycode) form, the form hosts are compared in.

``python -m orchestration.reference.public_suffixes [--psl FILE] [SEED_DIR]`` rewrites the seed;
a unit test fails when the committed file differs from what this module writes.
"""

from __future__ import annotations

import argparse
import csv
import io
from collections.abc import Iterable
from pathlib import Path

SEED_DIR = Path(__file__).resolve().parents[2] / "dbt_project" / "seeds"
PUBLIC_SUFFIX_SEED = "public_suffixes.csv"
HEADER = ("rule",)

_ICANN_BEGIN = "// ===BEGIN ICANN DOMAINS==="
_ICANN_END = "// ===END ICANN DOMAINS==="


def bundled_list_path() -> Path:
    """The Public Suffix List file that the ``publicsuffixlist`` package ships."""
    try:
        import publicsuffixlist
    except ImportError as error:
        raise SystemExit(
            "the publicsuffixlist package is not installed: install it or pass --psl FILE"
        ) from error
    return Path(publicsuffixlist.PSLFILE)


def ascii_rule(rule: str) -> str:
    """A rule with its domain part in lower-case punycode, keeping the ``!`` and ``*.`` markers."""
    marker = "!" if rule.startswith("!") else "*." if rule.startswith("*.") else ""
    name = rule[len(marker):]
    return marker + name.encode("idna").decode("ascii").lower()


def parse_rules(lines: Iterable[str]) -> list[str]:
    """Every rule of the ICANN section of a Public Suffix List text, in ASCII form, sorted.

    A wildcard also makes its root a public suffix (``*.kobe.jp`` makes ``kobe.jp`` one, as the
    list's own test data and linter read it), so each root is written as a rule of its own.
    """
    inside = False
    rules: set[str] = set()
    for line in lines:
        text = line.strip()
        if text in (_ICANN_BEGIN, _ICANN_END):
            inside = text == _ICANN_BEGIN
            continue
        if inside and text and not text.startswith("//"):
            rules.add(ascii_rule(text.split()[0]))
    roots = {rule.removeprefix("*.") for rule in rules if rule.startswith("*.")}
    return sorted(rules | roots)


def seed_text(rules: list[str]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(HEADER)
    writer.writerows([rule] for rule in rules)
    return buffer.getvalue()


def write_seed(seed_dir: Path = SEED_DIR, source: Path | None = None) -> int:
    """Write the seed from a Public Suffix List file (default: the bundled one); returns the rule count."""
    list_path = source or bundled_list_path()
    rules = parse_rules(list_path.read_text(encoding="utf-8").splitlines())
    seed_dir.mkdir(parents=True, exist_ok=True)
    (seed_dir / PUBLIC_SUFFIX_SEED).write_text(seed_text(rules), encoding="utf-8")
    return len(rules)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write the public_suffixes dbt seed.")
    parser.add_argument("seed_dir", nargs="?", type=Path, default=SEED_DIR)
    parser.add_argument("--psl", type=Path, help="a Public Suffix List file (default: the bundled one)")
    args = parser.parse_args(argv)
    rules = write_seed(args.seed_dir, args.psl)
    print(f"{args.seed_dir / PUBLIC_SUFFIX_SEED}: {rules} rules")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
