"""E-mail alerts: anyone follows a committee, a person, a forward plan entry or a saved search,
with no account.

- Double opt-in: ``subscribe`` records the follow unconfirmed and sends a signed link (it expires
  after ``CONFIRM_DAYS``); nothing else is sent until ``confirm``. Subscribing an address again
  says the same thing to the visitor either way.
- Every alert carries a one-click unsubscribe link and the RFC 8058 ``List-Unsubscribe`` headers.
- What happens (``meeting_event``, ``plan_entry_event``, ``search_events``) becomes an
  ``AlertEvent`` for each confirmed follow; the immediate ones go at once, by the task worker
  (``meetings.tasks``), the daily ones in one digest a day (``send_digests``, run by the
  ``send_alert_digests`` command).
- Alerts go to anonymous people: they carry only what the public may read, asked of
  ``meetings.visibility`` as an anonymous user.
- A person is followed through the meetings of the committees they sit on (a current member on
  the meeting's day): its agenda, supplements, minutes, cancellation or postponement.
- The owner of an address can delete it with everything it follows, by a signed link sent to it.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core import signing
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from . import visibility
from .formats import long_date
from .models import (
    AgendaItem,
    AlertAddress,
    AlertEvent,
    AlertSubscription,
    Committee,
    Meeting,
    Membership,
    Person,
    PlanEntry,
)

logger = logging.getLogger(__name__)

CONFIRM_DAYS = 7
DELETE_DAYS = 2
RESEND_MINUTES = 10
_CONFIRM_SALT = "meetings.alerts.confirm"
_UNSUBSCRIBE_SALT = "meetings.alerts.unsubscribe"
_DELETE_SALT = "meetings.alerts.delete"
BAD_LINK = (
    "This link is not valid: it may have been copied wrongly, or it has expired. "
    "Nothing has been changed."
)
SEARCH_FILTERS = ("committee", "date_from", "date_to", "kind")

Kind = AlertSubscription.Kind
Frequency = AlertSubscription.Frequency


class MeetingWhat:
    """What happened to a meeting, as an alert says it."""

    AGENDA = "agenda"
    SUPPLEMENT = "supplement"
    MINUTES = "minutes"
    STATUS = "status"


def _public():
    return AnonymousUser()


def _base_url(base_url: str = "") -> str:
    return (base_url or getattr(settings, "PORTAL_URL", "") or "http://localhost:8000").rstrip("/")


# ---------------------------------------------------------------------------------------------
# What is followed
# ---------------------------------------------------------------------------------------------


@dataclass
class Target:
    """One thing to follow, found among what the public may see."""

    kind: str
    name: str
    url: str
    committee: Committee | None = None
    person: Person | None = None
    plan_entry: PlanEntry | None = None
    query: str = ""
    filters: dict = field(default_factory=dict)

    @property
    def key(self) -> str:
        if self.kind == Kind.COMMITTEE:
            return f"committee:{self.committee.pk}"
        if self.kind == Kind.PERSON:
            return f"person:{self.person.pk}"
        if self.kind == Kind.PLAN_ENTRY:
            return f"plan_entry:{self.plan_entry.pk}"
        parts = [f"{k}={self.filters[k]}" for k in SEARCH_FILTERS if self.filters.get(k)]
        return "search:" + " ".join(self.query.lower().split()) + "|" + "&".join(parts)

    def as_params(self) -> dict:
        """The page's parameters that name it again."""
        if self.kind == Kind.COMMITTEE:
            return {"committee": self.committee.slug}
        if self.kind == Kind.PERSON:
            return {"person": self.person.slug}
        if self.kind == Kind.PLAN_ENTRY:
            return {"plan": str(self.plan_entry.pk)}
        return {"q": self.query, **{f"search_{k}": v for k, v in self.filters.items()}}


