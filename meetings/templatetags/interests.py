"""The person's page's section on interests and votes: a link to their register (with when it
was last updated), to their recorded votes, and their declarations at meetings, in the minutes
the reader may see."""

from __future__ import annotations

from django import template

from .. import interests
from ..views_interests import person_declarations

register = template.Library()


@register.inclusion_tag("meetings/interests_person_section.html", takes_context=True)
def person_interests(context, person):
    current = interests.current_version(person)
    return {
        "person": person,
        "interests_updated": current.decided_at if current else None,
        "declarations": person_declarations(context["request"].user, person),
    }
