"""Public pages of decisions beyond meetings: the forward plan (by month and decision maker), a
plan entry with its history and where it went, the general exception and special urgency
notices, the annual report of special urgency decisions, decision records with their call-in
state, and the register of resolutions and decision records together.

Every read starts from a model's ``visible_to(user)``; what of a private entry a viewer may read
is ``visibility.plan_entry_shows_documents``."""

from __future__ import annotations

from itertools import groupby

import django_filters
from django import forms
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from . import plans, visibility
from .models import (
    AgendaItem,
    CallInState,
    DecisionRecord,
    Notice,
    PlanEntry,
    PlanEntryVersion,
    Resolution,
    Ward,
)

PAGE_SIZE = 25
STATE_TAGS = {
    CallInState.DRAFT: "govuk-tag--grey",
    CallInState.SUBJECT_TO_CALL_IN: "govuk-tag--yellow",
    CallInState.CALLED_IN: "govuk-tag--red",
    CallInState.EFFECTIVE: "govuk-tag--green",
}


class DateInput(forms.DateInput):
    input_type = "date"


def _decision_maker_choices(model) -> list[tuple[str, str]]:
    names = model.objects.order_by("decision_maker").values_list("decision_maker", flat=True)
    return [(n, n) for n in dict.fromkeys(names)]


