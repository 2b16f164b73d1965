"""Typing the scoring inputs: the shortcuts for trimmed text and for booleans give the values of the plain path."""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from pandas.testing import assert_frame_equal, assert_series_equal

from models_ml.scoring.inputs import _SCHEMAS, ScoringInputs, _coerce, _to_bool
from models_ml.scoring.load import TECHNOGRAPHIC_COLUMNS, _read_columns

TEXTS = {
    "trimmed": ["Acme", "acme", "ACME", "Zürich", "Ærø", "", None, "a b"],
    "leading space": [" Acme", "Beta", None],
    "trailing space": ["Acme", "Beta ", None],
    "tab and newline": ["\tAcme", "Beta\n", "Gamma"],
    "no-break space": ["Acme\u00a0", "Beta"],
    "ideographic space": ["\u3000Acme", "Beta"],
    "non-ASCII ends without space": ["é", "Ü-Bahn", "naïve", "Straße"],
    "only whitespace": ["   ", "\u2003", "x"],
    "all missing": [None, None, None],
    "empty": [],
}


def _plain_text(values: list) -> pd.Series:
    """The text typing before the shortcut: every value stripped."""
    return pd.Series(values, dtype=object).astype("string").str.strip()


def _plain_bool(values: pd.Series) -> pd.Series:
    """The boolean typing before the shortcut: every value read as text."""
    if values.dtype == bool:
        return values
    text = values.astype("string").str.strip().str.lower()
    return text.isin(["true", "1", "1.0", "yes", "y", "t"]).fillna(False).astype(bool)


def _arrow_text(values: list) -> pd.Series:
    return pd.Series(pd.array(values, dtype="string[pyarrow]"))


@pytest.mark.parametrize("case", list(TEXTS))
def test_text_in_arrow_form_trims_as_plain_text_and_stays_in_arrow_form(case):
    values = TEXTS[case]
    expected = pd.DataFrame({"account_key": _plain_text(values)})

    plain = _coerce(pd.DataFrame({"account_key": pd.Series(values, dtype=object)}), {"account_key": "str"})
    arrow = _coerce(pd.DataFrame({"account_key": _arrow_text(values)}), {"account_key": "str"})

    assert_frame_equal(plain, expected)
    assert arrow["account_key"].dtype == pd.StringDtype("pyarrow")
    assert_frame_equal(arrow.astype({"account_key": pd.StringDtype()}), expected)


def test_text_split_over_arrow_chunks_and_sliced_is_trimmed_where_any_chunk_needs_it():
    chunks = pa.chunked_array([pa.array(["x", "Acme", "Beta"]).slice(1), pa.array([None, "Gamma "])])
    given = pd.Series(pd.StringDtype("pyarrow").__from_arrow__(chunks))

    typed = _coerce(pd.DataFrame({"account_key": given}), {"account_key": "str"})

    assert typed["account_key"].tolist() == ["Acme", "Beta", pd.NA, "Gamma"]
    assert typed["account_key"].dtype == pd.StringDtype("pyarrow")


def test_a_slice_leaving_out_the_untrimmed_value_is_not_trimmed_and_keeps_its_case():
    given = pd.Series(pd.StringDtype("pyarrow").__from_arrow__(pa.array([" Skipped", "MiXed", "case"]).slice(1)))

    typed = _coerce(pd.DataFrame({"account_key": given}), {"account_key": "str"})

    assert typed["account_key"].tolist() == ["MiXed", "case"]


def test_a_missing_value_over_whitespace_bytes_does_not_count():
    data = pa.py_buffer(b"Acme Beta")
    validity = pa.py_buffer(np.packbits([1, 0], bitorder="little").tobytes())
    offsets = pa.py_buffer(np.array([0, 4, 9], dtype=np.int32).tobytes())
    chunk = pa.Array.from_buffers(pa.string(), 2, [validity, offsets, data], null_count=1)
    given = pd.Series(pd.StringDtype("pyarrow").__from_arrow__(chunk))

    typed = _coerce(pd.DataFrame({"account_key": given}), {"account_key": "str"})

    assert typed["account_key"].tolist() == ["Acme", pd.NA]


BOOLEANS = {
    "bool": pd.Series([True, False, True]),
    "boolean with missing": pd.Series([True, None, False], dtype="boolean"),
    "boolean all missing": pd.Series([None, None], dtype="boolean"),
    "object": pd.Series([True, None, False, "yes"], dtype=object),
    "text": pd.Series(["true", "1", "yes", "Y", " T ", "TRUE", "no", "false", "0", None, ""]),
    "arrow text": pd.Series(pd.array(["True", None, "off"], dtype="string[pyarrow]")),
    "numbers": pd.Series([1, 0, 2, -1]),
    "floats": pd.Series([1.0, 0.0, np.nan, 0.5]),
    "nullable integers": pd.Series([1, None, 0], dtype="Int64"),
}


