"""A page's queries compiled once (``selectors._Compiled``) must not hold the time: a rule such as
"published before now" would be frozen at the first request and go on hiding what it should
show (or showing what it should hide) until the process restarts."""

from __future__ import annotations

import pytest
from django.utils import timezone

from meetings import selectors, visibility
from meetings.models import Meeting

pytestmark = pytest.mark.django_db


def test_a_query_holding_the_time_is_refused():
    with pytest.raises(ValueError, match="date or time"):
        selectors._Compiled(
            Meeting.objects.filter(slug=selectors.SLUG_STAND_IN, start__lte=timezone.now()),
            selectors.SLUG_STAND_IN,
        )


def test_the_pages_queries_hold_no_time_and_find_the_seed_meeting(seed_meeting):
    for audience in (visibility.PUBLIC, visibility.MEMBERS, visibility.CLERKS):
        found = selectors._meeting_page_queries(audience).meeting.objects(seed_meeting.slug)
        assert [m.pk for m in found] == [seed_meeting.pk]
