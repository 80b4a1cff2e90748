"""A read-only JSON API over what the viewer may see, filtered like the pages.

A meeting is shaped as an Open Civic Data event (``_type``, ``classification``, ``start_date``,
``participants``, ``agenda`` with ``media`` and ``related_entities``, ``documents``, ``sources``),
so a consumer of OCD events recognises it; council specifics sit in ``extras``.
"""

from __future__ import annotations

from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.http import HttpRequest, JsonResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from boardpapers.cache import LISTS, depends_on
from reports.models import Report

from . import calendars, selectors
from .models import AgendaItem, Committee, Meeting, Membership, Minutes, Person

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 200
OCD_STATUS = {
    Meeting.Status.CANCELLED: "cancelled",
    Meeting.Status.POSTPONED: "tentative",
    Meeting.Status.DRAFT: "tentative",
}


def _abs(request: HttpRequest, path: str) -> str:
    return request.build_absolute_uri(path)


def _error(status: int, message: str, **extra) -> JsonResponse:
    return JsonResponse({"error": message, **extra}, status=status)


def _paginated(request: HttpRequest, qs, serialise) -> JsonResponse:
    try:
        size = min(int(request.GET.get("page_size", DEFAULT_PAGE_SIZE)), MAX_PAGE_SIZE)
        if size < 1:
            raise ValueError
    except ValueError:
        return _error(400, f"page_size must be a whole number from 1 to {MAX_PAGE_SIZE}.")
    paginator = Paginator(qs, size)
    try:
        page = paginator.page(request.GET.get("page") or 1)
    except PageNotAnInteger:
        return _error(400, "page must be a whole number.")
    except EmptyPage:
        return _error(404, f"There is no page {request.GET.get('page')}.")

    def link(number: int) -> str:
        query = request.GET.copy()
        query["page"] = str(number)
        return _abs(request, f"{request.path}?{query.urlencode()}")

    return JsonResponse(
        {
            "count": paginator.count,
            "next": link(page.next_page_number()) if page.has_next() else None,
            "previous": link(page.previous_page_number()) if page.has_previous() else None,
            "results": [serialise(request, obj) for obj in page.object_list],
        },
        json_dumps_params={"ensure_ascii": False},
    )


def _person_summary(request: HttpRequest, person: Person | None) -> dict | None:
    if person is None:
        return None
    return {
        "id": person.slug,
        "name": person.display_name,
        "url": _abs(request, reverse("api-person-detail", args=[person.slug])),
        "html_url": _abs(request, reverse("person-detail", args=[person.slug])),
    }


def _committee_summary(request: HttpRequest, committee: Committee) -> dict:
    return {
        "id": committee.slug,
        "name": committee.name,
        "classification": committee.kind,
        "url": _abs(request, reverse("api-committee-detail", args=[committee.slug])),
        "html_url": _abs(request, reverse("committee-detail", args=[committee.slug])),
    }


def _membership(request: HttpRequest, m: Membership) -> dict:
    return {
        "person": _person_summary(request, m.person),
        "committee": _committee_summary(request, m.committee),
        "role": m.get_role_display(),
        "organisation": m.organisation or None,
        "start_date": m.start_date.isoformat() if m.start_date else None,
        "end_date": m.end_date.isoformat() if m.end_date else None,
    }


def _meeting_summary(request: HttpRequest, meeting: Meeting) -> dict:
    start = timezone.localtime(meeting.start)
    status = OCD_STATUS.get(meeting.status)
    if status is None:
        status = "passed" if meeting.start < timezone.now() else "confirmed"
    return {
        "_type": "event",
        "id": meeting.slug,
        "name": f"{meeting.committee.name} meeting",
        "classification": "committee-meeting",
        "start_date": start.isoformat(),
        "end_date": timezone.localtime(calendars.meeting_end(meeting)).isoformat(),
        "timezone": "Europe/London",
        "all_day": False,
        "status": status,
        "location": {"name": meeting.venue or None, "url": None, "coordinates": None},
        "participants": [
            {
                "entity_type": "organization",
                "entity_name": meeting.committee.name,
                "entity_id": meeting.committee.slug,
                "note": "host",
            }
        ],
        "url": _abs(request, reverse("api-meeting-detail", args=[meeting.slug])),
        "html_url": _abs(request, meeting.get_absolute_url()),
        "sources": [{"url": _abs(request, meeting.get_absolute_url()), "note": "meeting page"}],
        "extras": {
            "portal_status": meeting.status,
            # Why a meeting was cancelled or postponed, and a postponed one's new date.
            "status_reason": meeting.status_reason or None,
            "postponed_to": meeting.postponed_to.isoformat() if meeting.postponed_to else None,
        },
    }


