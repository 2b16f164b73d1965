"""``terrain run`` on a landing zone Terrain did not generate, with messy files."""

from __future__ import annotations

import duckdb
import pytest

from tests.integration.foreign_landing import build_foreign_landing
from tests.support import terrain

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def foreign_run(tmp_path_factory):
    landing = tmp_path_factory.mktemp("foreign") / "landing"
    planted = build_foreign_landing(landing)
    data = landing.parent / "data"
    result = terrain("run", "--landing", str(landing), "--data", str(data))
    return landing, data, planted, result


def test_run_succeeds_on_a_foreign_landing_zone(foreign_run):
    _, _, _, result = foreign_run
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]


def test_bad_rows_quarantined_and_rejected_file_named(foreign_run):
    _, data, planted, _ = foreign_run
    con = duckdb.connect(str(data / "warehouse" / "terrain.duckdb"), read_only=True)
    report = con.execute("select source, file_name, rows_read, rows_loaded, rows_quarantined, status, message "
                         "from marts.load_report").df()
    con.close()
    assert (report.rows_read == report.rows_loaded + report.rows_quarantined).all()
    rejected = report[report.status == "rejected"]
    assert list(rejected.file_name.str.contains("accounts_missing_owner")) == [True]
    assert "OwnerId" in rejected.message.iloc[0]
    for source, bad in planted.items():
        folder_rows = report[report.source.str.replace("/", "_").str.contains(source.replace("/", "_"))
                             & (report.status == "loaded")]
        assert folder_rows.rows_quarantined.sum() == bad, source
    empty = report[report.file_name.str.contains("accounts_empty")]
    assert empty.rows_read.tolist() == [0]
