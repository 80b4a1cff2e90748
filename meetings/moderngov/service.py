"""``/mgWebService.asmx/<operation>``: the public part of the portal, answered as ModernGov's web
service answers, for the tools that read councils' ModernGov sites.

Everything is read as the public reads it (``visible_to(AnonymousUser())`` on every queryset),
whoever asks: drafts never appear; a private item appears with ``isrestricted`` True, its title
and the public's reason only, and no papers; exempt papers are never linked. Records imported
from ModernGov keep their ModernGov ids; the portal's own records are answered under
``NATIVE_ID_BASE`` plus their primary key (see docs/moderngov.md)."""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterable

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, HttpResponseNotFound
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_safe

from boardpapers.cache import LISTS, depends_on
from meetings import visibility
from meetings.models import (
    AgendaItem,
    Attendance,
    Committee,
    Declaration,
    Meeting,
    Membership,
    MinuteItem,
    Minutes,
    Person,
)
from meetings.templatetags.papers import narrative

from . import render
from .models import MINUTE_ITEM_ID_BASE, NATIVE_ID_BASE, ModernGovId
from .render import Node, count, el

Kind = ModernGovId.Kind
STATUS = {
    Meeting.Status.PUBLISHED: "Confirmed",
    Meeting.Status.CANCELLED: "Cancelled",
    Meeting.Status.POSTPONED: "Postponed",
}
MEMBER_ROLE = {
    Membership.Role.CHAIR: "Chair",
    Membership.Role.VICE_CHAIR: "Vice-Chair",
    Membership.Role.MEMBER: "Committee Member",
    Membership.Role.CO_OPTED: "Co-opted Member",
    Membership.Role.REPRESENTATIVE: "Representative",
}
NO_WARD = "No ward"


class BadRequest(ValueError):
    pass


def public_user() -> AnonymousUser:
    return AnonymousUser()


# Ids: an imported record answers under its ModernGov id, a native one under base + pk.


def public_ids(kind: str, pks: Iterable[int]) -> dict[int, int]:
    pks = list(set(pks))
    found = dict(
        ModernGovId.objects.filter(kind=kind, object_id__in=pks).values_list(
            "object_id", "moderngov_id"
        )
    )
    return {pk: found.get(pk, NATIVE_ID_BASE + pk) for pk in pks}


def resolve(kind: str, public_id: int) -> int | None:
    if public_id >= NATIVE_ID_BASE:
        return public_id - NATIVE_ID_BASE
    return (
        ModernGovId.objects.filter(kind=kind, moderngov_id=public_id)
        .values_list("object_id", flat=True)
        .first()
    )


# Only ASCII digits: str.isdigit() also takes superscripts ("²", which int() refuses) and
# other scripts' digits (Arabic-Indic, full-width), which int() reads.
WHOLE_NUMBER = re.compile(r"[0-9]{1,12}", re.ASCII)
DAY_MONTH_YEAR = re.compile(r"[0-9]{1,2}/[0-9]{1,2}/[0-9]{4}", re.ASCII)


def _shown(raw: str) -> str:
    return repr(raw[:40] + ("..." if len(raw) > 40 else ""))


def _int_param(request: HttpRequest, name: str) -> int:
    raw = request.GET.get(name, "").strip()
    if not WHOLE_NUMBER.fullmatch(raw):
        raise BadRequest(f"{name} must be a whole number, not {_shown(raw)}.")
    return int(raw)


def _date_param(request: HttpRequest, name: str) -> dt.date | None:
    raw = request.GET.get(name, "0").strip()
    if raw in ("", "0"):
        return None
    try:
        if not DAY_MONTH_YEAR.fullmatch(raw):
            raise ValueError(raw)
        return dt.datetime.strptime(raw, "%d/%m/%Y").date()
    except ValueError as exc:
        raise BadRequest(f"{name} must be a date as dd/mm/yyyy, or 0, not {_shown(raw)}.") from exc


def _local(meeting: Meeting) -> dt.datetime:
    return timezone.localtime(meeting.start)


# Operations.


def _committee_nodes(committees: list[Committee]) -> list[Node]:
    ids = public_ids(Kind.COMMITTEE, (c.pk for c in committees))
    return [
        el(
            "committee",
            [
                el("committeeid", ids[c.pk]),
                el("committeetitle", c.name),
                el("committeedeleted", False),
                el("committeeexpired", not c.is_active),
                el("committeecategory", c.get_kind_display()),
            ],
        )
        for c in committees
    ]