def _document(request: HttpRequest, report: Report) -> dict:
    return {
        "note": report.title,
        "date": timezone.localtime(report.uploaded_at).date().isoformat(),
        "classification": report.kind,
        "links": [
            {
                "media_type": "application/pdf",
                "url": _abs(request, report.get_download_url()),
            },
            {
                "media_type": "text/html",
                "url": _abs(request, reverse("document-detail", args=[report.pk])),
            },
        ],
        "extras": {
            "id": report.pk,
            "pages": report.page_count,
            "size_bytes": report.size_bytes,
            "sha256": report.sha256,
            "exempt": report.is_exempt_material,
        },
    }


def _agenda_item(request: HttpRequest, item: AgendaItem, parent: AgendaItem | None) -> dict:
    """An item as the user may read it: ``item.full_text`` is set by ``selectors.meeting_agenda``
    from ``visibility.item_text_fields``."""
    number = item.stamp_number
    full = item.full_text
    notes = [item.presenter] if item.presenter and full else []
    return {
        "order": number,
        "description": item.title,
        "classification": ["private" if item.is_private else "public"],
        "subjects": [],
        "notes": notes,
        "related_entities": [],
        "media": [_document(request, r) for r in item.reports.all()],
        "extras": {
            "number": number,
            "printed_number": item.display_number,
            "sub_item_of": parent.number if parent else None,
            "description": item.description if full else "",
            "bullet_points": item.bullet_points if full else [],
            "part": "private" if item.is_private else "public",
            "exemption_paragraph": item.exemption,
            "public_description": item.public_description if item.is_private else None,
        },
    }


def _meeting_full(request: HttpRequest, meeting: Meeting) -> dict:
    data = _meeting_summary(request, meeting)
    agenda = []
    for item in selectors.meeting_agenda(meeting=meeting, user=request.user):
        agenda.append(_agenda_item(request, item, None))
        agenda.extend(_agenda_item(request, sub, item) for sub in item.sub_items.all())
    data["agenda"] = agenda
    documents = []
    if Minutes.objects.visible_to(request.user).filter(meeting=meeting).exists():
        documents.append(
            {
                "note": "Minutes",
                "classification": "minutes",
                "links": [
                    {
                        "media_type": "text/html",
                        "url": _abs(request, reverse("minutes-detail", args=[meeting.slug])),
                    }
                ],
            }
        )
    data["documents"] = documents
    data["media"] = (
        [{"note": "Webcast", "links": [{"media_type": "text/html", "url": meeting.webcast_url}]}]
        if meeting.webcast_url
        else []
    )
    officer = meeting.contact_officer
    data["extras"].update(
        {
            "dispatch_date": meeting.dispatch_date.isoformat() if meeting.dispatch_date else None,
            "signatory": meeting.signatory or None,
            "contact_officer": (
                {
                    **_person_summary(request, officer),
                    "telephone": officer.telephone or None,
                    "email": officer.email or None,
                }
                if officer
                else None
            ),
            "calendar": _abs(request, reverse("meeting-ics", args=[meeting.slug])),
        }
    )
    return data


