"""The agenda on a meeting's page, rendered here rather than by a template included once per item.

A meeting page's agenda is most of what it renders: the template language took about 80 µs an
item and 120 µs a paper (each ``{% include %}``, variable and ``{% if %}`` resolved one at a
time), a third of the page's time without its queries. Written with ``format_html`` the same
markup takes a fraction of that. What each item shows is decided before it gets here
(``selectors.meeting_agenda``: the papers and plan entries the viewer may see, ``full_text`` from
``meetings/visibility.py``); this module only sets it out.
"""

from __future__ import annotations

from django import template
from django.template.defaultfilters import date as date_filter
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from .papers import paper_tags

register = template.Library()


@register.simple_tag
def agenda_items(items, visible_minutes) -> SafeString:
    """``<li>`` for each item, its sub-items in an ``<ol>`` within it. ``visible_minutes``: the
    ids of the minutes the viewer may read, for the "Read the minutes of ..." links."""
    return mark_safe("".join(_item(item, visible_minutes) for item in items))  # noqa: S308


def _item(item, visible_minutes) -> str:
    sub = bool(item.parent_id)
    heading = "h4" if sub else "h3"
    title = format_html("<strong>{}</strong>", item.title) if item.papers else item.title
    parts = [
        format_html(
            '<li class="agenda-item portal-agenda-item{}" id="item-{}">\n'
            '  <{} class="govuk-heading-s portal-agenda-item__title{}"><span class="item-number">'
            '{}</span> <span class="item-title">{}</span></{}>\n',
            " portal-agenda-item--private" if item.is_private else "",
            item.stamp_number,
            mark_safe(heading),  # noqa: S308 - one of two constants
            "" if item.papers else " portal-agenda-item__title--plain",
            item.display_number,
            title,
            mark_safe(heading),  # noqa: S308
        )
    ]
    if item.is_private:
        description = format_html("{} ", item.public_description) if item.public_description else ""
        parts.append(
            format_html(
                '  <div class="govuk-inset-text portal-exemption exemption">\n'
                '    <strong class="govuk-tag govuk-tag--grey">Private item</strong>\n'
                "    {}(Exempt under paragraph {} of Schedule 12A to the Local Government Act "
                "1972.)\n  </div>\n",
                description,
                item.exemption,
            )
        )
    if item.full_text:
        if item.description:
            parts.append(format_html('<p class="govuk-body">{}</p>\n', item.description))
        if item.bullet_points:
            parts.append(
                format_html(
                    '<ul class="govuk-list govuk-list--bullet bullets">{}</ul>\n',
                    format_html_join("", "<li>{}</li>", ((p,) for p in item.bullet_points)),
                )
            )
        if item.presenter:
            parts.append(format_html('<p class="govuk-body presenter">{}</p>\n', item.presenter))
        if item.previous_minutes_id in visible_minutes:
            earlier = item.previous_minutes.meeting
            parts.append(
                format_html(
                    '<p class="govuk-body"><a class="govuk-link" href="{}">Read the minutes of '
                    "{}</a></p>\n",
                    reverse("minutes-detail", args=[earlier.slug]),
                    date_filter(timezone.localtime(earlier.start), "j F Y"),
                )
            )
    if item.papers:
        parts.append(
            format_html(
                '  <ul class="govuk-list portal-documents documents">\n{}  </ul>\n',
                mark_safe("".join(_paper(report) for report in item.papers)),  # noqa: S308
            )
        )
    if item.plan:
        parts.append(
            format_html(
                '  <ul class="govuk-list portal-plan-entries">{}</ul>\n',
                format_html_join(
                    "",
                    '<li>Forward plan: <a class="govuk-link" href="{}">{}</a></li>',
                    ((entry.get_absolute_url(), entry.matter) for entry in item.plan),
                ),
            )
        )
    if not sub and item.children:
        parts.append(
            format_html(
                '  <ol class="sub-items portal-agenda__sub-items">{}</ol>\n',
                agenda_items(item.children, visible_minutes),
            )
        )
    parts.append("</li>")
    return "".join(parts)


def _paper(report) -> str:
    return format_html(
        '    <li class="portal-documents__item"><a class="govuk-link portal-documents__title" '
        'href="{}">{}</a> {}\n'
        '      <span class="portal-meta">{}, {} page{}, PDF {}</span>\n'
        '      <a href="{}" class="govuk-link download">Download PDF'
        '<span class="govuk-visually-hidden">: {}</span></a></li>\n',
        reverse("document-detail", args=[report.pk]),
        report.title,
        paper_tags(report),
        report.get_kind_display(),
        report.page_count,
        "" if report.page_count == 1 else "s",
        filesizeformat(report.size_bytes),
        report.get_download_url(),
        report.title,
    )
