"""SQL that turns delivered text into typed values, or NULL when the text is not of the type.

Typing runs in DuckDB over the whole file at once (millions of values per second); whether a value
that was delivered failed to parse is then judged by the Great Expectations suite (``expectations``).

Accepted forms, as the landing contract states them:

* numbers: plain decimal or scientific notation, finite;
* booleans: true/false, 1/0, yes/no in any case;
* dates and timestamps: ISO 8601 -- a date, optionally a time after ``T`` or a space (minutes,
  optional seconds, optional fraction with ``.`` or ``,``), optionally ``Z``, ``UTC`` or an offset
  (``+02``, ``+0200``, ``+02:00``). Timestamps with an offset are converted to UTC and stored naive.
  A DATE column keeps the calendar date as written (a close date is a business date, not an
  instant), but the whole value must still be a valid ISO 8601 timestamp.
* lead scores on their system's scale (``registry.ScaleRule``): a number as above; an Eloqua rating
  as a profile letter A-D and an engagement digit 1-4 (``A1``, ``b3``, `` C2 ``); a Pardot grade
  A+ to F. Letters in any case, surrounding spaces ignored.
"""

from __future__ import annotations

from orchestration.ingest.registry import ColumnType, ScaleRule, ValueForm

ISO_8601 = (
    r"^\s*(\d{4}-\d{2}-\d{2})"
    r"(?:[Tt ](\d{2}:\d{2})(?::(\d{2}))?(?:[.,](\d+))?)?"
    r"\s*([Zz]|UTC|utc|[+-]\d{2}(?::?\d{2})?)?\s*$"
)
_ISO_GROUPS = "['day', 'hm', 'sec', 'frac', 'zone']"
TRUE_WORDS = ("true", "1", "yes")
FALSE_WORDS = ("false", "0", "no")


def blank_to_null(text_sql: str) -> str:
    """Empty or whitespace-only text is a missing value."""
    return f"case when trim({text_sql}) = '' then null else {text_sql} end"


def _words(words: tuple[str, ...]) -> str:
    return ", ".join(f"'{word}'" for word in words)


def number_sql(text_sql: str) -> str:
    value = f"try_cast(trim({text_sql}) as double)"
    return f"case when isfinite({value}) then {value} end"


ELOQUA_RATING = r"^\s*[A-Da-d][1-4]\s*$"
PARDOT_GRADE = r"^\s*([A-Da-d][+-]?|[Ff])\s*$"


def value_form_sql(text_sql: str, form: ValueForm) -> str:
    """SQL true when the text is of ``form``."""
    if form is ValueForm.NUMBER:
        return f"({number_sql(text_sql)}) is not null"
    if form is ValueForm.ELOQUA_RATING:
        return f"regexp_matches({text_sql}, '{ELOQUA_RATING}')"
    if form is ValueForm.PARDOT_GRADE:
        return f"regexp_matches({text_sql}, '{PARDOT_GRADE}')"
    raise ValueError(f"no parser for {form}")


def on_scale_sql(text_sql: str, by_sql: str, scale: ScaleRule) -> str:
    """SQL giving 1 when a value is missing or on the scale its row's ``by`` value picks, else NULL."""
    key = f"lower(trim({by_sql}))"
    branches = " ".join(
        f"when {key} = '{name}' then case when {' or '.join(value_form_sql(text_sql, f) for f in forms)} then 1 end"
        for name, forms in scale.forms
    )
    return f"case when {text_sql} is null then 1 {branches} else 1 end"


def boolean_sql(text_sql: str) -> str:
    word = f"lower(trim({text_sql}))"
    return (
        f"case when {word} in ({_words(TRUE_WORDS)}) then true "
        f"when {word} in ({_words(FALSE_WORDS)}) then false end"
    )


def iso_parts_sql(text_sql: str) -> str:
    """The ISO 8601 pieces of a value as a struct (empty strings when it does not match)."""
    return f"regexp_extract({text_sql}, '{ISO_8601}', {_ISO_GROUPS})"


def _offset_minutes_sql(zone_sql: str) -> str:
    digits = f"regexp_replace({zone_sql}, '[^0-9]', '', 'g')"
    hours = f"try_cast(substr({digits}, 1, 2) as integer)"
    minutes = f"coalesce(try_cast(nullif(substr({digits}, 3, 2), '') as integer), 0)"
    sign = f"case when starts_with({zone_sql}, '-') then -1 else 1 end"
    return f"case when {zone_sql} in ('', 'Z', 'z', 'UTC', 'utc') then 0 else {sign} * ({hours} * 60 + {minutes}) end"


def timestamp_from_parts_sql(parts_sql: str) -> str:
    """A naive UTC timestamp from :func:`iso_parts_sql`; NULL when the calendar or clock is invalid."""
    day, hm, sec, frac, zone = (f"{parts_sql}.{name}" for name in ("day", "hm", "sec", "frac", "zone"))
    clock = (
        f"case when {hm} = '' then '00:00:00' else {hm} || ':' || coalesce(nullif({sec}, ''), '00') || "
        f"case when {frac} = '' then '' else '.' || substr({frac}, 1, 6) end end"
    )
    local = f"try_cast({day} || ' ' || {clock} as timestamp)"
    valid_clock = f"({hm} = '' or (substr({hm}, 1, 2) < '24' and substr({hm}, 4, 2) < '60' and coalesce(nullif({sec}, ''), '00') < '60'))"
    offset = _offset_minutes_sql(zone)
    return (
        f"case when {day} <> '' and {valid_clock} "
        f"then {local} - to_minutes(cast({offset} as bigint)) end"
    )


def date_from_parts_sql(parts_sql: str) -> str:
    """The calendar date as written, provided the whole value is a valid timestamp."""
    return f"case when ({timestamp_from_parts_sql(parts_sql)}) is not null then try_cast({parts_sql}.day as date) end"


def needs_iso_parts(column_type: ColumnType) -> bool:
    return column_type in (ColumnType.DATE, ColumnType.TIMESTAMP)


def typed_sql(text_sql: str, column_type: ColumnType, parts_sql: str | None = None) -> str:
    """SQL giving the typed value of ``text_sql`` (already blank-to-NULL), NULL when unparseable.

    For dates and timestamps, pass ``parts_sql`` naming a column that holds
    :func:`iso_parts_sql` of the value, so the regular expression runs once per value.
    """
    parts_sql = parts_sql or f"({iso_parts_sql(text_sql)})"
    if column_type is ColumnType.TEXT:
        return text_sql
    if column_type is ColumnType.NUMBER:
        return number_sql(text_sql)
    if column_type is ColumnType.BOOLEAN:
        return boolean_sql(text_sql)
    if column_type is ColumnType.TIMESTAMP:
        return timestamp_from_parts_sql(parts_sql)
    if column_type is ColumnType.DATE:
        return date_from_parts_sql(parts_sql)
    raise ValueError(f"no parser for {column_type}")


def monday_of_sql(date_sql: str) -> str:
    """The Monday starting the ISO week of a date (weeks start on Monday)."""
    return f"cast(date_trunc('week', {date_sql}) as date)"