def get_committees(request: HttpRequest) -> Node:
    committees = list(Committee.objects.order_by("name"))
    nodes = _committee_nodes(committees)
    return el("committees", [count("committeescount", len(committees)), *nodes])


def get_committees_by_user(request: HttpRequest) -> Node:
    person_pk = resolve(Kind.PERSON, _int_param(request, "lUserId"))
    today = timezone.localdate()
    committees = list(
        Committee.objects.filter(
            memberships__person_id=person_pk,
            memberships__in=Membership.objects.filter(
                Q(start_date__isnull=True) | Q(start_date__lte=today),
                Q(end_date__isnull=True) | Q(end_date__gte=today),
            ),
        )
        .distinct()
        .order_by("name")
    )
    nodes = _committee_nodes(committees)
    return el("committees", [count("committeescount", len(committees)), *nodes])


def get_meetings(request: HttpRequest) -> Node:
    committee_param = _int_param(request, "lCommitteeId")
    since, until = _date_param(request, "sFromDate"), _date_param(request, "sToDate")
    meetings = Meeting.objects.visible_to(public_user()).select_related("committee")
    if committee_param:
        meetings = meetings.filter(committee_id=resolve(Kind.COMMITTEE, committee_param))
    if since:
        meetings = meetings.filter(start__date__gte=since)
    if until:
        meetings = meetings.filter(start__date__lte=until)
    meetings = list(meetings.order_by("start", "pk"))
    by_committee: dict[int, list[Meeting]] = defaultdict(list)
    for meeting in meetings:
        by_committee[meeting.committee_id].append(meeting)
    committee_ids = public_ids(Kind.COMMITTEE, by_committee)
    meeting_ids = public_ids(Kind.MEETING, (m.pk for m in meetings))
    groups = sorted(by_committee.values(), key=lambda ms: ms[0].committee.name)
    nodes = [
        el(
            "committee",
            [
                el("committeeid", committee_ids[ms[0].committee_id]),
                el("committeetitle", ms[0].committee.name),
                count("committeemeetingcount", len(ms)),
                el(
                    "committeemeetings",
                    [
                        el(
                            "meeting",
                            [
                                el("meetingid", meeting_ids[m.pk]),
                                el("meetingdate", render.date(_local(m).date())),
                                el("meetingstatus", STATUS[m.status]),
                                el("meetingtime", render.time(_local(m).time())),
                                el("iswebcast", bool(m.webcast_url)),
                            ],
                        )
                        for m in ms
                    ],
                ),
            ],
        )
        for ms in groups
    ]
    return el(
        "getmeetings",
        [count("meetingscount", len(meetings)), count("committeescount", len(groups)), *nodes],
    )


def _item_text_html(item: AgendaItem, fields: tuple[str, ...]) -> str:
    parts = []
    if "description" in fields:
        parts.append(item.description)
        parts.extend(f"- {b}" for b in item.bullet_points or [])
    if "public_description" in fields and item.public_description:
        parts.append(item.public_description)
    return str(narrative("\n\n".join(p for p in parts if p)))


def _minute_html(minute: MinuteItem) -> str:
    body = minute.narrative_html or str(narrative(minute.narrative))
    resolutions = list(minute.resolutions.all())
    if len(resolutions) == 1 and not resolutions[0].number:
        body += str(narrative(f"RESOLVED that {resolutions[0].text}"))
    elif resolutions:
        body += str(narrative("RESOLVED that:"))
        body += "".join(str(narrative(f"({r.number}) {r.text}")) for r in resolutions)
    return body


