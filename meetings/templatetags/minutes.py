"""Who was present and the minutes on the minutes page, rendered here rather than by the template
language: as the agenda on the meeting page (``agenda.py``).

The template took about 4 ms of the page's 12: each ``{% url 'person-detail' %}`` (some 45 for
the people present) about 15 µs, and the includes of the declarations and of each recorded vote,
their variables and ``{% if %}`` resolved one at a time. Written with ``format_html`` the same
markup takes a fraction of that. What the reader may see is decided before it gets here
(``selectors.meeting_minutes``: the minutes, declarations and votes the audience may read, and
``register_shown``); this module only sets it out.
"""

from __future__ import annotations

import functools
import re

from django import template
from django.urls import get_script_prefix, reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from meetings.models import Declaration, RecordedVote, VoteCast
from meetings.views_votes import OUTCOME_TAGS

from .papers import narrative

register = template.Library()

# What the ``slug`` converter of ``people/<slug:slug>/`` accepts: such a slug goes into the
# address as it is, so the address can be reversed once and the slug put in its place.
SLUG = re.compile(r"[-a-zA-Z0-9_]+\Z")
PLACEHOLDER = "person-slug-placeholder"
DECLARED = {
    Declaration.Kind.DISCLOSABLE_PECUNIARY: "a disclosable pecuniary interest",
    Declaration.Kind.NON_REGISTRABLE: "a non-registrable interest",
}
OTHER_INTEREST = "an other registrable interest"
VOTE_ROWS = (
    (VoteCast.Option.FOR, "For"),
    (VoteCast.Option.AGAINST, "Against"),
    (VoteCast.Option.ABSTAIN, "Abstained"),
)


@functools.cache
def _person_url_parts(prefix: str) -> tuple[str, str]:
    """The person page's address around its slug, reversed once per script prefix."""
    before, _, after = reverse("person-detail", args=[PLACEHOLDER]).partition(PLACEHOLDER)
    return before, after


def person_url(slug: str) -> str:
    """``reverse("person-detail", args=[slug])``, without resolving the pattern each time."""
    if not SLUG.match(slug):
        return reverse("person-detail", args=[slug])
    before, after = _person_url_parts(get_script_prefix())
    return f"{before}{slug}{after}"


def _person_link(person) -> SafeString:
    return format_html(
        '<a class="govuk-link" href="{}">{}</a>', person_url(person.slug), person.display_name
    )


def _lines(lines, chair: bool) -> SafeString:
    return mark_safe(  # noqa: S308 - every piece is escaped by format_html
        "".join(
            format_html(
                "<li>{}{}{}</li>",
                _person_link(a.person),
                " (Chair)" if chair and a.is_chair else "",
                format_html(", {}", a.capacity) if a.capacity else "",
            )
            for a in lines
        )
    )


@register.simple_tag
def minutes_attendance(board_members, others, officers, apologies) -> SafeString:
    """The "Present" section: board members (the chair marked), other representatives,
    employees by directorate and apologies, each person linked to their page."""
    parts = [
        '<section aria-labelledby="present-heading" class="portal-attendance attendance">\n'
        '  <h2 class="govuk-heading-m" id="present-heading">Present</h2>\n'
    ]
    if board_members:
        parts.append(
            format_html(
                '  <h3 class="govuk-heading-s">Board Members</h3>\n'
                '  <ul class="govuk-list">{}</ul>\n',
                _lines(board_members, chair=True),
            )
        )
    if others:
        parts.append(
            format_html(
                '  <h3 class="govuk-heading-s">Other representatives</h3>\n'
                '  <ul class="govuk-list">{}</ul>\n',
                _lines(others, chair=False),
            )
        )
    if officers:
        parts.append(
            format_html(
                '  <h3 class="govuk-heading-s">Employees (by Directorate)</h3>\n'
                '  <dl class="govuk-summary-list govuk-summary-list--no-border '
                'portal-directorates directorates">{}</dl>\n',
                format_html_join(
                    "",
                    '<div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">'
                    '{}</dt><dd class="govuk-summary-list__value">{}</dd></div>',
                    (
                        (directorate, mark_safe(", ".join(_person_link(a.person) for a in lines)))  # noqa: S308
                        for directorate, lines in officers
                    ),
                ),
            )
        )
    if apologies:
        parts.append(
            format_html(
                '  <h3 class="govuk-heading-s">Apologies</h3>\n  <ul class="govuk-list">{}</ul>\n',
                _lines(apologies, chair=False),
            )
        )
    parts.append("</section>")
    return mark_safe("".join(parts))  # noqa: S308 - every piece is escaped by format_html


@register.simple_tag
def minutes_items(items) -> SafeString:
    """An ``<article>`` for each minute: its narrative, the declarations of interest made under
    it, and its resolutions with their recorded votes."""
    return mark_safe("".join(_minute(item) for item in items))  # noqa: S308