@pytest.mark.parametrize("case", list(BOOLEANS))
def test_booleans_read_as_the_text_path_reads_them(case):
    values = BOOLEANS[case].rename("is_won").set_axis(range(10, 10 + len(BOOLEANS[case])))

    assert_series_equal(_to_bool(values), _plain_bool(values))


@pytest.mark.parametrize("case", list(BOOLEANS))
def test_coerced_booleans_are_plain_and_missing_is_false(case):
    values = BOOLEANS[case]

    typed = _coerce(pd.DataFrame({"is_won": values}), {"is_won": "bool"})

    assert typed["is_won"].dtype == bool
    assert typed["is_won"].tolist() == _plain_bool(values).tolist()


def test_text_in_arrow_form_for_a_number_date_or_flag_column_types_as_plain_text():
    columns = {"amount": ["1.5", None, "x", " 2 "], "created_date": ["2026-11-02", None, "bad", "2026-11-03 10:00"],
               "is_won": ["true", None, "No", "1"]}
    schema = {"amount": "float", "created_date": "date", "is_won": "bool"}
    plain = pd.DataFrame({name: pd.Series(values, dtype=object) for name, values in columns.items()})
    arrow = pd.DataFrame({name: _arrow_text(values) for name, values in columns.items()})

    assert_frame_equal(_coerce(arrow, schema), _coerce(plain, schema))


def test_the_warehouse_hands_text_over_in_arrow_form_and_scoring_trims_it():
    with duckdb.connect() as con:
        con.execute("create schema intermediate")
        con.execute("""create table intermediate.t as select * from (values
                       ('k1', ' CRM-Y', 'Sales\u00a0'), ('k2', 'crm-z', null), ('k3', null, 'Other'))
                       t(account_key, technology, technology_category)""")
        frame = _read_columns(con, "intermediate.t", TECHNOGRAPHIC_COLUMNS)

    assert frame["technology"].dtype == pd.StringDtype("pyarrow")
    typed = _coerce(frame, {"account_key": "str", "technology": "str", "category": "str"})
    assert typed["technology"].tolist() == ["CRM-Y", "crm-z", pd.NA]
    assert typed["category"].tolist() == ["Sales", pd.NA, "Other"]
    assert (typed.dtypes == pd.StringDtype("pyarrow")).all()


COMPANIES = {
    "in key order": ["k1", "k2", "k3"],
    "out of order": ["k3", "k1", "k2"],
    "a repeated key": ["k1", "k2", "k2"],
    "a missing key": ["k2", None, "k1"],
}


@pytest.mark.parametrize("case", list(COMPANIES))
def test_companies_are_complete_sorted_distinct_and_numbered_from_zero(case):
    keys = COMPANIES[case]
    given = pd.DataFrame({"account_key": keys, "employees": [float(i) for i in range(len(keys))],
                          "naics_code": ["541511", None, "334"][:len(keys)]}, index=range(7, 7 + len(keys)))
    expected = (_coerce(given, _SCHEMAS["companies"]).dropna(subset=["account_key"])
                .sort_values("account_key", kind="stable").drop_duplicates("account_key"))
    expected.loc[expected["naics_code"].notna(), "naics_sector"] = expected["naics_code"].str[:2]

    companies = ScoringInputs(companies=given).companies

    assert_frame_equal(companies, expected.reset_index(drop=True))


def test_rows_lacking_a_required_value_are_left_out_and_the_rest_numbered_from_zero():
    intent = pd.DataFrame({"account_key": ["k1", None, "k2", "k3"],
                           "week_start": pd.to_datetime(["2026-11-02", "2026-11-02", None, "2026-11-09"]),
                           "vendor": ["Bombora", "G2", "g2", "G2"]}, index=[4, 5, 6, 7])
    technographics = pd.DataFrame({"account_key": ["k1", "k2", None], "technology": [None, "CRM-Y", "CRM-Z"],
                                   "category": ["crm", None, "crm"]})

    inputs = ScoringInputs(companies=pd.DataFrame({"account_key": ["k1"]}), intent=intent,
                           technographics=technographics)

    assert inputs.intent["account_key"].tolist() == ["k1", "k3"]
    assert inputs.intent["vendor"].tolist() == ["bombora", "g2"]
    assert inputs.intent.index.equals(pd.RangeIndex(2))
    assert inputs.technographics[["account_key", "technology", "category"]].values.tolist() == [["k2", "CRM-Y", "other"]]
    assert inputs.technographics.index.equals(pd.RangeIndex(1))
