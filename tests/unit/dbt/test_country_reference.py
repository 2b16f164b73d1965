"""The country and subdivision seeds: what the generator writes from pycountry is what is committed."""

from __future__ import annotations

import csv
from pathlib import Path

from orchestration.reference.countries import (
    COUNTRY_SEED,
    SEED_DIR,
    SUBDIVISION_SEED,
    country_aliases,
    main,
    place_key,
    subdivision_aliases,
)


def test_committed_seeds_are_what_the_generator_writes(tmp_path: Path):
    assert main([str(tmp_path)]) == 0
    for file_name in (COUNTRY_SEED, SUBDIVISION_SEED):
        committed = (SEED_DIR / file_name).read_text(encoding="utf-8")
        assert committed == (tmp_path / file_name).read_text(encoding="utf-8"), (
            f"{file_name} is stale: run `python -m orchestration.reference.countries`"
        )


def test_every_iso_code_and_everyday_name_finds_its_country():
    by_key = {place_key(alias): code for alias, code in country_aliases()}
    for spelling, code in [
        ("GB", "GB"), ("GBR", "GB"), ("uk", "GB"), ("United Kingdom", "GB"), ("great britain", "GB"),
        ("England", "GB"), ("Germany", "DE"), ("deu", "DE"), ("DE", "DE"), ("Canada", "CA"), ("CAN", "CA"),
        ("U.S.A.", "US"), ("America", "US"), ("Holland", "NL"), ("South Korea", "KR"), ("Russia", "RU"),
        ("Republic of Korea", "KR"), ("Cote d'Ivoire", "CI"), ("Vietnam", "VN"), ("NA", "NA"), ("276", "DE"),
    ]:
        assert by_key[place_key(spelling)] == code, spelling
    assert "VIRGIN ISLANDS" not in by_key  # British or US: ambiguous, left out


def test_subdivisions_are_first_level_and_keyed_by_code_and_names():
    rows = subdivision_aliases()
    lookup = {(country, place_key(alias)): code for country, code, _, alias in rows}
    assert lookup[("CA", "ON")] == lookup[("CA", "ONTARIO")] == "ON"
    assert lookup[("DE", "BAYERN")] == lookup[("DE", "BAVARIA")] == lookup[("DE", "BY")] == "BY"
    assert lookup[("GB", "ENGLAND")] == "ENG"
    assert not any(country == "US" for country, *_ in rows)  # the us_states seed covers the US
    with (SEED_DIR / SUBDIVISION_SEED).open(encoding="utf-8") as handle:
        assert next(csv.reader(handle)) == ["country_code", "subdivision_code", "subdivision_name", "alias"]
