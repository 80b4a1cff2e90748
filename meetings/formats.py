"""Dates and times as the council's papers print them.

Written out by hand rather than through locale formats, so the wording is the seed's on every host:
"2.00 pm on Monday, 22nd September, 2014" (front sheet), "2.00 p.m. on 7th July, 2014" (minutes),
"Friday, 12 September 2014" (dispatch date).
"""

import datetime as dt
from zoneinfo import ZoneInfo

from django.utils import timezone

# The council's time zone (settings.TIME_ZONE): meetings are held, and papers dated, in London.
LONDON = ZoneInfo("Europe/London")


def ordinal(day: int) -> str:
    if 11 <= day % 100 <= 13:
        return f"{day}th"
    return f"{day}{ {1: 'st', 2: 'nd', 3: 'rd'}.get(day % 10, 'th') }"


def _local(value: dt.datetime) -> dt.datetime:
    return timezone.localtime(value) if timezone.is_aware(value) else value


def clock(value: dt.time | dt.datetime, *, dotted: bool = False) -> str:
    """'2.00 pm', or '2.00 p.m.' with dotted=True; noon is '12.00 pm'."""
    if isinstance(value, dt.datetime):
        value = _local(value)
    hour = value.hour % 12 or 12
    suffix = ("a.m." if dotted else "am") if value.hour < 12 else ("p.m." if dotted else "pm")
    return f"{hour}.{value.minute:02d} {suffix}"


def long_meeting_datetime(value: dt.datetime) -> str:
    """'2.00 pm on Monday, 22nd September, 2014'."""
    value = _local(value)
    return f"{clock(value)} on {value:%A}, {ordinal(value.day)} {value:%B}, {value.year}"


def minutes_datetime(value: dt.datetime) -> str:
    """'2.00 p.m. on 7th July, 2014'."""
    value = _local(value)
    return f"{clock(value, dotted=True)} on {ordinal(value.day)} {value:%B}, {value.year}"


def long_date(value: dt.date) -> str:
    """'Friday, 12 September 2014'."""
    return f"{value:%A}, {value.day} {value:%B} {value.year}"


def ordinal_date(value: dt.date) -> str:
    """'7th July, 2014'."""
    return f"{ordinal(value.day)} {value:%B}, {value.year}"
