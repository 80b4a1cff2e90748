"""Dates and times worded as the seed prints them."""

import datetime as dt
from zoneinfo import ZoneInfo

from meetings import formats

LONDON = ZoneInfo("Europe/London")


def test_front_sheet_time_and_date_reads_as_in_the_seed():
    start = dt.datetime(2014, 9, 22, 14, 0, tzinfo=LONDON)
    assert formats.long_meeting_datetime(start) == "2.00 pm on Monday, 22nd September, 2014"


def test_a_utc_time_is_shown_in_london_time():
    start = dt.datetime(2014, 9, 22, 13, 0, tzinfo=dt.UTC)  # 2 pm British Summer Time
    assert formats.long_meeting_datetime(start) == "2.00 pm on Monday, 22nd September, 2014"


def test_minutes_heading_uses_dotted_pm_as_in_the_seed():
    start = dt.datetime(2014, 7, 7, 14, 0, tzinfo=LONDON)
    assert formats.minutes_datetime(start) == "2.00 p.m. on 7th July, 2014"


def test_dispatch_date_reads_as_in_the_seed():
    assert formats.long_date(dt.date(2014, 9, 12)) == "Friday, 12 September 2014"


def test_ordinals_and_noon():
    assert [formats.ordinal(n) for n in (1, 2, 3, 4, 11, 12, 13, 21, 22, 23, 31)] == [
        "1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "22nd", "23rd", "31st",
    ]  # fmt: skip
    assert formats.clock(dt.time(12, 0)) == "12.00 pm"
    assert formats.clock(dt.time(0, 30)) == "12.30 am"
    assert formats.clock(dt.time(10, 5), dotted=True) == "10.05 a.m."


def test_a_clock_time_of_an_aware_datetime_is_london_time():
    assert formats.clock(dt.datetime(2014, 9, 22, 13, 0, tzinfo=dt.UTC)) == "2.00 pm"