def target_from(params) -> Target | None:
    """What the alerts page's parameters name (``committee``, ``person``, ``plan`` or ``q``),
    if the public may see it; None otherwise."""
    public = _public()
    if params.get("committee") and not params.get("q"):
        committee = Committee.objects.filter(slug=params["committee"]).first()
        if committee:
            return Target(
                Kind.COMMITTEE, committee.name,
                reverse("committee-detail", kwargs={"slug": committee.slug}), committee=committee,
            )  # fmt: skip
        return None
    if params.get("person"):
        person = Person.objects.filter(slug=params["person"]).first()
        if person:
            return Target(
                Kind.PERSON, person.display_name,
                reverse("person-detail", kwargs={"slug": person.slug}), person=person,
            )  # fmt: skip
        return None
    if params.get("plan"):
        pk = str(params["plan"])
        entry = PlanEntry.objects.visible_to(public).filter(pk=pk).first() if pk.isdigit() else None
        if entry:
            return Target(Kind.PLAN_ENTRY, entry.matter, entry.get_absolute_url(), plan_entry=entry)
        return None
    query = " ".join(str(params.get("q") or "").split())[:500]
    if query:
        filters = {}
        for name in SEARCH_FILTERS:
            values = params.getlist(f"search_{name}") if hasattr(params, "getlist") else []
            if len(values) > 1:  # several kinds of passage
                value = ",".join(v.strip() for v in values if v.strip())[:100]
            else:
                value = str(params.get(f"search_{name}") or "").strip()[:100]
            if value:
                filters[name] = value
        url = reverse("search") + "?" + urlencode({"q": query, **filters})
        return Target(Kind.SEARCH, f"searches for “{query}”", url, query=query, filters=filters)
    return None


def target_of(sub: AlertSubscription) -> Target:
    if sub.kind == Kind.COMMITTEE:
        return target_from({"committee": sub.committee.slug})
    if sub.kind == Kind.PERSON:
        return target_from({"person": sub.person.slug})
    if sub.kind == Kind.PLAN_ENTRY:
        entry = sub.plan_entry
        return Target(Kind.PLAN_ENTRY, entry.matter, entry.get_absolute_url(), plan_entry=entry)
    return target_from({"q": sub.query, **{f"search_{k}": v for k, v in sub.filters.items()}})


# ---------------------------------------------------------------------------------------------
# Signed links
# ---------------------------------------------------------------------------------------------


def confirm_token(sub: AlertSubscription) -> str:
    return signing.dumps({"s": sub.pk, "e": sub.address.email}, salt=_CONFIRM_SALT)


def unsubscribe_token(subs: list[AlertSubscription]) -> str:
    """One link for the follows a message is about (a digest's are several). It does not
    expire: an old message's link still works (RFC 8058)."""
    return signing.dumps(
        {"s": sorted(s.pk for s in subs), "e": subs[0].address.email}, salt=_UNSUBSCRIBE_SALT
    )


def delete_token(address: AlertAddress) -> str:
    return signing.dumps({"a": address.pk, "e": address.email}, salt=_DELETE_SALT)


def _load(token: str, salt: str, max_age_days: int | None) -> dict:
    try:
        data = signing.loads(
            str(token or ""),
            salt=salt,
            max_age=max_age_days * 86400 if max_age_days else None,
        )
    except signing.BadSignature:  # tampered, or SignatureExpired (a subclass)
        raise ValidationError(BAD_LINK, code="bad_link") from None
    if not isinstance(data, dict):
        raise ValidationError(BAD_LINK, code="bad_link")
    return data


# ---------------------------------------------------------------------------------------------
# Subscribing, confirming, leaving
# ---------------------------------------------------------------------------------------------


def clean_email(email: str) -> str:
    email = (email or "").strip().lower()
    if not email:
        raise ValidationError("Enter your e-mail address.", code="required")
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError(
            "Enter an e-mail address in the correct format, like name@example.com",
            code="invalid",
        ) from None
    return email