def get_meeting(request: HttpRequest) -> Node | None:
    viewer = public_user()
    meeting_pk = resolve(Kind.MEETING, _int_param(request, "lMeetingId"))
    meeting = (
        Meeting.objects.visible_to(viewer).select_related("committee").filter(pk=meeting_pk).first()
    )
    if meeting is None:
        return None
    from reports.models import Report

    start = _local(meeting)
    day = render.date(start.date())
    clock = render.time(start.time())
    items = list(
        AgendaItem.objects.visible_to(viewer).filter(meeting=meeting).select_related("parent")
    )
    tops = sorted((i for i in items if not i.parent_id), key=lambda i: (i.position, i.pk))
    subs: dict[int, list[AgendaItem]] = defaultdict(list)
    for item in sorted(items, key=lambda i: (i.position, i.pk)):
        if item.parent_id:
            subs[item.parent_id].append(item)
    ordered = [x for top in tops for x in (top, *subs[top.pk])]
    audience = visibility.audience_of(viewer)

    reports_by_item: dict[int, list[Report]] = defaultdict(list)
    reports = (
        Report.objects.visible_to(viewer)
        .current()  # a paper replaced by a later one is not linked
        .filter(agenda_item__meeting=meeting)  # visible_to leaves out exempt papers
        .order_by("position", "pk")
    )
    for report in reports:
        reports_by_item[report.agenda_item_id].append(report)
    minutes = Minutes.objects.visible_to(viewer).filter(meeting=meeting).first()
    minute_by_item: dict[int, MinuteItem] = {}
    unlinked: list[MinuteItem] = []
    item_pks = {i.pk for i in ordered}
    declarations: dict[int, int] = defaultdict(int)
    minute_declarations: dict[int, int] = defaultdict(int)
    if minutes is not None:
        visible_minutes = MinuteItem.objects.visible_to(viewer).filter(minutes=minutes)
        minutes_filter = Q(minute_item__minutes=minutes)
        for minute in (
            visible_minutes.select_related("agenda_item__parent")
            .prefetch_related("resolutions")
            .order_by("position")
        ):
            if minute.agenda_item_id in item_pks and minute.agenda_item_id not in minute_by_item:
                minute_by_item[minute.agenda_item_id] = minute
            else:
                unlinked.append(minute)
        for declaration in Declaration.objects.visible_to(viewer).filter(minutes_filter):
            minute_declarations[declaration.minute_item_id] += 1
    for item_pk, minute in minute_by_item.items():
        declarations[item_pk] = minute_declarations[minute.pk]
    item_ids = public_ids(Kind.AGENDA_ITEM, (i.pk for i in ordered))
    doc_ids = public_ids(Kind.DOCUMENT, (r.pk for rs in reports_by_item.values() for r in rs))
    meeting_id = public_ids(Kind.MEETING, [meeting.pk])[meeting.pk]

    rows = []
    for item in ordered:
        if item.parent_id:
            number, sub_number = item.parent.position, str(item.position)
            display = f"{item.parent.number}{item.display_number}"  # ModernGov's "3(a)"
        else:
            number, sub_number, display = item.position, "", f"{item.number}."
        rows.append(
            {
                "id": item_ids[item.pk],
                "title": item.title,
                "text": _item_text_html(item, visibility.item_text_fields(item, audience)),
                "number": number,
                "sub_number": sub_number,
                "display": display,
                "presenter": (
                    item.presenter
                    if "presenter" in visibility.item_text_fields(item, audience)
                    else ""
                ),
                "minute": minute_by_item.get(item.pk),
                "declarations": declarations[item.pk],
                "restricted": item.is_private,
                "docs": [] if item.is_private else reports_by_item.get(item.pk, []),
            }
        )
    for minute in unlinked:
        # Minutes with no agenda item of their own (the portal holds some meetings' minutes
        # without their agenda): ModernGov hangs minutes on items, so each becomes one.
        rows.append(
            {
                "id": MINUTE_ITEM_ID_BASE + minute.pk,
                "title": minute.title,
                "text": "",
                "number": minute.position,
                "sub_number": "",
                "display": f"{minute.number}.",
                "presenter": "",
                "minute": minute,
                "declarations": minute_declarations[minute.pk],
                "restricted": visibility.minute_item_is_private(minute),
                "docs": [],
            }
        )
    agenda_nodes = [_agenda_node(request, meeting, row, doc_ids, day, clock) for row in rows]
    minute_rows = [row["minute"] for row in rows if row["minute"] is not None]
    return el(
        "meeting",
        [
            el("meetingid", meeting_id),
            el("meetingdate", day),
            el("meetingstatus", STATUS[meeting.status]),
            el("isdisplayallowed", True),
            el("meetingtime", clock),
            el("meetingactualstarttime", ""),
            el("meetingplannedfinishtime", ""),
            el("meetingactualfinishtime", render.time(meeting.closed_at)),
            el("meetinglocation", meeting.venue),
            el("iswebcast", bool(meeting.webcast_url)),
            el("agendaid", meeting_id),
            el("agendapublished", bool(items)),
            el("decisionpublished", any(m.resolutions.all() for m in minute_rows)),
            el("minutepublished", minutes is not None),
            el("meetingroom", ""),
            el("agendaitems", agenda_nodes),
            el("attendees", _attendees(request, meeting, minutes)),
        ],
    )