def _committee_full(request: HttpRequest, committee: Committee) -> dict:
    data = _committee_summary(request, committee)
    today = timezone.localdate()
    members = [
        m
        for m in committee.memberships.select_related("person", "committee").order_by("position")
        if m.is_current(today)
    ]
    data.update(
        {
            "description": committee.description,
            "contact_officer": _person_summary(request, committee.contact_officer),
            "memberships": [_membership(request, m) for m in members],
            "meetings": _abs(request, reverse("api-meeting-list") + f"?committee={committee.slug}"),
            "calendar": _abs(request, reverse("committee-ics", args=[committee.slug])),
        }
    )
    return data


def _person_full(request: HttpRequest, person: Person) -> dict:
    data = _person_summary(request, person)
    data.update(
        {
            "honorific": person.honorific or None,
            "forenames": person.forenames or None,
            "surname": person.surname,
            "job_title": person.job_title or None,
            "organisation": person.organisation or None,
            "memberships": [
                _membership(request, m)
                for m in person.memberships.select_related("committee", "person")
            ],
        }
    )
    return data


def _decision(request: HttpRequest, resolution) -> dict:
    minute = resolution.minute_item
    meeting = minute.minutes.meeting
    minutes_url = reverse("minutes-detail", args=[meeting.slug]) + f"#minute-{minute.number}"
    return {
        "id": resolution.pk,
        "number": resolution.number,
        "text": resolution.text,
        "minute": {"number": minute.number, "title": minute.title},
        "html_url": _abs(request, minutes_url),
        "meeting": _meeting_summary(request, meeting),
    }


def _filter_errors(filterset) -> JsonResponse:
    return JsonResponse(
        {"error": "Some filters are not valid.", "fields": filterset.errors.get_json_data()},
        status=400,
    )


@depends_on(LISTS)
@require_GET
def committee_list(request: HttpRequest) -> JsonResponse:
    qs = Committee.objects.filter(is_active=True).order_by("name")
    return _paginated(request, qs, _committee_summary)


@depends_on("committee:{slug}")
@require_GET
def committee_detail(request: HttpRequest, slug: str) -> JsonResponse:
    committee = Committee.objects.select_related("contact_officer").filter(slug=slug).first()
    if committee is None:
        return _error(404, "No committee has that id.")
    return JsonResponse(
        _committee_full(request, committee), json_dumps_params={"ensure_ascii": False}
    )


@depends_on(LISTS)
@require_GET
def meeting_list(request: HttpRequest) -> JsonResponse:
    filterset, qs = selectors.meeting_list(user=request.user, data=request.GET)
    if filterset.is_bound and not filterset.is_valid():
        return _filter_errors(filterset)
    return _paginated(request, qs.order_by("-start"), _meeting_summary)


@depends_on("meeting:{slug}")
@require_GET
def meeting_detail(request: HttpRequest, slug: str) -> JsonResponse:
    meeting = (
        Meeting.objects.visible_to(request.user)
        .select_related("committee", "contact_officer")
        .filter(slug=slug)
        .first()
    )
    if meeting is None:
        return _error(404, "No meeting has that id.")
    return JsonResponse(_meeting_full(request, meeting), json_dumps_params={"ensure_ascii": False})


@depends_on(LISTS)
@require_GET
def person_list(request: HttpRequest) -> JsonResponse:
    return _paginated(request, Person.objects.order_by("surname", "forenames"), _person_summary)


@depends_on("person:{slug}")
@require_GET
def person_detail(request: HttpRequest, slug: str) -> JsonResponse:
    person = Person.objects.filter(slug=slug).first()
    if person is None:
        return _error(404, "No person has that id.")
    return JsonResponse(_person_full(request, person), json_dumps_params={"ensure_ascii": False})


@depends_on(LISTS)
@require_GET
def decision_list(request: HttpRequest) -> JsonResponse:
    filterset, qs = selectors.decision_list(user=request.user, data=request.GET)
    if filterset.is_bound and not filterset.is_valid():
        return _filter_errors(filterset)
    return _paginated(request, qs, _decision)


@depends_on()
@require_GET
def openapi(request: HttpRequest) -> JsonResponse:
    from .openapi import document

    return JsonResponse(document(_abs(request, "/")), json_dumps_params={"ensure_ascii": False})