def _send(*, to: str, subject: str, template: str, context: dict, unsubscribe_url: str = ""):
    context = {"council": _council_name(), **context}
    text = render_to_string(f"email/{template}.txt", context)
    headers = {}
    if unsubscribe_url:
        headers = {
            "List-Unsubscribe": f"<{unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        }
    message = EmailMultiAlternatives(
        subject, text, settings.DEFAULT_FROM_EMAIL, [to], headers=headers
    )
    message.attach_alternative(render_to_string(f"email/{template}.html", context), "text/html")
    message.send(fail_silently=False)


def _council_name() -> str:
    from .models import PortalSettings

    row = PortalSettings.objects.filter(pk=1).first()
    return row.council_name if row else "The council"


def _first_in_a_while(key: str) -> bool:
    """True once per ``RESEND_MINUTES`` for this message: subscribing an address over and over
    cannot flood it."""
    return cache.add(f"meetings.alerts.sent:{key}", 1, timeout=RESEND_MINUTES * 60)


def subscribe(*, email: str, target: Target, frequency: str, base_url: str = "") -> None:
    """Record the follow unconfirmed and send the confirmation link (again, for a follow still
    unconfirmed). For a follow already confirmed, the address is told so instead: the visitor
    sees the same either way. Raises ValidationError, changing nothing, for a bad address or
    frequency."""
    email = clean_email(email)
    if frequency not in Frequency.values:
        raise ValidationError("Choose how often you want e-mails.", code="frequency")
    if target is None:
        raise ValidationError("Choose something to follow.", code="target")
    base = _base_url(base_url)
    with transaction.atomic():
        address, _ = AlertAddress.objects.get_or_create(email=email)
        sub, created = AlertSubscription.objects.get_or_create(
            address=address,
            key=target.key,
            defaults={
                "kind": target.kind, "committee": target.committee, "person": target.person,
                "plan_entry": target.plan_entry, "query": target.query,
                "filters": target.filters, "frequency": frequency,
            },
        )  # fmt: skip
        if sub.kind == Kind.SEARCH and created:
            from .models import Passage

            top = Passage.objects.order_by("-pk").values_list("pk", flat=True).first()
            AlertSubscription.objects.filter(pk=sub.pk).update(searched_up_to=top or 0)
        if sub.confirmed_at is None and sub.frequency != frequency:
            sub.frequency = frequency
            sub.save(update_fields=["frequency"])
    context = {"name": target.name, "page": base + target.url, "frequency": sub.frequency}
    mail = "confirm" if sub.confirmed_at is None else "already"
    if not _first_in_a_while(f"{mail}:{sub.pk}:{sub.created_at.timestamp()}"):
        return  # asked again within minutes: the message already sent will do
    if sub.confirmed_at is None:
        link = base + reverse("alerts-confirm", kwargs={"token": confirm_token(sub)})
        _send(
            to=email,
            subject=f"Confirm your e-mail alerts: {target.name}",
            template="alert_confirm",
            context={**context, "link": link, "days": CONFIRM_DAYS},
        )
    else:
        link = base + reverse("alerts-unsubscribe", kwargs={"token": unsubscribe_token([sub])})
        _send(
            to=email,
            subject=f"You already get e-mail alerts: {target.name}",
            template="alert_already",
            context={**context, "unsubscribe": link},
            unsubscribe_url=link,
        )


def confirmation(token: str) -> AlertSubscription:
    """The follow a confirmation link names. Raises ValidationError for a tampered or expired
    link or a follow since deleted."""
    data = _load(token, _CONFIRM_SALT, CONFIRM_DAYS)
    sub = (
        AlertSubscription.objects.select_related("address")
        .filter(pk=data.get("s"), address__email=data.get("e"))
        .first()
    )
    if sub is None:
        raise ValidationError(BAD_LINK, code="bad_link")
    return sub


def confirm(*, token: str) -> AlertSubscription:
    """Confirm a follow by its signed link. Raises ValidationError, changing nothing, for a
    tampered or expired link or a follow since deleted."""
    sub = confirmation(token)
    if sub.confirmed_at is None:
        sub.confirmed_at = timezone.now()
        sub.save(update_fields=["confirmed_at"])
    return sub


def unsubscription(token: str) -> list[AlertSubscription]:
    """The follows a valid unsubscribe link names (none left: an empty list)."""
    data = _load(token, _UNSUBSCRIBE_SALT, None)
    ids = data.get("s")
    if not isinstance(ids, list):
        raise ValidationError(BAD_LINK, code="bad_link")
    return list(
        AlertSubscription.objects.select_related("address").filter(
            pk__in=[i for i in ids if isinstance(i, int)], address__email=data.get("e")
        )
    )


def unsubscribe(*, token: str) -> int:
    """Stop the follows a signed link names; returns how many. An address left following
    nothing is deleted. Raises ValidationError, changing nothing, for a tampered link."""
    subs = unsubscription(token)
    with transaction.atomic():
        addresses = {s.address_id for s in subs}
        AlertSubscription.objects.filter(pk__in=[s.pk for s in subs]).delete()
        AlertAddress.objects.filter(pk__in=addresses, follows__isnull=True).delete()
    return len(subs)


def request_deletion(*, email: str, base_url: str = "") -> None:
    """Send the address a signed link that deletes it; the visitor is told the same whether or
    not it is stored. Raises ValidationError for an address not in the right form."""
    email = clean_email(email)
    address = AlertAddress.objects.filter(email=email).first()
    if address is None or not _first_in_a_while(
        f"delete:{address.pk}:{address.created_at.timestamp()}"
    ):
        return
    link = _base_url(base_url) + reverse("alerts-delete", kwargs={"token": delete_token(address)})
    _send(
        to=email,
        subject="Delete your address from e-mail alerts",
        template="alert_delete",
        context={"link": link, "days": DELETE_DAYS},
    )


def deletion_address(token: str) -> AlertAddress | None:
    data = _load(token, _DELETE_SALT, DELETE_DAYS)
    return AlertAddress.objects.filter(pk=data.get("a"), email=data.get("e")).first()


def delete_address(*, token: str) -> int:
    """Delete the address and everything it follows; returns how many follows went."""
    address = deletion_address(token)
    if address is None:
        return 0
    count = address.follows.count()
    address.delete()
    return count


# ---------------------------------------------------------------------------------------------
# What happens
# ---------------------------------------------------------------------------------------------


def _meeting_lines(meeting: Meeting) -> list[str]:
    """The agenda as the public reads it: each item's number and title (a private item's too,
    as the public sees it), never more."""
    lines = []
    items = (
        AgendaItem.objects.visible_to(_public())
        .filter(meeting=meeting, parent__isnull=True)
        .select_related("parent")
        .order_by("position")
    )
    for item in items:
        fields = visibility.item_text_fields(item, visibility.PUBLIC)
        title = item.title if "title" in fields else "Private business"
        private = " (in private)" if visibility.item_is_private(item) else ""
        lines.append(f"{item.number}. {title}{private}")
    return lines


def _meeting_headline(meeting: Meeting, what: str) -> str:
    day = long_date(timezone.localtime(meeting.start).date())
    name = meeting.committee.name
    if what == MeetingWhat.AGENDA:
        return f"Agenda published: {name}, {day}"
    if what == MeetingWhat.SUPPLEMENT:
        return f"Supplementary agenda published: {name}, {day}"
    if what == MeetingWhat.MINUTES:
        return f"Minutes published: {name}, {day}"
    if meeting.status == Meeting.Status.CANCELLED:
        return f"Meeting cancelled: {name}, {day}"
    if meeting.status == Meeting.Status.POSTPONED:
        return f"Meeting postponed: {name}, {day}"
    return f"Meeting going ahead: {name}, {day}"


def meeting_event(*, meeting: Meeting, what: str, base_url: str = "") -> None:
    """Queue the alerts for what happened to a meeting (called inside the step that did it:
    django-tasks-db's queue is a table, so the task exists only once the step commits)."""
    from .tasks import send_meeting_alerts

    send_meeting_alerts.enqueue(meeting.pk, what, _base_url(base_url))


def plan_entry_event(*, entry: PlanEntry, what: str, base_url: str = "") -> None:
    """Queue the alerts for a plan entry changed (``what="changed"``) or a decision record
    published for it (``what="decision"``)."""
    from .tasks import send_plan_entry_alerts

    send_plan_entry_alerts.enqueue(entry.pk, what, _base_url(base_url))


def meeting_alerts(*, meeting_id: int, what: str, base_url: str) -> int:
    """Record what happened to a meeting for everyone following it, and send the immediate
    ones. Nothing if the public may not see the meeting. Returns how many events."""
    meeting = (
        Meeting.objects.visible_to(_public())
        .select_related("committee")
        .filter(pk=meeting_id)
        .first()
    )
    if meeting is None:
        return 0
    headline = _meeting_headline(meeting, what)
    if what == MeetingWhat.MINUTES:
        url = base_url + reverse("minutes-detail", kwargs={"slug": meeting.slug})
        lines = []
    else:
        url = base_url + meeting.get_absolute_url()
        lines = [meeting.venue] if meeting.venue else []
        if what == MeetingWhat.STATUS:
            from .publishing import status_notice

            lines = [status_notice(meeting)] if status_notice(meeting) else []
        else:
            lines += _meeting_lines(meeting)
    on = timezone.localtime(meeting.start).date()
    people = [
        m.person_id
        for m in Membership.objects.filter(committee=meeting.committee)
        if m.is_current(on)
    ]
    subs = AlertSubscription.objects.filter(confirmed_at__isnull=False).filter(
        Q(committee=meeting.committee) | Q(person_id__in=people)
    )
    return _record(subs, headline=headline, lines=lines, url=url, base_url=base_url)


def plan_entry_alerts(*, entry_id: int, what: str, base_url: str) -> int:
    """Record a plan entry's change or decision for everyone following it (as the public reads
    the entry), and send the immediate ones."""
    entry = PlanEntry.objects.visible_to(_public()).filter(pk=entry_id).first()
    if entry is None:
        return 0
    if what == "decision":
        headline = f"Decision published: {entry.matter}"
    else:
        headline = f"Forward plan entry changed: {entry.matter}"
    lines = [
        f"Decision maker: {entry.decision_maker}",
        f"Expected: {long_date(entry.expected_date)}",
    ]
    if entry.is_private:
        lines.append("To be taken in private.")
    subs = AlertSubscription.objects.filter(confirmed_at__isnull=False, plan_entry=entry)
    url = base_url + entry.get_absolute_url()
    return _record(subs, headline=headline, lines=lines, url=url, base_url=base_url)


def search_events(*, run_search, base_url: str = "") -> int:
    """For each confirmed saved search, the public passages indexed since it last looked that
    match it (``run_search(query=, filters=)`` returns the public search's hits, newest
    first): one event a meeting. The search is the search page's (``meetings.search``), passed
    in by the feature that calls this. Returns how many events."""
    from .models import Passage

    base = _base_url(base_url)
    count = 0
    for sub in AlertSubscription.objects.filter(confirmed_at__isnull=False, kind=Kind.SEARCH):
        hits = run_search(query=sub.query, filters=sub.filters)
        # After the search, which first brings the index up to date.
        top = Passage.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        new = [h for h in hits if h.passage.pk > sub.searched_up_to]
        by_meeting: dict = {}
        for hit in new:  # a forward plan entry or decision record is an event of its own
            key = hit.meeting.pk if hit.meeting else hit.url
            by_meeting.setdefault(key, []).append(hit)
        for hits in by_meeting.values():
            meeting = hits[0].meeting
            day = long_date(hits[0].date)
            lines = sorted({f"{h.label}: {h.url}" for h in hits if h.url})
            where = meeting.committee.name if meeting else hits[0].passage.title
            headline = f"New for “{sub.query}”: {where}, {day}"
            url = meeting.get_absolute_url() if meeting else hits[0].url
            count += _record(
                AlertSubscription.objects.filter(pk=sub.pk), headline=headline,
                lines=[line.replace(": /", ": " + base + "/") for line in lines],
                url=base + url, base_url=base,
            )  # fmt: skip
        AlertSubscription.objects.filter(pk=sub.pk).update(searched_up_to=top)
    return count


def _record(subs, *, headline: str, lines: list[str], url: str, base_url: str) -> int:
    events = AlertEvent.objects.bulk_create(
        [
            AlertEvent(subscription=sub, headline=headline[:500], lines="\n".join(lines), url=url)
            for sub in subs
        ]
    )
    send_immediate(base_url=base_url)
    return len(events)


def _message_context(events: list[AlertEvent], subs: list[AlertSubscription], base: str) -> dict:
    link = base + reverse("alerts-unsubscribe", kwargs={"token": unsubscribe_token(subs)})
    return {
        "events": [
            {"headline": e.headline, "lines": e.lines.splitlines(), "url": e.url,
             "follows": target_of(e.subscription).name}
            for e in events
        ],
        "unsubscribe": link,
        "manage": base + reverse("alerts-manage"),
    }  # fmt: skip


def _deliver(events: list[AlertEvent], subject: str, template: str, base: str) -> bool:
    """Send one message for these events. They are claimed first (marked sent), so a second
    worker running at the same time skips them; a refusal puts them back to be sent again."""
    now = timezone.now()
    ids = [e.pk for e in events]
    AlertEvent.objects.filter(pk__in=ids, sent_at__isnull=True).update(sent_at=now)
    claimed = set(AlertEvent.objects.filter(pk__in=ids, sent_at=now).values_list("pk", flat=True))
    events = [e for e in events if e.pk in claimed]
    if not events:
        return False
    subs = list({e.subscription_id: e.subscription for e in events}.values())
    context = _message_context(events, subs, base)
    if len(events) > 1 and template == "alert_message":
        template = "alert_digest"
    try:
        _send(
            to=subs[0].address.email, subject=subject, template=template, context=context,
            unsubscribe_url=context["unsubscribe"],
        )  # fmt: skip
    except Exception:  # a refusal leaves the events to be sent again, not the step undone
        logger.exception("Sending an alert to address %s failed", subs[0].address_id)
        AlertEvent.objects.filter(pk__in=[e.pk for e in events]).update(sent_at=None)
        return False
    return True


def send_immediate(*, base_url: str = "") -> int:
    """Send every unsent event of an immediate follow, one message each. Returns how many
    went."""
    base = _base_url(base_url)
    sent = 0
    for event in AlertEvent.objects.filter(
        sent_at__isnull=True,
        subscription__frequency=Frequency.IMMEDIATE,
        subscription__confirmed_at__isnull=False,
    ).select_related("subscription__address", "subscription__committee", "subscription__person"):
        sent += _deliver([event], event.headline, "alert_message", base)
    return sent


def _base_of(events: list[AlertEvent], base_url: str) -> str:
    """The address given or set (PORTAL_URL); else the one the events' own links were made
    with (the clerk's request that published)."""
    if base_url or getattr(settings, "PORTAL_URL", ""):
        return _base_url(base_url)
    parts = urlsplit(events[0].url) if events else None
    if parts and parts.scheme and parts.netloc:
        return f"{parts.scheme}://{parts.netloc}"
    return _base_url("")


def send_digests(*, base_url: str = "") -> int:
    """One message an address holding the unsent events of its daily follows. Returns how many
    messages went."""
    by_address: dict[int, list[AlertEvent]] = {}
    for event in AlertEvent.objects.filter(
        sent_at__isnull=True,
        subscription__frequency=Frequency.DAILY,
        subscription__confirmed_at__isnull=False,
    ).select_related("subscription__address"):
        by_address.setdefault(event.subscription.address_id, []).append(event)
    sent = 0
    for events in by_address.values():
        n = len(events)
        subject = f"Your daily alerts: {n} update{'s' if n != 1 else ''}"
        sent += _deliver(events, subject, "alert_digest", _base_of(events, base_url))
    return sent


def purge(*, now=None) -> int:
    """Forget follows never confirmed once their link has expired, the addresses left following
    nothing, and events sent more than a week ago. Returns how many addresses went."""
    now = now or timezone.now()
    expired = now - dt.timedelta(days=CONFIRM_DAYS)
    AlertSubscription.objects.filter(confirmed_at__isnull=True, created_at__lt=expired).delete()
    AlertEvent.objects.filter(sent_at__lt=now - dt.timedelta(days=7)).delete()
    gone, _ = AlertAddress.objects.filter(follows__isnull=True, created_at__lt=expired).delete()
    return gone
