"""The statutory clocks, each expectation worked out by hand on a calendar of England's bank
holidays (2026: Good Friday 3 April, Easter Monday 6 April, 4 and 25 May, 31 August, Christmas
Friday 25 December, Boxing Day on a Saturday so Monday 28 December instead; 2027: 1 January).

28 clear days and the general exception's 5 are calendar days (weekends and bank holidays
count; neither the day of publication nor the day of decision does); call-in counts working
days."""

from __future__ import annotations

import datetime as dt

import pytest

from meetings import plans
from meetings.models import CallInState, DecisionRecord

D = dt.date


@pytest.mark.parametrize(
    ("published", "decision", "clear"),
    [
        (D(2026, 1, 5), D(2026, 2, 3), 28),  # 6 January to 2 February
        (D(2026, 1, 5), D(2026, 2, 2), 27),
        (D(2026, 12, 18), D(2026, 12, 24), 5),  # a weekend inside still counts
        (D(2026, 12, 19), D(2026, 12, 24), 4),
        (D(2026, 12, 24), D(2026, 12, 29), 4),  # Christmas and its substitute holiday count
        (D(2026, 3, 2), D(2026, 3, 3), 0),
        (D(2026, 3, 2), D(2026, 3, 2), 0),
    ],
)
def test_clear_days_are_calendar_days_between_publication_and_decision(published, decision, clear):
    assert plans.clear_days(published, decision) == clear


def test_a_key_decision_published_on_a_monday_can_be_taken_29_days_later():
    assert plans.earliest_decision_date(D(2026, 1, 5)) == D(2026, 2, 3)


def test_bank_holidays_count_as_clear_days_for_the_28():
    # 28 November to 25 December 2026 are the 28 clear days, Christmas Day among them.
    assert plans.earliest_decision_date(D(2026, 11, 27)) == D(2026, 12, 26)


def test_the_last_day_to_publish_for_a_decision_after_new_year():
    # 8 December 2026 to 4 January 2027 are the 28 clear days.
    assert plans.latest_notice_date(D(2027, 1, 5)) == D(2026, 12, 7)


@pytest.mark.parametrize(
    ("published", "decision", "needed"),
    [
        (D(2026, 11, 25), D(2026, 12, 24), plans.NOTICE_FULL),  # 26 Nov - 23 Dec: 28
        (D(2026, 11, 26), D(2026, 12, 24), plans.NOTICE_GENERAL_EXCEPTION),  # 27
        (D(2026, 12, 18), D(2026, 12, 24), plans.NOTICE_GENERAL_EXCEPTION),  # 19-23: 5
        (D(2026, 12, 19), D(2026, 12, 24), plans.NOTICE_SPECIAL_URGENCY),  # 4
        (D(2026, 12, 23), D(2026, 12, 24), plans.NOTICE_SPECIAL_URGENCY),
    ],
)
def test_which_notice_a_key_decision_needs(published, decision, needed):
    assert plans.notice_needed(published=published, decision=decision) == needed


@pytest.mark.parametrize(
    ("published", "effective"),
    [
        # Tue 3, Wed 4, Thu 5, Fri 6, Mon 9 March.
        (D(2026, 3, 2), D(2026, 3, 9)),
        # Thu 2; Good Friday, the weekend and Easter Monday skipped; Tue 7 to Fri 10 April.
        (D(2026, 4, 1), D(2026, 4, 10)),
        # Mon 21 to Thu 24; Christmas, the weekend and Monday 28 (Boxing Day's substitute)
        # skipped; Tue 29 December.
        (D(2026, 12, 18), D(2026, 12, 29)),
        # Published on a Saturday before the spring bank holiday: Tue 26 to Fri 29, Mon 1 June.
        (D(2026, 5, 23), D(2026, 6, 1)),
        # Thu 31 December; New Year's Day and the weekend skipped; Mon 4 to Thu 7 January 2027.
        (D(2026, 12, 30), D(2027, 1, 7)),
    ],
)
def test_call_in_takes_effect_five_working_days_after_publication(published, effective):
    assert plans.takes_effect_on(published) == effective


def test_the_number_of_call_in_working_days_is_a_setting(settings):
    settings.CALL_IN_WORKING_DAYS = 3
    # Christmas Eve 2026: Tue 29, Wed 30, Thu 31 December.
    assert plans.takes_effect_on(D(2026, 12, 24)) == D(2026, 12, 31)


def test_five_call_in_working_days_without_the_setting(settings):
    del settings.CALL_IN_WORKING_DAYS
    assert plans.call_in_working_days() == 5


def _published_record(published: dt.date) -> DecisionRecord:
    from django.utils import timezone

    return DecisionRecord(
        title="A decision",
        decision_maker="Cabinet",
        decided_on=published,
        published_at=timezone.make_aware(dt.datetime.combine(published, dt.time(12))),
        takes_effect_on=plans.takes_effect_on(published),
    )


def test_a_decision_becomes_effective_on_its_day_with_nothing_run():
    record = _published_record(D(2026, 12, 18))
    assert record.state_on(D(2026, 12, 18)) == CallInState.SUBJECT_TO_CALL_IN
    # Over Christmas it is still open to call-in, as no working days pass.
    assert record.state_on(D(2026, 12, 28)) == CallInState.SUBJECT_TO_CALL_IN
    assert record.state_on(D(2026, 12, 29)) == CallInState.EFFECTIVE
    assert record.state_on(D(2027, 3, 1)) == CallInState.EFFECTIVE


def test_a_called_in_decision_waits_for_scrutiny_however_long():
    record = _published_record(D(2026, 3, 2))
    record.called_in_on = D(2026, 3, 4)
    assert record.state_on(D(2026, 6, 1)) == CallInState.CALLED_IN
    record.effective_recorded_on = D(2026, 3, 20)
    assert record.state_on(D(2026, 6, 1)) == CallInState.EFFECTIVE


def test_a_decision_without_call_in_is_effective_once_published():
    record = _published_record(D(2026, 3, 2))
    record.call_in_applies = False
    assert record.state_on(D(2026, 3, 2)) == CallInState.EFFECTIVE


def test_an_unpublished_record_is_a_draft():
    record = DecisionRecord(title="x", decision_maker="Cabinet", decided_on=D(2026, 3, 2))
    assert record.state_on(D(2027, 1, 1)) == CallInState.DRAFT


@pytest.mark.parametrize(
    ("day", "year"),
    [(D(2026, 4, 30), 2025), (D(2026, 5, 1), 2026), (D(2027, 1, 15), 2026)],
)
def test_the_municipal_year_starts_in_may(day, year):
    assert plans.municipal_year_of(day) == year
