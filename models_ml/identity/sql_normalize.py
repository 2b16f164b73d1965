"""The normalisers of ``normalize`` as DuckDB macros, for the million-row vendor universe.

A Python UDF costs microseconds per row; the same rules expressed as DuckDB regular expressions
run vectorised on every core. The patterns and word lists come from ``normalize`` so the two
implementations cannot drift apart silently (a unit test compares them on awkward inputs).
"""

from __future__ import annotations

import duckdb

from models_ml.identity import normalize as py


def _sql_text(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _sql_list(values) -> str:
    return "[" + ", ".join(_sql_text(v) for v in sorted(values)) + "]"


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
    trim(regexp_replace(
        regexp_extract(
            regexp_replace(regexp_replace(lower(trim(cast(x as varchar))), '^.*@', ''),
                           '^[a-z][a-z0-9+.\\-]*:/*', ''),
            '^[^/?#\\\\\\s]*'),
        ':.*$', ''), '.')
);
create or replace temp macro terrain_host(x) as (
    case when regexp_full_match(terrain_host_candidate(x),
                                '([a-z0-9]([a-z0-9\\-]*[a-z0-9])?\\.)+[a-z0-9]([a-z0-9\\-]*[a-z0-9])?')
              and not regexp_full_match(terrain_host_candidate(x), '.*\\.[0-9]+')
         then terrain_host_candidate(x) end
);
create or replace temp macro terrain_registered_domain(x) as (
    case when list_contains({_sql_list(py.MULTI_LABEL_SUFFIXES)},
                            regexp_extract(terrain_host(x), '[^.]+\\.[^.]+$'))
         then nullif(regexp_extract(terrain_host(x), '[^.]+\\.[^.]+\\.[^.]+$'), '')
         else nullif(regexp_extract(terrain_host(x), '[^.]+\\.[^.]+$'), '') end
);
create or replace temp macro terrain_company_domain(x) as (
    case when list_contains({_sql_list(py.FREE_MAIL_DOMAINS)}, terrain_registered_domain(x))
         then null else terrain_registered_domain(x) end
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
    """Create the ``terrain_*`` normaliser macros on a DuckDB connection (session scoped)."""
    con.execute(normalizer_macros_sql())
