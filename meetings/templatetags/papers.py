"""Template filters for the papers' date and time wording (see meetings.formats)."""

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from meetings import formats
from meetings.minutes_layout import narrative_blocks

register = template.Library()

register.filter("meeting_datetime", formats.long_meeting_datetime)
register.filter("minutes_datetime", formats.minutes_datetime)
register.filter("long_date", formats.long_date)
register.filter("ordinal_date", formats.ordinal_date)
register.filter("clock", formats.clock)


@register.filter
def narrative(text: str):
    """A minute's narrative as HTML, set out as the printed minutes set it out
    (``meetings.minutes_layout.narrative_blocks``)."""
    html = []
    for block in narrative_blocks(text):
        if "bullets" in block:
            items = format_html_join("", "<li>{}</li>", ((b,) for b in block["bullets"]))
            html.append(format_html("<ul>{}</ul>", items))
        else:
            html.append(format_html("<p>{}</p>", block["text"]))
    return mark_safe("\n".join(html))  # noqa: S308 - every piece is escaped by format_html