def _agenda_node(request, meeting, row, doc_ids, day, clock) -> Node:
    minute = row["minute"]
    has_decision = bool(minute and minute.resolutions.all())
    return el(
        "agendaitem",
        [
            el("agendaitemid", row["id"]),
            el("agendaitemtitle", row["title"]),
            el("agendatext", row["text"]),
            el("actualmeetingdate", day),
            el("agendaitemnumber", row["number"]),
            el("agendaitemsubnumber", row["sub_number"]),
            el("fulldisplaynumberformat", row["display"]),
            el("authorusername", ""),
            el("commentlabel1", "Presented By"),
            el("commenttext1", row["presenter"]),
            el("commentlabel2", "Actions"),
            el("commenttext2", ""),
            el("minutesnonemptyhtmlbody", _minute_html(minute) if minute else ""),
            el("declarationcount", row["declarations"]),
            el("iscallin", False),
            el("iscomment", False),
            el("isdecision", has_decision),
            el("isdecisionpublished", has_decision),
            el("isminutepublished", minute is not None),
            el("ispubliccanspeak", False),
            el("isrestricted", row["restricted"]),
            el("isdisplayallowed", True),
            el("meetingdate", day),
            el("meetingtime", clock),
            el("minutesitemnumber", minute.number if minute else ""),
            el("minutesitemsubnumber", ""),
            el("preferreddate", day),
            el("refertocommittee", meeting.committee.name),
            el(
                "linkeddocuments",
                [
                    el(
                        "linkeddoc",
                        [
                            el("attachmentid", doc_ids[report.pk]),
                            el("title", report.title),
                            el("isurl", False),
                            el(
                                "url",
                                request.build_absolute_uri(
                                    reverse("report-download", kwargs={"pk": report.pk})
                                ),
                            ),
                            el("isrestricted", False),
                            el("restrictionsRef", ""),
                            el("itemnum", n),
                            el(
                                "publicationdate",
                                render.date(timezone.localtime(report.uploaded_at).date()),
                            ),
                            el("meetingdate", day),
                            el("decisiondate", day),
                            el("committeetitle", meeting.committee.name),
                            el("isdecisionattachment", False),
                            el("ownertitle", row["title"]),
                        ],
                    )
                    for n, report in enumerate(row["docs"], start=1)
                ],
            ),
        ],
    )


def _extras(people: Iterable[Person]) -> dict[int, dict]:
    return dict(
        ModernGovId.objects.filter(
            kind=Kind.PERSON, object_id__in=[p.pk for p in people]
        ).values_list("object_id", "extra")
    )


def _attendees(request: HttpRequest, meeting: Meeting, minutes: Minutes | None) -> list[Node]:
    """The committee's members on the day, each "Expected" until attendance is recorded; with
    minutes, who was present, sent apologies or attended, and members not recorded as absent."""
    day = _local(meeting).date()
    members = list(
        Membership.objects.filter(committee=meeting.committee)
        .filter(Q(start_date__isnull=True) | Q(start_date__lte=day))
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=day))
        .select_related("person")
        .order_by("position", "person__surname")
    )
    attendance = (
        list(Attendance.objects.filter(minutes=minutes).select_related("person"))
        if minutes is not None
        else []
    )
    recorded = {a.person_id: a for a in attendance}
    rows: list[tuple[Person, str, str]] = []
    for membership in members:
        line = recorded.pop(membership.person_id, None)
        role = MEMBER_ROLE.get(membership.role, "Committee Member")
        if line is None:
            state = "Absent" if attendance else "Expected"
        elif line.group == Attendance.Group.APOLOGIES:
            state = "Apologies"
        elif line.group == Attendance.Group.OFFICER:
            state = "In attendance"
        else:
            state = "Present"
        rows.append((membership.person, role, state))
    for line in attendance:
        if line.person_id not in recorded:
            continue
        if line.group == Attendance.Group.APOLOGIES:
            role, state = "Committee Member", "Apologies"
        elif line.group == Attendance.Group.OFFICER:
            role, state = "Officer", "In attendance"
        elif line.group == Attendance.Group.OTHER_REPRESENTATIVE:
            role, state = "Representative", "Present"
        else:
            role, state = ("Chair" if line.is_chair else "Committee Member"), "Present"
        rows.append((line.person, role, state))
    people = [p for p, _, _ in rows]
    ids = public_ids(Kind.PERSON, (p.pk for p in people))
    extras = _extras(people)
    nodes = []
    for person, role, state in rows:
        extra = extras.get(person.pk) or {}
        attrs = {
            "membertype": "U",
            "memberid": str(ids[person.pk]),
            "name": person.display_name,
            "roledescription": role,
            "attendance": state,
            "politicalparty": extra.get("party", ""),
            "ward": extra.get("ward", ""),
        }
        if extra.get("key_posts"):
            attrs["keyposts"] = extra["key_posts"]
        url = request.build_absolute_uri(reverse("person-detail", kwargs={"slug": person.slug}))
        nodes.append(el("attendee", [el("url", url)], **attrs))
    return nodes


