"""The database refuses rows that break the domain's rules, whatever code writes them."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from meetings.models import AgendaItem, Committee, Meeting, Membership, Minutes, Person

pytestmark = pytest.mark.django_db


@pytest.fixture
def committee():
    return Committee.objects.create(name="Audit and Procurement Committee", slug="audit")


@pytest.fixture
def two_meetings(committee):
    start = timezone.make_aware(dt.datetime(2025, 3, 3, 14, 0))
    return (
        Meeting.objects.create(committee=committee, start=start),
        Meeting.objects.create(committee=committee, start=start + dt.timedelta(days=28)),
    )


def refused(**kwargs):
    with pytest.raises(IntegrityError), transaction.atomic():
        AgendaItem.objects.create(**kwargs)


def test_a_sub_item_must_belong_to_an_item_of_the_same_meeting(two_meetings):
    first, second = two_meetings
    item = AgendaItem.objects.create(meeting=first, number="3", title="Minutes")
    refused(meeting=second, parent=item, number="a", title="Matters arising")
    ok = AgendaItem.objects.create(meeting=first, parent=item, number="a", title="Agree minutes")
    assert ok.parent == item


def test_a_sub_item_cannot_move_to_another_meeting(two_meetings):
    first, second = two_meetings
    item = AgendaItem.objects.create(meeting=first, number="3", title="Minutes")
    sub = AgendaItem.objects.create(meeting=first, parent=item, number="a", title="Agree")
    with pytest.raises(IntegrityError), transaction.atomic():
        AgendaItem.objects.filter(pk=sub.pk).update(meeting=second)
    with pytest.raises(IntegrityError), transaction.atomic():
        AgendaItem.objects.filter(pk=item.pk).update(meeting=second)


def test_sub_items_go_one_level_deep_only(two_meetings):
    first, _ = two_meetings
    item = AgendaItem.objects.create(meeting=first, number="3", title="Minutes")
    sub = AgendaItem.objects.create(meeting=first, parent=item, number="a", title="Agree")
    refused(meeting=first, parent=sub, number="i", title="Too deep")


def test_the_form_rule_gives_a_clear_message(two_meetings):
    first, second = two_meetings
    item = AgendaItem.objects.create(meeting=first, number="3", title="Minutes")
    stray = AgendaItem(meeting=second, parent=item, number="a", title="Matters arising")
    with pytest.raises(ValidationError, match="same meeting"):
        stray.full_clean()


def test_a_private_item_must_give_its_schedule_12a_paragraph(two_meetings):
    first, _ = two_meetings
    refused(meeting=first, number="8", title="Land sale", part="private")
    refused(meeting=first, number="8", title="Land sale", part="private", exemption_paragraph=9)
    refused(meeting=first, number="8", title="Open item", part="public", exemption_paragraph=3)
    item = AgendaItem.objects.create(
        meeting=first, number="8", title="Land sale", part="private", exemption_paragraph=3
    )
    assert item.is_private


def test_item_numbers_are_unique_within_a_meeting(two_meetings):
    first, second = two_meetings
    AgendaItem.objects.create(meeting=first, number="1", title="Welcome")
    refused(meeting=first, number="1", title="Welcome again")
    assert AgendaItem.objects.create(meeting=second, number="1", title="Welcome")


def test_a_meeting_has_at_most_one_set_of_minutes(two_meetings):
    first, _ = two_meetings
    Minutes.objects.create(meeting=first)
    with pytest.raises(IntegrityError), transaction.atomic():
        Minutes.objects.create(meeting=first)


def test_approved_minutes_name_the_meeting_that_agreed_them(two_meetings):
    first, second = two_meetings
    with pytest.raises(IntegrityError), transaction.atomic():
        Minutes.objects.create(meeting=first, status="approved")
    with pytest.raises(IntegrityError), transaction.atomic():
        Minutes.objects.create(meeting=first, status="approved", approved_at=first)
    minutes = Minutes.objects.create(meeting=first, status="approved", approved_at=second)
    assert minutes.approved_at == second


def test_membership_dates_are_ordered(committee):
    person = Person.objects.create(surname="Gingell", display_name="Councillor Gingell", slug="g")
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(
            committee=committee,
            person=person,
            start_date=dt.date(2014, 5, 20),
            end_date=dt.date(2014, 5, 19),
        )
    ok = Membership.objects.create(
        committee=committee, person=person, start_date=dt.date(2014, 5, 20), end_date=None
    )
    assert ok.is_current(dt.date(2026, 1, 1))


def test_statuses_outside_the_fixed_set_are_refused(committee):
    with pytest.raises(IntegrityError), transaction.atomic():
        Meeting.objects.create(committee=committee, start=timezone.now(), status="archived")


def test_two_meetings_of_one_committee_on_one_day_both_get_addresses(committee):
    start = timezone.make_aware(dt.datetime(2025, 6, 2, 10, 0))
    morning = Meeting.objects.create(committee=committee, start=start)
    evening = Meeting.objects.create(committee=committee, start=start + dt.timedelta(hours=8))
    assert morning.slug == "2025-06-02-audit"
    assert evening.slug == "2025-06-02-audit-2"