class _GovukFilterSet(django_filters.FilterSet):
    """Each field's widget gets its GOV.UK class (select or input), and its error style."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.form.fields.values():
            css = "govuk-select" if isinstance(field.widget, forms.Select) else "govuk-input"
            field.widget.attrs["class"] = css

    def mark_errors(self) -> None:
        for name in self.form.errors:
            if name in self.form.fields:
                widget = self.form.fields[name].widget
                widget.attrs["class"] += f" {widget.attrs['class']}--error"
                widget.attrs["aria-describedby"] = f"id_{name}-error"


class PlanFilter(_GovukFilterSet):
    decision_maker = django_filters.ChoiceFilter(
        label="Decision maker",
        choices=lambda: _decision_maker_choices(PlanEntry),
        empty_label="All",
    )
    key_decision = django_filters.BooleanFilter(
        field_name="is_key_decision",
        label="Key decision",
        widget=forms.Select(choices=[("", "Any"), ("true", "Key decisions"), ("false", "Others")]),
    )
    ward = django_filters.ModelChoiceFilter(
        field_name="wards",
        label="Ward",
        queryset=Ward.objects.all(),
        to_field_name="slug",
        empty_label="All wards",
    )

    class Meta:
        model = PlanEntry
        fields = ["decision_maker", "key_decision", "ward"]


class DecisionRecordFilter(_GovukFilterSet):
    decision_maker = django_filters.ChoiceFilter(
        label="Decision maker",
        choices=lambda: _decision_maker_choices(DecisionRecord),
        empty_label="All",
    )
    key_decision = django_filters.BooleanFilter(
        field_name="is_key_decision",
        label="Key decision",
        widget=forms.Select(choices=[("", "Any"), ("true", "Key decisions"), ("false", "Others")]),
    )
    ward = django_filters.ModelChoiceFilter(
        field_name="wards",
        label="Ward",
        queryset=Ward.objects.all(),
        to_field_name="slug",
        empty_label="All wards",
    )
    date_from = django_filters.DateFilter(
        field_name="decided_on", lookup_expr="gte", label="From", widget=DateInput
    )
    date_to = django_filters.DateFilter(
        field_name="decided_on", lookup_expr="lte", label="To", widget=DateInput
    )

    class Meta:
        model = DecisionRecord
        fields = ["decision_maker", "key_decision", "ward", "date_from", "date_to"]


def _filtered(filterset, base):
    """Everything when no filter is given; nothing when a filter cannot be used (the page says
    why), as the other lists do."""
    if not filterset.is_bound:
        return base
    if filterset.is_valid():
        return filterset.qs.distinct()
    filterset.mark_errors()
    return base.none()


def _query_without_page(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def _audience(request: HttpRequest) -> int:
    return visibility.audience_of(request.user)


def _with_notice_status(entries) -> list[PlanEntry]:
    entries = list(entries)
    for entry in entries:
        entry.notice = plans.notice_status(entry)
    return entries


def _where_it_went(entries: list[PlanEntry], user) -> None:
    """Each entry's agenda item as ``entry.item``, if the viewer may see it (an item of a draft
    meeting is for clerks only)."""
    ids = [e.agenda_item_id for e in entries if e.agenda_item_id]
    visible = set(
        AgendaItem.objects.visible_to(user).filter(pk__in=ids).values_list("pk", flat=True)
    )
    for entry in entries:
        entry.item = entry.agenda_item if entry.agenda_item_id in visible else None


def plan_current(request: HttpRequest) -> HttpResponse:
    """The current forward plan: the decisions expected from the start of this month, by month
    and, within each month, by decision maker. ``?earlier=1`` shows the decisions already
    due instead."""
    start = timezone.localdate().replace(day=1)
    earlier = request.GET.get("earlier") == "1"
    data = request.GET.copy()
    data.pop("earlier", None)
    base = (
        PlanEntry.objects.visible_to(request.user)
        .prefetch_related(
            "wards", Prefetch("notices", queryset=Notice.objects.visible_to(request.user))
        )
        .order_by("expected_date", "decision_maker", "pk")
    )
    base = (
        base.filter(expected_date__lt=start) if earlier else base.filter(expected_date__gte=start)
    )
    if earlier:
        base = base.order_by("-expected_date", "decision_maker", "pk")
    filterset = PlanFilter(data or None, queryset=base)
    entries = _with_notice_status(
        _filtered(filterset, base).select_related("agenda_item__meeting__committee")[:500]
    )
    _where_it_went(entries, request.user)
    months = []
    for month, in_month in groupby(entries, key=lambda e: e.expected_date.replace(day=1)):
        in_month = sorted(in_month, key=lambda e: (e.decision_maker, e.expected_date, e.pk))
        makers = [
            (maker, list(rows)) for maker, rows in groupby(in_month, key=lambda e: e.decision_maker)
        ]
        months.append((month, makers))
    return render(
        request,
        "meetings/plans_current.html",
        {
            "filter": filterset,
            "months": months,
            "count": len(entries),
            "earlier": earlier,
            "hidden": [("earlier", "1")] if earlier else [],
            "start": start,
        },
    )


def plan_entry_detail(request: HttpRequest, pk: int) -> HttpResponse:
    entry = get_object_or_404(
        PlanEntry.objects.visible_to(request.user).select_related(
            "committee", "person", "agenda_item__meeting__committee", "agenda_item__parent"
        ),
        pk=pk,
    )
    audience = _audience(request)
    entry.notice = plans.notice_status(entry)
    item = entry.agenda_item
    if item is not None and not AgendaItem.objects.visible_to(request.user).filter(pk=item.pk):
        item = None
    versions = list(PlanEntryVersion.objects.filter(entry=entry).order_by("-published_at", "-pk"))
    if entry.published_at is None:
        versions = []
    return render(
        request,
        "meetings/plans_entry.html",
        {
            "entry": entry,
            "shows_documents": visibility.plan_entry_shows_documents(entry, audience),
            "item": item,
            "versions": versions,
            "notices": Notice.objects.visible_to(request.user).filter(entry=entry),
            "records": DecisionRecord.objects.visible_to(request.user).filter(plan_entry=entry),
            "latest_notice": plans.latest_notice_date(entry.expected_date),
        },
    )


def notice_list(request: HttpRequest) -> HttpResponse:
    notices = (
        Notice.objects.visible_to(request.user)
        .select_related("entry")
        .order_by("-published_at", "-pk")
    )
    return render(
        request,
        "meetings/plans_notices.html",
        {"page": Paginator(notices, PAGE_SIZE).get_page(request.GET.get("page")), "query": ""},
    )


def special_urgency_report(request: HttpRequest) -> HttpResponse:
    """The annual report of decisions taken under special urgency (regulation 19), by municipal
    year (1 May to 30 April); ``?year=2026`` for the year starting in May 2026."""
    this_year = plans.municipal_year_of(timezone.localdate())
    raw = request.GET.get("year", "")
    error = ""
    year = this_year
    if raw:
        if raw.isascii() and raw.isdigit() and 1900 <= int(raw) <= 2999:
            year = int(raw)
        else:
            error = "Year must be a year such as 2026"
    first, last = plans.municipal_year_bounds(year)
    notices = list(
        Notice.objects.visible_to(request.user)
        .filter(kind=Notice.Kind.SPECIAL_URGENCY)
        .filter(entry__expected_date__gte=first, entry__expected_date__lte=last)
        .select_related("entry")
        .order_by("entry__expected_date", "pk")
    )
    return render(
        request,
        "meetings/plans_special_urgency.html",
        {
            "year": year,
            "first": first,
            "last": last,
            "notices": notices,
            "previous_year": year - 1,
            "next_year": year + 1 if year < this_year else None,
            "error": error,
        },
    )


def decision_record_list(request: HttpRequest) -> HttpResponse:
    base = (
        DecisionRecord.objects.visible_to(request.user)
        .prefetch_related("wards")
        .order_by("-decided_on", "-pk")
    )
    filterset = DecisionRecordFilter(request.GET or None, queryset=base)
    records = _filtered(filterset, base)
    page = Paginator(records, PAGE_SIZE).get_page(request.GET.get("page"))
    today = timezone.localdate()
    for record in page.object_list:
        record.current_state = record.state_on(today)
        record.state_tag = STATE_TAGS[record.current_state]
    return render(
        request,
        "meetings/decisions_records.html",
        {"filter": filterset, "page": page, "query": _query_without_page(request)},
    )


def decision_record_detail(request: HttpRequest, pk: int) -> HttpResponse:
    record = get_object_or_404(
        DecisionRecord.objects.visible_to(request.user).select_related(
            "plan_entry", "call_in_meeting__committee"
        ),
        pk=pk,
    )
    state = record.state_on(timezone.localdate())
    plan_entry = record.plan_entry
    if plan_entry is not None and not PlanEntry.objects.visible_to(request.user).filter(
        pk=plan_entry.pk
    ):
        plan_entry = None
    meeting = record.call_in_meeting
    if meeting is not None and not meeting.is_public and _audience(request) < visibility.CLERKS:
        meeting = None
    return render(
        request,
        "meetings/decisions_record.html",
        {
            "record": record,
            "state": state,
            "state_label": CallInState(state).label,
            "state_tag": STATE_TAGS[state],
            "plan_entry": plan_entry,
            "call_in_meeting": meeting,
            "call_in_days": plans.call_in_working_days(),
        },
    )


class RegisterFilter(forms.Form):
    date_from = forms.DateField(label="From", required=False, widget=DateInput)
    date_to = forms.DateField(label="To", required=False, widget=DateInput)


def decisions_register(request: HttpRequest) -> HttpResponse:
    """Resolutions in published minutes and published decision records together, newest first,
    each with its source."""
    form = RegisterFilter(request.GET or None)
    date_from = date_to = None
    if form.is_bound and form.is_valid():
        date_from, date_to = form.cleaned_data["date_from"], form.cleaned_data["date_to"]
    invalid = form.is_bound and not form.is_valid()
    resolutions = Resolution.objects.visible_to(request.user).select_related(
        "minute_item__minutes__meeting__committee"
    )
    records = DecisionRecord.objects.visible_to(request.user)
    if date_from:
        resolutions = resolutions.filter(minute_item__minutes__meeting__start__date__gte=date_from)
        records = records.filter(decided_on__gte=date_from)
    if date_to:
        resolutions = resolutions.filter(minute_item__minutes__meeting__start__date__lte=date_to)
        records = records.filter(decided_on__lte=date_to)
    rows: list[dict] = []
    if not invalid:
        for r in resolutions[:2000]:
            meeting = r.minute_item.minutes.meeting
            rows.append(
                {
                    "date": timezone.localtime(meeting.start).date(),
                    "kind": "resolution",
                    "resolution": r,
                    "meeting": meeting,
                }
            )
        today = timezone.localdate()
        for record in records[:2000]:
            state = record.state_on(today)
            rows.append(
                {
                    "date": record.decided_on,
                    "kind": "record",
                    "record": record,
                    "state_label": CallInState(state).label,
                    "state_tag": STATE_TAGS[state],
                }
            )
    rows.sort(key=lambda row: row["date"], reverse=True)
    return render(
        request,
        "meetings/decisions_register.html",
        {
            "form": form,
            "page": Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page")),
            "query": _query_without_page(request),
        },
    )
