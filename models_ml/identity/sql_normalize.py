"""The normalisers of ``normalize`` as DuckDB macros, for the million-row vendor universe.

A Python UDF costs microseconds per row; the same rules expressed as DuckDB regular expressions
run vectorised on every core. The patterns and word lists come from ``normalize`` so the two
implementations cannot drift apart silently (a unit test compares them on awkward inputs). The
registered domain is a correlated subquery over the host, so DuckDB works it out once per distinct
value and looks each candidate suffix up in the public-suffix rules with a hash join.
"""

from __future__ import annotations

import duckdb

from models_ml.identity import normalize as py


def _sql_text(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _sql_list(values) -> str:
    return "[" + ", ".join(_sql_text(v) for v in sorted(values)) + "]"


RULES_TABLE = "terrain_public_suffix_rules"


def _tail_macros() -> str:
    """``terrain_tail_<n>(host)``: the last n labels of a host, NULL when it has fewer."""
    return "\n".join(
        f"create or replace temp macro terrain_tail_{count}(h) as "
        f"(nullif(regexp_extract(h, '[^.]+(\\.[^.]+){{{count - 1}}}$'), ''));"
        for count in range(1, py.MAX_SUFFIX_LABELS + 2)
    )


def _registered_domain_case(host: str) -> str:
    """The Public Suffix List algorithm of ``normalize.public_suffix_labels`` as one CASE over a
    host: an exception rule first, then the longest exact or wildcard rule, else the top-level
    label; the registered domain is one label more."""
    rules = f"(select rule from {RULES_TABLE})"
    counts = range(py.MAX_SUFFIX_LABELS, 1, -1)
    exceptions = [
        f"when '!' || terrain_tail_{count}({host}) in {rules} then terrain_tail_{count}({host})"
        for count in counts
    ]
    matches = [
        f"when terrain_tail_{count}({host}) in {rules} or (terrain_tail_{count}({host}) is not null "
        f"and '*.' || terrain_tail_{count - 1}({host}) in {rules}) then terrain_tail_{count + 1}({host})"
        for count in counts
    ]
    return "case " + " ".join(exceptions + matches) + f" else terrain_tail_2({host}) end"


def normalizer_macros_sql() -> str:
    """The ``CREATE OR REPLACE MACRO`` statements for every normaliser (temporary macros)."""
    name_steps = (
        "regexp_replace(regexp_replace(regexp_replace(lower(strip_accents(cast(s as varchar))), "
        f"{_sql_text(py.NAME_AND_PATTERN)}, ' and ', 'g'), "
        f"{_sql_text(py.NAME_DROP_PATTERN)}, '', 'g'), "
        f"{_sql_text(py.NAME_SPLIT_PATTERN)}, ' ', 'g')"
    )
    return f"""
create or replace temp macro terrain_host_candidate(x) as (
    trim(regexp_replace(regexp_replace(regexp_extract(regexp_replace(
        regexp_replace(cast(x as varchar), {_sql_text(py.HOST_TRIM_PATTERN)}, '', 'g'),
        {_sql_text(py.HOST_SCHEME_PATTERN)}, ''), {_sql_text(py.HOST_AUTHORITY_PATTERN)}),
        {_sql_text(py.HOST_USER_PATTERN)}, ''), {_sql_text(py.HOST_PORT_PATTERN)}, ''), '.')
);
create or replace temp macro terrain_host(x) as (
    case when regexp_full_match(terrain_host_candidate(x), {_sql_text(py.HOST_PATTERN)})
              and not regexp_full_match(terrain_host_candidate(x), {_sql_text(py.HOST_NUMERIC_TLD_PATTERN)})
         then lower(terrain_host_candidate(x)) end
);
{_tail_macros()}
create or replace temp macro terrain_registered_domain(x) as (
    (select {_registered_domain_case("h")} from (select terrain_host(x) as h))
);
create or replace temp macro terrain_company_domain(x) as (
    (select case when not list_contains({_sql_list(py.FREE_MAIL_DOMAINS)}, d) then d end
     from (select terrain_registered_domain(x) as d))
);
create or replace temp macro terrain_company_name(s) as (
    nullif(regexp_replace(regexp_replace(trim({name_steps}),
                                         {_sql_text(py.NAME_LEADING_THE_PATTERN)}, '\\1'),
                          {_sql_text(py.NAME_TRAILING_SUFFIX_PATTERN)}, '\\1'), '')
);
create or replace temp macro terrain_zip5(x) as (
    case when regexp_matches(trim(cast(x as varchar)), {_sql_text(py.ZIP9_PATTERN)})
         then left(trim(cast(x as varchar)), 5)
         when regexp_matches(trim(cast(x as varchar)), {_sql_text(py.ZIP_PATTERN)})
         then lpad(regexp_extract(trim(cast(x as varchar)), {_sql_text(py.ZIP_PATTERN)}, 1), 5, '0')
    end
);
create or replace temp macro terrain_street_number(x) as (
    coalesce(
        nullif(ltrim(nullif(regexp_extract(lower(cast(x as varchar)),
                                           {_sql_text(py.STREET_LEADING_NUMBER_PATTERN)}, 1), ''),
                     '0'), ''),
        case when regexp_extract(lower(cast(x as varchar)),
                                 {_sql_text(py.STREET_LEADING_NUMBER_PATTERN)}, 1) <> '' then '0' end,
        nullif(ltrim(nullif(regexp_extract(
            regexp_replace(lower(cast(x as varchar)), {_sql_text(py.STREET_UNIT_PATTERN)}, ' ', 'g'),
            {_sql_text(py.STREET_NUMBER_PATTERN)}, 1), ''), '0'), ''),
        case when regexp_extract(
            regexp_replace(lower(cast(x as varchar)), {_sql_text(py.STREET_UNIT_PATTERN)}, ' ', 'g'),
            {_sql_text(py.STREET_NUMBER_PATTERN)}, 1) <> '' then '0' end
    )
);
"""


def install_normalizers(con: duckdb.DuckDBPyConnection) -> None:
    """Create the ``terrain_*`` normaliser macros on a DuckDB connection (session scoped), with the
    public-suffix rules they look domains up in as a temporary table."""
    con.execute(
        f"create or replace temp table {RULES_TABLE} as select unnest($rules) as rule",
        {"rules": sorted(py.PUBLIC_SUFFIX_RULES)},
    )
    con.execute(normalizer_macros_sql())
