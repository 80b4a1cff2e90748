"""E-mail alerts, read back from the outbox: a visitor follows a committee, a person, a forward
plan entry or a search, confirms by the link in the e-mail, and hears when something is
published; one click stops it; the digest gathers a day's news; exempt text never leaves."""

from __future__ import annotations

import datetime as dt
import re
import time

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from meetings import plans, publishing, services
from meetings.models import (
    AlertAddress,
    AlertSubscription,
    Committee,
    Meeting,
    Membership,
    PlanEntry,
)

pytestmark = pytest.mark.django_db

BOARD = "health-and-well-being-board"
BOARD_NAME = "Coventry Health and Well-being Board"
VISITOR = "visitor@example.org"
EXEMPT = "Bid from Acme Holdings at four million pounds"


@pytest.fixture
def meeting(clerk):
    """A draft meeting of the board six weeks ahead, with a public item and a private one whose
    description is exempt."""
    start = timezone.now().replace(hour=14, minute=0, second=0, microsecond=0) + dt.timedelta(
        weeks=6
    )
    meeting = services.meeting_create(
        committee=Committee.objects.get(slug=BOARD), start=start, venue="Council House", by=clerk
    )
    services.agenda_item_add(
        meeting=meeting, by=clerk, title="Joint health and wellbeing strategy", part="public"
    )
    services.agenda_item_add(
        meeting=meeting, by=clerk, title="Sale of the Heronsgate depot", part="private",
        exemption_paragraph=3, description=EXEMPT, public_description="Commercial terms.",
    )  # fmt: skip
    return meeting


def to(address: str) -> list:
    return [m for m in mail.outbox if address in m.to]


def body_of(message) -> str:
    html = "".join(content for content, _ in getattr(message, "alternatives", []))
    return message.body + html


def link_in(message, name: str) -> str:
    match = re.search(r"https?://[^\s]+/alerts/" + name + r"/[^\s/]+/", message.body)
    assert match, message.body
    return match.group(0)


def path_of(url: str) -> str:
    return re.sub(r"^https?://[^/]+", "", url)


def follow(client, address=VISITOR, frequency="immediate", **target):
    return client.post(
        reverse("alerts-follow"), {"email": address, "frequency": frequency, **target}
    )


def follow_and_confirm(client, address=VISITOR, frequency="immediate", **target):
    follow(client, address, frequency, **target)
    confirm_url = path_of(link_in(to(address)[-1], "confirm"))
    page = client.get(confirm_url)
    assert page.status_code == 200 and b"Confirm my e-mail alerts" in page.content
    done = client.post(confirm_url)
    assert b"Your e-mail alerts are confirmed" in done.content
    return done


def publish(meeting, clerk):
    publishing.meeting_publish(
        meeting=meeting, by=clerk, base_url="http://testserver", confirm_short_notice=True
    )
    meeting.refresh_from_db()


def test_the_alerts_page_with_nothing_chosen_says_how_to_follow(client):
    page = client.get(reverse("alerts-follow"))
    assert page.status_code == 200
    assert b"Get e-mail alerts" in page.content
    assert b"committees" in page.content


def test_the_committee_page_links_to_its_alerts_and_the_form_offers_immediate_or_daily(client):
    page = client.get(reverse("committee-detail", args=[BOARD]))
    assert f'href="/alerts/?committee={BOARD}"'.encode() in page.content
    form = client.get(f"/alerts/?committee={BOARD}")
    assert form.status_code == 200
    text = form.content.decode()
    assert "Health and Well-being Board" in text
    assert 'type="radio"' in text and "A daily digest" in text and "As it happens" in text


