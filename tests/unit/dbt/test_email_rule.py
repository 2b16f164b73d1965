"""One e-mail rule: dbt's normalize_email macro (every e-mail column of the warehouse) and
models_ml.identity.normalize.normalize_email give the same address for the same input, so a
marketing activity of ``jo+news@acme.com`` reaches the CRM contact ``jo@acme.com`` on both sides."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import duckdb
import pytest

from models_ml.identity import normalize
from tests.unit.dbt.conftest import DBT_PROJECT_DIR, run_dbt

HARD_EMAILS: list[tuple[str | None, str | None]] = [
    ("jo@acme.com", "jo@acme.com"),
    ("Jo.Smith+CRM@Acme.COM", "jo.smith@acme.com"),
    ("a+news@x.com", "a@x.com"),
    ("a+b+c@x.com", "a@x.com"),
    (" \tJane.Doe@Mail.Acme.co.uk\n", "jane.doe@mail.acme.co.uk"),
    ("jo@acme.com.", "jo@acme.com"),
    ("jo@.acme.com", "jo@acme.com"),
    ("o'brien@acme.com", "o'brien@acme.com"),
    ("first_last-1@acme-corp.io", "first_last-1@acme-corp.io"),
    ("JANE@GMAIL.COM", "jane@gmail.com"),
    ("jörg@acme.de", "jörg@acme.de"),
    ("+news@acme.com", None),
    ("@acme.com", None),
    ("jo@", None),
    ("jo", None),
    ("not an email", None),
    ("jo@@acme.com", None),
    ("jo@bob@acme.com", None),
    ("jo@localhost", None),
    ("jo@10.0.0.1", None),
    ("jo@[10.0.0.1]", None),
    ("jo@acme_corp.com", None),
    ("jo@bücher.de", None),
    ("jo@acme.com:25", None),
    ("", None),
    ("   ", None),
    (None, None),
]

INLINE = """
select {{ normalize_email('value') }} as email
from email_cases
order by position
"""

# Every staging model with an e-mail column: contacts, users and both marketing sources.
EMAIL_MODELS = ["staging/crm/stg_crm__contacts.sql", "staging/crm/stg_crm__contact_versions.sql",
                "staging/crm/stg_crm__users.sql", "staging/map/stg_map__activities.sql",
                "staging/map/stg_map__score_history.sql"]


@pytest.fixture(scope="module")
def dbt_emails(tmp_path_factory: pytest.TempPathFactory) -> Callable[[list[str | None]], list[str | None]]:
    """The macro compiled by dbt and run on DuckDB."""
    work_dir = tmp_path_factory.mktemp("emails")
    warehouse = work_dir / "terrain.duckdb"
    duckdb.connect(str(warehouse)).close()
    compiled = run_dbt(["compile", "--quiet", "--output", "json", "--inline", INLINE], warehouse, work_dir)
    assert compiled.returncode == 0, compiled.stdout[-3000:]
    sql = json.loads(compiled.stdout)["compiled"]

    def run(values: list[str | None]) -> list[str | None]:
        with duckdb.connect(str(warehouse)) as con:
            con.execute("create or replace temp table email_cases (position integer, value varchar)")
            con.executemany("insert into email_cases values (?, ?)", list(enumerate(values)))
            return [row[0] for row in con.execute(sql).fetchall()]

    return run


def test_hard_emails_give_the_same_address_in_python_and_dbt(dbt_emails):
    values = [value for value, _ in HARD_EMAILS]
    expected = [address for _, address in HARD_EMAILS]
    assert [normalize.normalize_email(value) for value in values] == expected
    assert dbt_emails(values) == expected


def test_a_tagged_activity_and_its_contact_meet_on_one_address(dbt_emails):
    contact, activity, other = dbt_emails(["Jo.Smith@Acme.com", " jo.smith+webinar@ACME.com ", "jo.smyth@acme.com"])
    assert contact == activity != other
    assert normalize.normalize_email(" jo.smith+webinar@ACME.com ") == contact


@pytest.mark.parametrize("model", EMAIL_MODELS)
def test_every_email_column_goes_through_the_rule(model: str):
    """Straight into ``email``, or into ``email_key`` (worked out once per row before the versions are
    ranked) that becomes ``email``."""
    sql = (Path(DBT_PROJECT_DIR) / "models" / model).read_text(encoding="utf-8")
    ruled = re.search(r"\{\{\s*normalize_email\('email'\)\s*\}\}\s+as\s+(email|email_key)\b", sql, re.IGNORECASE)
    assert ruled, model
    if ruled.group(1).lower() == "email_key":
        assert re.search(r"\bemail_key\s+as\s+email\b", sql, re.IGNORECASE), model
