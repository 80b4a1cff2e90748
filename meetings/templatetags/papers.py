"""Template filters for the papers' date and time wording (see meetings.formats)."""

from django import template

from meetings import formats

register = template.Library()

register.filter("meeting_datetime", formats.long_meeting_datetime)
register.filter("minutes_datetime", formats.minutes_datetime)
register.filter("long_date", formats.long_date)
register.filter("ordinal_date", formats.ordinal_date)
register.filter("clock", formats.clock)