def test_following_a_committee_confirming_then_publishing_sends_the_alert(client, meeting, clerk):
    response = follow(client, committee=BOARD)
    assert response.status_code == 302
    assert b"Check your e-mail" in client.get(response["Location"]).content
    [confirmation] = to(VISITOR)
    assert "Confirm" in confirmation.subject
    follow_and_confirm_done = client.post(path_of(link_in(confirmation, "confirm")))
    assert b"You follow Coventry Health and Well-being Board" in follow_and_confirm_done.content

    publish(meeting, clerk)

    alert = to(VISITOR)[-1]
    assert alert.subject.startswith("Agenda published: Coventry Health and Well-being Board")
    assert f"http://testserver/meetings/{meeting.slug}/" in alert.body
    assert "Joint health and wellbeing strategy" in alert.body
    unsubscribe = link_in(alert, "unsubscribe")
    assert alert.extra_headers["List-Unsubscribe"] == f"<{unsubscribe}>"
    assert alert.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_nothing_is_sent_before_the_address_is_confirmed(client, meeting, clerk):
    follow(client, committee=BOARD)
    publish(meeting, clerk)
    [only] = to(VISITOR)
    assert "Confirm" in only.subject


def test_one_click_unsubscribe_by_post_stops_further_mails(client, meeting, clerk):
    follow_and_confirm(client, committee=BOARD)
    publish(meeting, clerk)
    alert = to(VISITOR)[-1]
    # The mail client's one-click POST: no cookie, no CSRF token, only the signed link.
    mail_client = Client(enforce_csrf_checks=True)
    response = mail_client.post(
        path_of(link_in(alert, "unsubscribe")),
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    assert b"You will not get these e-mails any more" in response.content
    assert not AlertAddress.objects.filter(email=VISITOR).exists()
    sent = len(to(VISITOR))
    publishing.meeting_set_status(
        meeting=meeting, status=Meeting.Status.POSTPONED, reason="The venue is flooded.", by=clerk
    )
    assert len(to(VISITOR)) == sent


def test_a_tampered_unsubscribe_post_is_refused_and_changes_nothing(client, meeting, clerk):
    follow_and_confirm(client, committee=BOARD)
    publish(meeting, clerk)
    link = path_of(link_in(to(VISITOR)[-1], "unsubscribe"))
    tampered = link[:-3] + ("A" if link[-3] != "A" else "B") + link[-2:]
    response = Client(enforce_csrf_checks=True).post(
        tampered, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 400
    assert b"This link is not valid" in response.content
    assert AlertSubscription.objects.filter(address__email=VISITOR).count() == 1


def test_the_daily_digest_collects_the_days_news_in_one_mail(client, meeting, clerk):
    follow_and_confirm(client, frequency="daily", committee=BOARD)
    before = len(to(VISITOR))
    publish(meeting, clerk)
    publishing.meeting_set_status(
        meeting=meeting, status=Meeting.Status.POSTPONED, reason="The venue is flooded.", by=clerk
    )
    assert len(to(VISITOR)) == before  # nothing yet: it waits for the digest

    call_command("send_alert_digests", "--base-url", "http://testserver")

    [digest] = to(VISITOR)[before:]
    assert "2 updates" in digest.subject
    assert "Agenda published: Coventry Health and Well-being Board" in digest.body
    assert "Meeting postponed: Coventry Health and Well-being Board" in digest.body
    assert digest.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    call_command("send_alert_digests")
    assert len(to(VISITOR)) == before + 1  # each event once


def test_exempt_text_never_reaches_an_alert(client, meeting, clerk):
    on = (meeting.start + dt.timedelta(days=0)).date()
    member = next(
        m.person
        for m in Membership.objects.filter(committee__slug=BOARD).select_related("person")
        if m.is_current(on)
    )
    follow_and_confirm(client, committee=BOARD)
    follow_and_confirm(client, "digest@example.org", "daily", person=member.slug)
    publish(meeting, clerk)
    call_command("send_alert_digests")
    alerts = to(VISITOR)[1:] + to("digest@example.org")[1:]
    assert len(alerts) == 2
    for message in alerts:
        assert EXEMPT not in body_of(message)
        assert "Sale of the Heronsgate depot (in private)" in message.body  # as the public sees it
        assert "http://testserver/alerts/unsubscribe/" in message.body  # the publisher's address


def test_following_a_person_tells_of_the_meetings_of_their_committees(client, meeting, clerk):
    on = meeting.start.date()
    member = next(
        m.person
        for m in Membership.objects.filter(committee__slug=BOARD).select_related("person")
        if m.is_current(on)
    )
    page = client.get(reverse("person-detail", args=[member.slug]))
    assert f"/alerts/?person={member.slug}".encode() in page.content
    follow_and_confirm(client, person=member.slug)
    publish(meeting, clerk)
    subject = to(VISITOR)[-1].subject
    assert subject.startswith("Agenda published: Coventry Health and Well-being Board")


def test_following_a_plan_entry_tells_of_its_change(client, clerk):
    entry = PlanEntry.objects.visible_to(AnonymousUser()).first()
    assert entry is not None
    page = client.get(entry.get_absolute_url())
    assert f"/alerts/?plan={entry.pk}".encode() in page.content
    follow_and_confirm(client, plan=str(entry.pk))
    plans.plan_entry_update(
        entry=entry, by=clerk, note="Moved a month",
        expected_date=entry.expected_date + dt.timedelta(days=28),
    )  # fmt: skip
    alert = to(VISITOR)[-1]
    assert alert.subject == f"Forward plan entry changed: {entry.matter}"
    assert entry.get_absolute_url() in alert.body


def test_a_saved_search_tells_of_new_public_passages_only(client, meeting, clerk):
    follow_and_confirm(client, q="heronsgate")
    publish(meeting, clerk)
    call_command("send_alert_digests", "--searches-only")
    alerts = to(VISITOR)[1:]
    assert alerts, "the private item's public title mentions Heronsgate"
    for message in alerts:
        assert EXEMPT not in body_of(message)
    sent = len(to(VISITOR))
    call_command("send_alert_digests", "--searches-only")
    assert len(to(VISITOR)) == sent  # told once


def test_an_invalid_address_gets_a_clear_message_and_changes_nothing(client):
    response = follow(client, "not-an-address", committee=BOARD)
    assert response.status_code == 200
    text = response.content.decode()
    assert "There is a problem" in text
    assert "Enter an e-mail address in the correct format" in text
    assert not AlertAddress.objects.exists() and not mail.outbox


def test_following_again_says_the_same_and_follows_once(client):
    first = follow(client, committee=BOARD)
    follow_and_confirm(client, committee=BOARD)
    again = follow(client, committee=BOARD)
    assert first["Location"] == again["Location"]
    assert AlertSubscription.objects.filter(address__email=VISITOR).count() == 1
    assert "already" in to(VISITOR)[-1].subject


def test_a_tampered_or_expired_confirmation_link_is_refused(client, monkeypatch):
    follow(client, committee=BOARD)
    link = path_of(link_in(to(VISITOR)[0], "confirm"))
    response = client.post(link.replace("/confirm/", "/confirm/x"))
    assert response.status_code == 400 and b"This link is not valid" in response.content
    assert not AlertSubscription.objects.filter(confirmed_at__isnull=False).exists()

    now = time.time()
    monkeypatch.setattr("django.core.signing.time.time", lambda: now - 8 * 86400)
    follow(client, "later@example.org", committee=BOARD)
    monkeypatch.undo()
    expired = path_of(link_in(to("later@example.org")[0], "confirm"))
    response = client.post(expired)
    assert response.status_code == 400 and b"expired" in response.content
    assert not AlertSubscription.objects.filter(confirmed_at__isnull=False).exists()


def test_the_owner_deletes_their_address_by_a_link_sent_to_it(client):
    follow_and_confirm(client, committee=BOARD)
    page = client.get(reverse("alerts-manage"))
    assert page.status_code == 200
    response = client.post(reverse("alerts-manage"), {"email": VISITOR}, follow=True)
    assert b"we have sent it a link" in response.content
    link = path_of(link_in(to(VISITOR)[-1], "delete"))
    assert AlertAddress.objects.filter(email=VISITOR).exists()
    assert b"Delete my address" in client.get(link).content
    client.post(link)
    assert not AlertAddress.objects.filter(email=VISITOR).exists()
    assert not AlertSubscription.objects.exists()
    # Someone else's address: the same words, and nothing sent.
    mail.outbox.clear()
    response = client.post(reverse("alerts-manage"), {"email": "nobody@example.org"}, follow=True)
    assert b"we have sent it a link" in response.content and not mail.outbox


def test_a_supplement_minutes_and_a_cancellation_each_send_an_alert(client, meeting, clerk):
    follow_and_confirm(client, committee=BOARD)
    publish(meeting, clerk)
    services.agenda_item_add(meeting=meeting, by=clerk, title="Urgent item on dental care")
    publishing.supplement_publish(
        meeting=meeting, summary="An urgent item.", by=clerk, base_url="http://testserver"
    )
    assert to(VISITOR)[-1].subject.startswith("Supplementary agenda published: ")
    minutes = services.minutes_start(meeting=meeting, by=clerk)
    services.minutes_publish(minutes=minutes, by=clerk)
    assert to(VISITOR)[-1].subject.startswith("Minutes published: ")
    assert f"/meetings/{meeting.slug}/minutes/" in to(VISITOR)[-1].body
    meeting.refresh_from_db()
    publishing.meeting_set_status(
        meeting=meeting, status=Meeting.Status.CANCELLED, reason="No business.", by=clerk
    )
    cancelled = to(VISITOR)[-1]
    assert cancelled.subject.startswith("Meeting cancelled: ")
    assert "This meeting has been cancelled." in cancelled.body


def test_a_decision_record_published_for_a_followed_plan_entry_sends_an_alert(client, clerk):
    entry = PlanEntry.objects.visible_to(AnonymousUser()).first()
    follow_and_confirm(client, plan=str(entry.pk))
    record = plans.decision_record_create(
        by=clerk, title=entry.matter, decision_maker_kind=entry.decision_maker_kind,
        decision_maker=entry.decision_maker, plan_entry=entry, decided_on=timezone.localdate(),
        decision="Approved.", reasons="Value for money.",
    )  # fmt: skip
    plans.decision_record_publish(record=record, by=clerk)
    assert to(VISITOR)[-1].subject == f"Decision published: {entry.matter}"


def test_the_search_page_offers_alerts_for_the_search_with_its_filters(client):
    page = client.get(reverse("search"), {"q": "health", "committee": BOARD})
    text = page.content.decode()
    assert f"/alerts/?q=health&amp;search_committee={BOARD}" in text
    form = client.get(reverse("alerts-follow"), {"q": "health", "search_committee": BOARD})
    assert form.status_code == 200 and "searches for “health”" in form.content.decode()
    bad = client.get(reverse("alerts-follow"), {"q": "health", "search_date_from": "yesterday"})
    assert bad.status_code == 400 and "filters are not valid" in bad.content.decode()


def test_no_address_is_asked_for_in_plain_words(client):
    response = client.post(f"/alerts/?committee={BOARD}", {"committee": BOARD, "email": ""})
    assert "Enter your e-mail address" in response.content.decode()
    assert not AlertAddress.objects.exists() and not mail.outbox


def test_following_over_and_over_cannot_flood_an_address(client):
    for _ in range(5):
        response = follow(client, committee=BOARD)
        assert response.status_code == 302
    assert len(to(VISITOR)) == 1
    for _ in range(3):
        client.post(reverse("alerts-manage"), {"email": VISITOR})
    assert len(to(VISITOR)) == 2


def test_an_address_never_confirmed_is_forgotten_once_its_link_expires(client):
    follow(client, committee=BOARD)
    call_command("send_alert_digests")
    assert AlertAddress.objects.filter(email=VISITOR).exists()  # its link still works
    AlertSubscription.objects.update(created_at=timezone.now() - dt.timedelta(days=8))
    AlertAddress.objects.update(created_at=timezone.now() - dt.timedelta(days=8))
    call_command("send_alert_digests")
    assert not AlertAddress.objects.exists() and not AlertSubscription.objects.exists()