def _members() -> list[Person]:
    return list(Person.objects.filter(memberships__isnull=False).distinct().order_by("surname"))


def get_member_group(request: HttpRequest) -> Node:
    people = _members()
    ids, extras = public_ids(Kind.PERSON, (p.pk for p in people)), _extras(people)
    return el(
        "memberlist",
        [
            el(
                "members",
                [
                    count("membercount", len(people)),
                    *(
                        el(
                            "member",
                            [
                                el("memberid", ids[p.pk]),
                                el("fullusername", p.display_name),
                                el("politicalpartytitle", (extras.get(p.pk) or {}).get("party")),
                                el("keyposts", (extras.get(p.pk) or {}).get("key_posts")),
                            ],
                        )
                        for p in people
                    ),
                ],
            )
        ],
    )


def get_councillors_by_ward(request: HttpRequest) -> Node:
    people = _members()
    ids, extras = public_ids(Kind.PERSON, (p.pk for p in people)), _extras(people)
    wards: dict[str, list[Person]] = defaultdict(list)
    for person in people:
        wards[(extras.get(person.pk) or {}).get("ward") or NO_WARD].append(person)
    order = sorted(wards, key=lambda w: (w == NO_WARD, w))
    return el(
        "councillorsbyward",
        [
            el(
                "wards",
                [
                    el(
                        "ward",
                        [
                            el("wardtitle", ward),
                            el(
                                "councillors",
                                [
                                    count("councillorcount", len(wards[ward])),
                                    *(
                                        el(
                                            "councillor",
                                            [
                                                el("councillorid", ids[p.pk]),
                                                el("fullusername", p.display_name),
                                                el(
                                                    "politicalpartytitle",
                                                    (extras.get(p.pk) or {}).get("party"),
                                                ),
                                                el(
                                                    "keyposts",
                                                    (extras.get(p.pk) or {}).get("key_posts"),
                                                ),
                                            ],
                                        )
                                        for p in wards[ward]
                                    ),
                                ],
                            ),
                        ],
                    )
                    for ward in order
                ],
            )
        ],
    )


OPERATIONS = {
    "getcommittees": get_committees,
    "getmeetings": get_meetings,
    "getmeeting": get_meeting,
    "getcommitteesbyuser": get_committees_by_user,
    "getmembergroup": get_member_group,
    "getcouncillorsbyward": get_councillors_by_ward,
}


def _plain(response_class, message: str) -> HttpResponse:
    return response_class(message + "\n", content_type="text/plain; charset=utf-8")


@depends_on(LISTS)
@require_safe
def web_service(request: HttpRequest, operation: str) -> HttpResponse:
    handler = OPERATIONS.get(operation.lower())
    if handler is None:
        return _plain(HttpResponseNotFound, f"No such operation: {operation}.")
    try:
        root = handler(request)
    except BadRequest as exc:
        return _plain(HttpResponseBadRequest, str(exc))
    if root is None:
        return _plain(HttpResponseNotFound, "No such meeting.")
    response = HttpResponse(render.document(root), content_type="text/xml; charset=utf-8")
    response["Cache-Control"] = "public, max-age=300"
    return response