def _minute(item) -> str:
    parts = [
        format_html(
            '  <article class="portal-minute minute" id="minute-{}" '
            'aria-labelledby="minute-{}-title">\n'
            '    <h3 class="govuk-heading-s" id="minute-{}-title">{}. {}</h3>\n',
            item.number,
            item.number,
            item.number,
            item.number,
            item.title,
        )
    ]
    if item.is_private:
        parts.append(
            format_html(
                '    <div class="govuk-inset-text portal-exemption exemption"><strong '
                'class="govuk-tag govuk-tag--grey">Private minute</strong> Exempt under '
                "paragraph {} of Schedule 12A to the Local Government Act 1972.</div>\n",
                item.exemption_paragraph,
            )
        )
    parts.append(
        format_html(
            '    <div class="portal-narrative">{}</div>\n',
            # narrative_html was sanitised by nh3 when imported (meetings.moderngov)
            mark_safe(item.narrative_html) if item.narrative_html else narrative(item.narrative),  # noqa: S308
        )
    )
    declarations = item.declarations.all()
    if declarations:
        parts.append(
            format_html(
                '<div class="portal-declarations declarations">\n'
                '  <h4 class="govuk-heading-s">Declarations of interest</h4>\n'
                '  <ul class="govuk-list govuk-list--bullet">\n{}  </ul>\n</div>\n',
                mark_safe("".join(_declaration(d) for d in declarations)),  # noqa: S308
            )
        )
    resolutions = item.resolutions.all()
    if resolutions:
        if len(resolutions) == 1 and not resolutions[0].number:
            only = resolutions[0]
            parts.append(
                format_html(
                    '        <p class="govuk-body resolved"><strong>RESOLVED</strong> that {}</p>'
                    "{}\n",
                    only.text,
                    _votes(only),
                )
            )
        else:
            parts.append(
                format_html(
                    '        <p class="govuk-body resolved"><strong>RESOLVED</strong> that:</p>\n'
                    '        <ol class="govuk-list portal-resolutions resolutions">{}</ol>\n',
                    format_html_join(
                        "",
                        '<li id="resolution-{}"><span class="resolution-number">({})</span> '
                        "{}{}</li>",
                        ((r.pk, r.number, r.text, _votes(r)) for r in resolutions),
                    ),
                )
            )
    parts.append("  </article>\n")
    return "".join(parts)


def _declaration(d) -> str:
    person = d.person
    return format_html(
        '    <li id="declaration-{}">{} declared {}: {}\n{}{}    </li>\n',
        d.pk,
        _person_link(person),
        DECLARED.get(d.kind, OTHER_INTEREST),
        d.interest,
        mark_safe("      <br><strong>Left the room for this item.</strong>\n")
        if d.left_room
        else "",
        format_html(
            '      <br><a class="govuk-link" href="{}#interest-{}">The entry in {}\'s register '
            "of interests</a>\n",
            reverse("interests-version", args=[person.slug, d.register_entry.version_id]),
            d.register_entry_id,
            person.display_name,
        )
        if d.register_shown
        else "",
    )


def _votes(resolution) -> SafeString:
    return mark_safe("".join(_vote(vote) for vote in resolution.votes.all()))  # noqa: S308


def _vote(vote: RecordedVote) -> str:
    """As ``meetings/votes_vote.html`` sets out one recorded vote (the list of votes uses it)."""
    counts = vote.counts()
    names = vote.names() if vote.names_recorded else None
    rows = []
    for option, label in VOTE_ROWS:
        if names is None:
            shown = "Names not recorded"
        elif names[option]:
            shown = mark_safe(", ".join(_person_link(p) for p in names[option]))  # noqa: S308
        else:
            shown = "None"
        rows.append(
            format_html(
                '    <div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">'
                '{} ({})</dt><dd class="govuk-summary-list__value">{}</dd></div>\n',
                label,
                counts[option],
                shown,
            )
        )
    return format_html(
        '\n<div class="recorded-vote">\n'
        '  <p class="govuk-body"><span class="govuk-visually-hidden">Recorded vote: </span>'
        '<strong class="govuk-tag {}">{}</strong>{}\n  {}</p>\n'
        '  <dl class="govuk-summary-list govuk-summary-list--no-border">\n{}  </dl>\n</div>\n',
        OUTCOME_TAGS[vote.outcome],
        vote.get_outcome_display(),
        mark_safe(' <strong class="govuk-tag govuk-tag--blue">Budget vote</strong>')
        if vote.is_budget_vote
        else "",
        format_html("<br>{}", vote.motion) if vote.motion else "",
        mark_safe("".join(rows)),  # noqa: S308
    )
