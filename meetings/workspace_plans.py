"""The clerk's workspace for the forward plan, its notices and decision records: create, change
and publish each, link an entry to the agenda item that takes it, and move a decision record
through call-in. Every change goes through ``meetings.plans`` and leaves an audit entry."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from . import govuk, plans
from .formats import long_date
from .govuk import GovukFormMixin
from .models import (
    SCHEDULE_12A_PARAGRAPHS,
    AgendaItem,
    CallInState,
    DecisionMakerKind,
    DecisionRecord,
    Meeting,
    Notice,
    Part,
    PlanEntry,
    Ward,
)
from .workspace import clerk_required

LINK_WINDOW = dt.timedelta(days=120)


def _apply_errors(form: forms.Form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


class PlanEntryForm(GovukFormMixin, forms.Form):
    matter = forms.CharField(label="Matter to be decided", max_length=500)
    summary = forms.CharField(
        label="Summary", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    decision_maker_kind = forms.ChoiceField(
        label="Who decides", choices=DecisionMakerKind.choices, widget=forms.RadioSelect
    )
    decision_maker = forms.CharField(
        label="Decision maker, as the public reads it",
        max_length=200,
        help_text="For example, Cabinet, or Cabinet Member for Adult Services.",
    )
    expected_date = govuk.DateField(
        label="Expected date of decision", help_text="For example, 27 3 2026"
    )
    is_key_decision = forms.BooleanField(label="This is a key decision", required=False)
    part = forms.ChoiceField(
        label="Public or private",
        choices=[(Part.PUBLIC, "Taken in public"), (Part.PRIVATE, "Taken in private")],
        widget=forms.RadioSelect,
        initial=Part.PUBLIC,
    )
    exemption_paragraph = forms.TypedChoiceField(
        label="Schedule 12A paragraph (private only)",
        choices=[("", "Not private")]
        + [(n, f"{n}: {text}") for n, text in SCHEDULE_12A_PARAGRAPHS.items()],
        coerce=int,
        empty_value=None,
        required=False,
    )
    private_reason = forms.CharField(
        label="Why it will be taken in private (private only)",
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text="The public sees this reason; it must not give away the exempt information.",
    )
    documents = forms.CharField(
        label="Documents to be considered",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text="One a line. Members and clerks only when the decision is taken in private.",
    )
    contact = forms.CharField(label="Contact", max_length=300, required=False)
    wards = forms.ModelMultipleChoiceField(
        label="Wards affected",
        queryset=Ward.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    note = forms.CharField(
        label="What changed (for a published entry)",
        max_length=300,
        required=False,
        help_text="Shown in the entry's public history.",
    )

    def __init__(self, *args, published: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not published:
            del self.fields["note"]


class NoticeForm(GovukFormMixin, forms.Form):
    kind = forms.ChoiceField(
        label="Kind of notice",
        choices=[
            (
                Notice.Kind.GENERAL_EXCEPTION,
                "General exception: at least 5 clear days before the decision, scrutiny chair "
                "informed",
            ),
            (
                Notice.Kind.SPECIAL_URGENCY,
                "Special urgency: sooner, with the scrutiny chair's agreement",
            ),
        ],
        widget=forms.RadioSelect,
    )
    reasons = forms.CharField(
        label="Why the decision cannot wait",
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    scrutiny_chair = forms.CharField(label="Scrutiny chair (name)", max_length=200)
    chair_date = govuk.DateField(
        label="Date the chair was informed or agreed", help_text="For example, 27 3 2026"
    )


class DecisionRecordForm(GovukFormMixin, forms.Form):
    title = forms.CharField(label="Title", max_length=500)
    decision_maker_kind = forms.ChoiceField(
        label="Who decided", choices=DecisionMakerKind.choices, widget=forms.RadioSelect
    )
    decision_maker = forms.CharField(label="Decision maker, as the public reads it", max_length=200)
    decided_on = govuk.DateField(label="Date of decision", help_text="For example, 27 3 2026")
    is_key_decision = forms.BooleanField(label="This was a key decision", required=False)
    plan_entry = forms.ModelChoiceField(
        label="Forward plan entry",
        queryset=PlanEntry.objects.order_by("-expected_date"),
        required=False,
        empty_label="None",
    )
    decision = forms.CharField(label="Decision", widget=forms.Textarea(attrs={"rows": 4}))
    reasons = forms.CharField(label="Reasons", widget=forms.Textarea(attrs={"rows": 4}))
    alternatives_rejected = forms.CharField(
        label="Alternatives considered and rejected",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    conflicts_of_interest = forms.CharField(
        label="Conflicts of interest", widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    dispensations = forms.CharField(
        label="Dispensations", widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    wards = forms.ModelMultipleChoiceField(
        label="Wards affected",
        queryset=Ward.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    call_in_applies = forms.BooleanField(
        label="Call-in applies",
        required=False,
        initial=True,
        help_text=f"It takes effect {plans.call_in_working_days()} working days after publication "
        "unless called in.",
    )


class CallInForm(GovukFormMixin, forms.Form):
    called_in_by = forms.CharField(
        label="Called in by", max_length=300, help_text="The members who called it in."
    )
    called_in_on = govuk.DateField(label="Date called in", help_text="For example, 27 3 2026")
    meeting = forms.ModelChoiceField(
        label="Scrutiny meeting that will consider it",
        queryset=Meeting.objects.none(),
        empty_label="Choose a meeting",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        since = timezone.now() - dt.timedelta(days=30)
        field = self.fields["meeting"]
        field.queryset = (
            Meeting.objects.filter(start__gte=since).select_related("committee").order_by("start")
        )
        field.label_from_instance = lambda m: f"{m.committee.name}, {m.start:%d %B %Y}"


class OutcomeForm(GovukFormMixin, forms.Form):
    outcome = forms.CharField(
        label="What the scrutiny meeting concluded", widget=forms.Textarea(attrs={"rows": 3})
    )
    effective_on = govuk.DateField(
        label="Date the decision took effect", help_text="For example, 27 3 2026"
    )


class LinkItemForm(GovukFormMixin, forms.Form):
    item = forms.ModelChoiceField(
        label="Agenda item that takes the decision",
        queryset=AgendaItem.objects.none(),
        required=False,
        empty_label="Not on an agenda",
    )

    def __init__(self, *args, entry: PlanEntry, **kwargs):
        super().__init__(*args, **kwargs)
        day = entry.expected_date
        start = timezone.make_aware(dt.datetime.combine(day - LINK_WINDOW, dt.time()))
        end = timezone.make_aware(dt.datetime.combine(day + LINK_WINDOW, dt.time()))
        field = self.fields["item"]
        field.queryset = (
            AgendaItem.objects.filter(
                parent__isnull=True, meeting__start__gte=start, meeting__start__lt=end
            )
            .select_related("meeting__committee")
            .order_by("meeting__start", "position")
        )
        field.label_from_instance = lambda i: (
            f"{i.meeting.committee.name}, {i.meeting.start:%d %B %Y}: item {i.number}, {i.title}"
        )


# ---------------------------------------------------------------------------------------------


@clerk_required
def index(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    entries = list(PlanEntry.objects.prefetch_related("notices").order_by("expected_date", "pk"))
    for entry in entries:
        entry.notice = plans.notice_status(entry)
    records = list(DecisionRecord.objects.select_related("call_in_meeting").order_by("-decided_on"))
    for record in records:
        record.current_state = record.state_on(today)
    return render(
        request,
        "workspace/plans_index.html",
        {
            "entries": entries,
            "notices": Notice.objects.select_related("entry").order_by("-created_at"),
            "records": records,
            "minutes_meetings": Meeting.objects.filter(minutes__isnull=False)
            .select_related("committee")
            .distinct()
            .order_by("-start")[:12],
        },
    )


def _entry_initial(entry: PlanEntry) -> dict:
    initial = {name: getattr(entry, name) for name in plans.PLAN_FIELDS}
    initial["wards"] = list(entry.wards.all())
    return initial


def _entry_fields(data: dict) -> tuple[dict, list, str]:
    fields = {name: data[name] for name in plans.PLAN_FIELDS}
    return fields, list(data["wards"]), data.get("note", "")


@clerk_required
def entry_new(request: HttpRequest) -> HttpResponse:
    form = PlanEntryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        fields, wards, _ = _entry_fields(form.cleaned_data)
        try:
            entry = plans.plan_entry_create(by=request.user, wards=wards, **fields)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(
                request, f"Draft entry '{entry.matter}' created. Publish it when ready."
            )
            return redirect("workspace-plan-entry", pk=entry.pk)
    return render(request, "workspace/plans_entry_form.html", {"form": form, "entry": None})


@clerk_required
def entry_edit(request: HttpRequest, pk: int) -> HttpResponse:
    entry = get_object_or_404(PlanEntry, pk=pk)
    published = entry.published_at is not None
    form = PlanEntryForm(request.POST or None, initial=_entry_initial(entry), published=published)
    if request.method == "POST" and form.is_valid():
        fields, wards, note = _entry_fields(form.cleaned_data)
        try:
            plans.plan_entry_update(entry=entry, by=request.user, wards=wards, note=note, **fields)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(
                request,
                "Entry changed and the change published in its history."
                if published
                else "Draft entry saved.",
            )
            return redirect("workspace-plan-entry", pk=entry.pk)
    entry.notice = plans.notice_status(entry)
    needed = plans.notice_needed(published=timezone.localdate(), decision=entry.expected_date)
    return render(
        request,
        "workspace/plans_entry_form.html",
        {
            "form": form,
            "entry": entry,
            "link_form": LinkItemForm(
                entry=entry, initial={"item": entry.agenda_item_id}, auto_id="link_%s"
            ),
            "notice_needed": needed,
            "latest_notice": plans.latest_notice_date(entry.expected_date),
            "notices": entry.notices.order_by("-created_at"),
        },
    )


@clerk_required
@require_POST
def entry_publish(request: HttpRequest, pk: int) -> HttpResponse:
    entry = get_object_or_404(PlanEntry, pk=pk)
    try:
        plans.plan_entry_publish(entry=entry, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("workspace-plan-entry", pk=pk)
    entry.refresh_from_db()
    status = plans.notice_status(entry)
    if status == plans.NOTICE_SHORT:
        messages.warning(
            request,
            f"Published, with fewer than 28 clear days before {long_date(entry.expected_date)}: "
            "the decision needs a general exception or special urgency notice.",
        )
    else:
        messages.success(request, f"'{entry.matter}' is published on the forward plan.")
    return redirect("workspace-plan-entry", pk=pk)


@clerk_required
@require_POST
def entry_link(request: HttpRequest, pk: int) -> HttpResponse:
    entry = get_object_or_404(PlanEntry, pk=pk)
    form = LinkItemForm(request.POST, entry=entry, auto_id="link_%s")
    if form.is_valid():
        plans.plan_entry_link_item(entry=entry, item=form.cleaned_data["item"], by=request.user)
        messages.success(request, "Where the decision is taken is saved.")
    else:
        messages.error(request, "Choose an agenda item from the list.")
    return redirect("workspace-plan-entry", pk=pk)


@clerk_required
def notice_new(request: HttpRequest, pk: int) -> HttpResponse:
    entry = get_object_or_404(PlanEntry, pk=pk)
    form = NoticeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        chair_at = timezone.make_aware(dt.datetime.combine(data["chair_date"], dt.time(9, 0)))
        try:
            notice = plans.notice_create(
                entry=entry,
                kind=data["kind"],
                reasons=data["reasons"],
                scrutiny_chair=data["scrutiny_chair"],
                chair_at=chair_at,
                by=request.user,
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, f"Draft {notice.get_kind_display().lower()} notice saved.")
            return redirect("workspace-plan-entry", pk=entry.pk)
    return render(request, "workspace/plans_notice_form.html", {"form": form, "entry": entry})


@clerk_required
@require_POST
def notice_publish(request: HttpRequest, pk: int) -> HttpResponse:
    notice = get_object_or_404(Notice, pk=pk)
    try:
        plans.notice_publish(notice=notice, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"{notice.get_kind_display()} notice published.")
    return redirect("workspace-plan-entry", pk=notice.entry_id)


def _record_fields(data: dict) -> tuple[dict, list]:
    fields = {name: data[name] for name in plans.RECORD_FIELDS}
    fields["plan_entry"] = data["plan_entry"]
    return fields, list(data["wards"])


@clerk_required
def record_new(request: HttpRequest) -> HttpResponse:
    initial = {"call_in_applies": True}
    form = DecisionRecordForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        fields, wards = _record_fields(form.cleaned_data)
        try:
            record = plans.decision_record_create(by=request.user, wards=wards, **fields)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, f"Draft decision record '{record.title}' created.")
            return redirect("workspace-decision-record", pk=record.pk)
    return render(request, "workspace/plans_record_form.html", {"form": form, "record": None})


@clerk_required
def record_edit(request: HttpRequest, pk: int) -> HttpResponse:
    record = get_object_or_404(
        DecisionRecord.objects.select_related("call_in_meeting__committee"), pk=pk
    )
    state = record.state_on(timezone.localdate())
    form = None
    if record.published_at is None:
        initial = {name: getattr(record, name) for name in plans.RECORD_FIELDS}
        initial["plan_entry"] = record.plan_entry
        initial["wards"] = list(record.wards.all())
        form = DecisionRecordForm(request.POST or None, initial=initial)
        if request.method == "POST" and form.is_valid():
            fields, wards = _record_fields(form.cleaned_data)
            try:
                plans.decision_record_update(record=record, by=request.user, wards=wards, **fields)
            except ValidationError as error:
                _apply_errors(form, error)
            else:
                messages.success(request, "Draft decision record saved.")
                return redirect("workspace-decision-record", pk=pk)
    return render(
        request,
        "workspace/plans_record_form.html",
        {
            "form": form,
            "record": record,
            "state": state,
            "state_label": CallInState(state).label,
            "call_in_form": CallInForm(initial={"called_in_on": timezone.localdate()})
            if state == CallInState.SUBJECT_TO_CALL_IN
            else None,
            "outcome_form": OutcomeForm(initial={"effective_on": timezone.localdate()})
            if state == CallInState.CALLED_IN
            else None,
        },
    )


@clerk_required
@require_POST
def record_publish(request: HttpRequest, pk: int) -> HttpResponse:
    record = get_object_or_404(DecisionRecord, pk=pk)
    try:
        record = plans.decision_record_publish(record=record, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if record.takes_effect_on:
            messages.success(
                request,
                f"Decision record published. Unless called in, it takes effect on "
                f"{long_date(record.takes_effect_on)}.",
            )
        else:
            messages.success(request, "Decision record published; call-in does not apply.")
    return redirect("workspace-decision-record", pk=pk)


def _state_page(request, record, *, call_in_form=None, outcome_form=None) -> HttpResponse:
    state = record.state_on(timezone.localdate())
    return render(
        request,
        "workspace/plans_record_form.html",
        {
            "form": None,
            "record": record,
            "state": state,
            "state_label": CallInState(state).label,
            "call_in_form": call_in_form,
            "outcome_form": outcome_form,
        },
        status=400,
    )


@clerk_required
@require_POST
def record_call_in(request: HttpRequest, pk: int) -> HttpResponse:
    record = get_object_or_404(DecisionRecord, pk=pk)
    form = CallInForm(request.POST)
    if form.is_valid():
        try:
            plans.decision_record_call_in(
                record=record,
                by=request.user,
                called_in_by=form.cleaned_data["called_in_by"],
                called_in_on=form.cleaned_data["called_in_on"],
                meeting=form.cleaned_data["meeting"],
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, "The decision is recorded as called in.")
            return redirect("workspace-decision-record", pk=pk)
    return _state_page(request, record, call_in_form=form)


@clerk_required
@require_POST
def record_effective(request: HttpRequest, pk: int) -> HttpResponse:
    record = get_object_or_404(DecisionRecord, pk=pk)
    form = OutcomeForm(request.POST)
    if form.is_valid():
        try:
            plans.decision_record_effective(
                record=record,
                by=request.user,
                outcome=form.cleaned_data["outcome"],
                effective_on=form.cleaned_data["effective_on"],
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, "Scrutiny's outcome recorded: the decision is effective.")
            return redirect("workspace-decision-record", pk=pk)
    return _state_page(request, record, outcome_form=form)
