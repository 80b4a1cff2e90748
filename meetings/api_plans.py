"""The JSON API of the forward plan, its notices and decision records: what the caller may see
(``visible_to``), filtered like the pages, paginated like the rest of the API."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from . import plans, visibility
from .api import _abs, _error, _filter_errors, _meeting_summary, _paginated
from .models import AgendaItem, DecisionRecord, Notice, PlanEntry
from .views_plans import DecisionRecordFilter, PlanFilter

JSON = {"json_dumps_params": {"ensure_ascii": False}}


def _notice(request: HttpRequest, notice: Notice) -> dict:
    return {
        "id": notice.pk,
        "kind": notice.kind,
        "reasons": notice.reasons,
        "scrutiny_chair": notice.scrutiny_chair,
        "chair_informed_at": notice.chair_informed_at.isoformat()
        if notice.chair_informed_at
        else None,
        "chair_agreed_at": notice.chair_agreed_at.isoformat() if notice.chair_agreed_at else None,
        "published_at": notice.published_at.isoformat() if notice.published_at else None,
        "plan_entry": _abs(request, reverse("api-plan-entry-detail", args=[notice.entry_id])),
    }


def _entry(request: HttpRequest, entry: PlanEntry, *, full: bool = False) -> dict:
    audience = visibility.audience_of(request.user)
    data = {
        "id": entry.pk,
        "matter": entry.matter,
        "summary": entry.summary,
        "decision_maker": entry.decision_maker,
        "decision_maker_kind": entry.decision_maker_kind,
        "expected_date": entry.expected_date.isoformat(),
        "key_decision": entry.is_key_decision,
        "notice": plans.notice_status(entry),
        "private": entry.is_private,
        "exemption_paragraph": entry.exemption_paragraph,
        "private_reason": entry.private_reason,
        "documents": entry.document_list
        if visibility.plan_entry_shows_documents(entry, audience)
        else None,
        "contact": entry.contact,
        "wards": [w.name for w in entry.wards.all()],
        "first_published_on": entry.first_published_on.isoformat()
        if entry.first_published_on
        else None,
        "url": _abs(request, reverse("api-plan-entry-detail", args=[entry.pk])),
        "html_url": _abs(request, entry.get_absolute_url()),
    }
    if full:
        item = entry.agenda_item
        if item is not None and AgendaItem.objects.visible_to(request.user).filter(pk=item.pk):
            data["agenda_item"] = {
                "number": item.stamp_number,
                "title": item.title,
                "meeting": _meeting_summary(request, item.meeting),
            }
        else:
            data["agenda_item"] = None
        data["history"] = [
            {
                "published_at": v.published_at.isoformat(),
                "note": v.note,
                "matter": v.matter,
                "decision_maker": v.decision_maker,
                "expected_date": v.expected_date.isoformat(),
                "key_decision": v.is_key_decision,
                "private": v.part == "private",
            }
            for v in entry.versions.order_by("-published_at", "-pk")
        ]
        data["notices"] = [
            _notice(request, n) for n in Notice.objects.visible_to(request.user).filter(entry=entry)
        ]
    return data


def _record(request: HttpRequest, record: DecisionRecord) -> dict:
    state = record.state_on(timezone.localdate())
    effective = record.effective_on
    return {
        "id": record.pk,
        "title": record.title,
        "decision_maker": record.decision_maker,
        "decision_maker_kind": record.decision_maker_kind,
        "decided_on": record.decided_on.isoformat(),
        "key_decision": record.is_key_decision,
        "decision": record.decision,
        "reasons": record.reasons,
        "alternatives_rejected": record.alternatives_rejected,
        "conflicts_of_interest": record.conflicts_of_interest,
        "dispensations": record.dispensations,
        "wards": [w.name for w in record.wards.all()],
        "published_at": record.published_at.isoformat() if record.published_at else None,
        "call_in_applies": record.call_in_applies,
        "state": state,
        "takes_effect_on": record.takes_effect_on.isoformat() if record.takes_effect_on else None,
        "called_in_on": record.called_in_on.isoformat() if record.called_in_on else None,
        "call_in_meeting": _meeting_summary(request, record.call_in_meeting)
        if record.call_in_meeting_id and record.call_in_meeting.is_public
        else None,
        "call_in_outcome": record.call_in_outcome,
        "effective_on": effective.isoformat() if effective else None,
        "plan_entry": _abs(request, reverse("api-plan-entry-detail", args=[record.plan_entry_id]))
        if record.plan_entry_id
        and PlanEntry.objects.visible_to(request.user).filter(pk=record.plan_entry_id)
        else None,
        "url": _abs(request, reverse("api-decision-record-detail", args=[record.pk])),
        "html_url": _abs(request, record.get_absolute_url()),
    }


@require_GET
def plan_entry_list(request: HttpRequest) -> JsonResponse:
    base = (
        PlanEntry.objects.visible_to(request.user)
        .prefetch_related("wards", "notices")
        .order_by("expected_date", "pk")
    )
    data = request.GET.copy()
    for name in ("page", "page_size"):
        data.pop(name, None)
    filterset = PlanFilter(data or None, queryset=base)
    if filterset.is_bound and not filterset.is_valid():
        return _filter_errors(filterset)
    qs = filterset.qs.distinct() if filterset.is_bound else base
    return _paginated(request, qs, _entry)


@require_GET
def plan_entry_detail(request: HttpRequest, pk: int) -> JsonResponse:
    entry = (
        PlanEntry.objects.visible_to(request.user)
        .select_related("agenda_item__meeting__committee", "agenda_item__parent")
        .filter(pk=pk)
        .first()
    )
    if entry is None:
        return _error(404, "No forward plan entry has that id.")
    return JsonResponse(_entry(request, entry, full=True), **JSON)


@require_GET
def notice_list(request: HttpRequest) -> JsonResponse:
    qs = Notice.objects.visible_to(request.user).order_by("-published_at", "-pk")
    return _paginated(request, qs, _notice)


@require_GET
def decision_record_list(request: HttpRequest) -> JsonResponse:
    base = (
        DecisionRecord.objects.visible_to(request.user)
        .select_related("call_in_meeting__committee")
        .prefetch_related("wards")
        .order_by("-decided_on", "-pk")
    )
    data = request.GET.copy()
    for name in ("page", "page_size"):
        data.pop(name, None)
    filterset = DecisionRecordFilter(data or None, queryset=base)
    if filterset.is_bound and not filterset.is_valid():
        return _filter_errors(filterset)
    qs = filterset.qs.distinct() if filterset.is_bound else base
    return _paginated(request, qs, _record)


@require_GET
def decision_record_detail(request: HttpRequest, pk: int) -> JsonResponse:
    record = (
        DecisionRecord.objects.visible_to(request.user)
        .select_related("call_in_meeting__committee")
        .filter(pk=pk)
        .first()
    )
    if record is None:
        return _error(404, "No decision record has that id.")
    return JsonResponse(_record(request, record), **JSON)
