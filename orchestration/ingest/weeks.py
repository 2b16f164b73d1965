"""Which week a Bombora delivery describes when its rows carry no ``Week``.

Bombora names weekly Company Surge files after the week's Monday (``surge_2024-03-04.csv``). A date
that is not a Monday is taken to mean the week it falls in, since weeks start on Monday.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

_ISO_DATE = re.compile(r"(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)")


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def week_from_file_name(file_name: str) -> date | None:
    """The Monday of the first valid ISO date (``YYYY-MM-DD``) in the file's base name, if any."""
    base = file_name.rsplit("/", 1)[-1]
    for match in _ISO_DATE.finditer(base):
        try:
            return monday_of(date(int(match[1]), int(match[2]), int(match[3])))
        except ValueError:
            continue
    return None
