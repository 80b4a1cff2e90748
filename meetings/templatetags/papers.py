"""Template filters for the papers' date and time wording (see meetings.formats), and GOV.UK tags
for the states of meetings and papers."""

import datetime as dt

from django import template
from django.urls import reverse
from django.utils import timezone
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


@register.filter
def meeting_day(value) -> str:
    """'Monday, 22nd September, 2014': the day of a meeting as the papers print it, for link
    text that says which meeting."""
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        value = value.date()
    return f"{value:%A}, {formats.ordinal_date(value)}"


# A meeting's state as GOV.UK's tag: the colours the Design System gives each kind of state.
MEETING_TAGS = {
    "cancelled": ("Cancelled", "govuk-tag--red"),
    "postponed": ("Postponed", "govuk-tag--yellow"),
    "draft": ("Draft", "govuk-tag--grey"),
}


@register.simple_tag
def meeting_status_tag(meeting):
    """A tag for a meeting that is not simply published (cancelled, postponed, draft)."""
    found = MEETING_TAGS.get(meeting.status)
    if found is None:
        return ""
    label, colour = found
    return format_html(
        '<strong class="govuk-tag {} portal-status status-{}">{}</strong>',
        colour,
        meeting.status,
        label,
    )


@register.simple_tag
def paper_tags(report):
    """Tags for a paper's states a reader must notice: exempt (members only), pending a
    supplementary agenda (clerks only see it), or added by a supplement in place of another."""
    tags = []
    if report.is_exempt_material:
        tags.append(("govuk-tag--red", "Exempt: members only"))
    if report.is_pending:
        tags.append(("govuk-tag--yellow", "Pending: not yet published"))
    elif report.replaces_id:
        tags.append(("govuk-tag--blue", "Supplementary"))
    return format_html_join(" ", '<strong class="govuk-tag {} portal-paper-tag">{}</strong>', tags)


@register.simple_tag
def breadcrumbs(*trail):
    """GOV.UK breadcrumbs from Home: ``{% breadcrumbs "Committees" url name url %}``, each label
    followed by its address. The page itself is left out: its h1 says where you are."""
    pairs = [(reverse("home"), "Home")]
    pairs += [(trail[i + 1], trail[i]) for i in range(0, len(trail) - 1, 2)]
    items = format_html_join(
        "",
        '<li class="govuk-breadcrumbs__list-item">'
        '<a class="govuk-breadcrumbs__link" href="{}">{}</a></li>',
        pairs,
    )
    return format_html(
        '<nav class="govuk-breadcrumbs" aria-label="Breadcrumb">'
        '<ol class="govuk-breadcrumbs__list">{}</ol></nav>',
        items,
    )
