"""The clerk's publishing steps: publish the agenda, publish a supplementary agenda, withdraw a
document, cancel or postpone, preview the packs and see who was sent what. Each view is thin:
the step itself is a function of ``meetings.publishing``."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_POST

from reports import packs
from reports.disclosure import meeting_findings
from reports.models import Pack, Report

from . import publishing
from .forms import CancelForm, PostponeForm
from .govuk import GovukFormMixin
from .models import AgendaItem, Meeting, Summons
from .workspace import _meeting, clerk_required


def _base_url(request: HttpRequest) -> str:
    return f"{request.scheme}://{request.get_host()}"


class PublishForm(GovukFormMixin, forms.Form):
    confirm_short_notice = forms.BooleanField(
        required=False,
        label="I confirm the agenda is published at short notice, with the chair's agreement",
    )
    confirm_findings = forms.BooleanField(
        required=True,
        label="I have checked what was found in the papers, and they may be published as they are",
        error_messages={
            "required": "Tick the box to confirm you have checked what was found in the papers, "
            "or deal with the findings first"
        },
    )


class SupplementForm(GovukFormMixin, forms.Form):
    summary = forms.CharField(
        label="What changed",
        help_text="One or two sentences for the members and the public, e.g. “Adds the "
        "report on the Better Care Fund (item 8) and replaces the appendix to item 4.”",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        error_messages={
            "required": "Say in a sentence or two what the supplementary agenda changes"
        },
    )


class WithdrawForm(GovukFormMixin, forms.Form):
    note = forms.CharField(
        label="Public note (optional)",
        help_text="Shown on the meeting page beside the date of withdrawal. Say nothing exempt.",
        required=False,
        max_length=300,
    )


def _pack_previews(meeting: Meeting, *, build: bool = False) -> list[dict]:
    """Each pack the meeting would publish now, with the state of its preview: built from the
    agenda as it is now (``current``), or being built, or failed; and the last preview built
    from an earlier agenda while the current one is not ready. The current inputs are hashed
    once (``collect_material`` reads the meeting in a fixed number of queries); ``build``
    queues the previews not yet built, once per set of inputs."""
    material = packs.collect_material(meeting, pending=True)
    rows = []
    for kind in packs.VERSIONED_KINDS:
        try:
            inputs = packs.kind_inputs(material, kind)
        except packs.PackNotAvailable:
            continue
        digest = packs.inputs_hash(inputs)
        current = Pack.objects.filter(meeting=meeting, kind=kind, inputs_hash=digest).first()
        if build and (current is None or current.state == Pack.State.FAILED):
            current = packs.pack_request(meeting=meeting, kind=kind, inputs=inputs)
        earlier = None
        if current is None or not current.is_ready:
            earlier = (
                Pack.objects.filter(meeting=meeting, kind=kind, version__isnull=True)
                .ready()
                .exclude(inputs_hash=digest)
                .order_by("-finished_at")
                .first()
            )
        rows.append(
            {
                "kind": kind,
                "label": packs.KINDS[kind].label,
                "slug": packs.KINDS[kind].slug,
                "pack": current,
                "state": current.state if current else "",
                "earlier": earlier,
            }
        )
    return rows


@clerk_required
def publish(request: HttpRequest, slug: str) -> HttpResponse:
    meeting = _meeting(request, slug)
    if meeting.status != Meeting.Status.DRAFT:
        messages.info(request, "This meeting is already published.")
        return redirect("workspace-agenda", slug=meeting.slug)
    warning = publishing.notice_warning(meeting)
    form = PublishForm(request.POST if request.method == "POST" else None)
    if not warning:
        del form.fields["confirm_short_notice"]
    findings = meeting_findings(meeting)  # cached by file: publishing never waits on it
    if not findings:
        del form.fields["confirm_findings"]
    if request.method == "POST" and form.is_valid():
        try:
            meeting = publishing.meeting_publish(
                meeting=meeting,
                by=request.user,
                base_url=_base_url(request),
                confirm_short_notice=form.cleaned_data.get("confirm_short_notice", False),
            )
        except publishing.ShortNotice:
            form.add_error(
                "confirm_short_notice",
                "Tick the box to confirm publishing at short notice, or publish later",
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            sent = Summons.objects.filter(meeting=meeting, kind=Summons.Kind.SUMMONS).count()
            messages.success(
                request,
                f"Published. The packs are being built and {sent} member"
                f"{'s were' if sent != 1 else ' was'} sent the summons.",
            )
            return redirect("workspace-agenda", slug=meeting.slug)
    items = AgendaItem.objects.filter(meeting=meeting)
    previews = _pack_previews(meeting, build=True)
    return render(
        request,
        "workspace/publish.html",
        {
            "meeting": meeting,
            "form": form,
            "warning": warning,
            "item_count": items.filter(parent__isnull=True).count(),
            "findings": findings,
            "report_count": Report.objects.current().filter(agenda_item__meeting=meeting).count(),
            "scans": Report.objects.current().filter(
                agenda_item__meeting=meeting, has_text_layer=False
            ),
            "previews": previews,
            "previews_waiting": any(p["state"] != Pack.State.READY for p in previews),
            "status_url": reverse("pack-status", args=[meeting.slug]),
            "members": publishing._members(meeting),
        },
        status=400 if form.errors else 200,
    )


@clerk_required
def supplement(request: HttpRequest, slug: str) -> HttpResponse:
    meeting = _meeting(request, slug)
    changes = publishing.pending_changes(meeting)
    form = SupplementForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            made = publishing.supplement_publish(
                meeting=meeting,
                summary=form.cleaned_data["summary"],
                by=request.user,
                base_url=_base_url(request),
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                f"Supplementary agenda {made.number} published, with a new version of the "
                "full pack; the members were sent it.",
            )
            return redirect("workspace-agenda", slug=meeting.slug)
    previews = _pack_previews(meeting, build=True) if changes else []
    return render(
        request,
        "workspace/supplement.html",
        {
            "meeting": meeting,
            "changes": changes,
            "form": form,
            "supplements": publishing.supplements_of(meeting),
            "previews": previews,
            "previews_waiting": any(p["state"] != Pack.State.READY for p in previews),
        },
        status=400 if form.errors else 200,
    )


@clerk_required
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    report = get_object_or_404(
        Report.objects.filter(
            agenda_item__meeting__in=Meeting.objects.visible_to(request.user)
        ).select_related("agenda_item__meeting__committee", "agenda_item__parent"),
        pk=pk,
    )
    meeting = report.agenda_item.meeting
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            publishing.report_withdraw(
                report=report, note=form.cleaned_data["note"], by=request.user
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                f"“{report.title}” withdrawn. It is gone from the pages, search and feeds; "
                "every pack version that held it is being built again without it.",
            )
            return redirect("workspace-agenda", slug=meeting.slug)
    return render(
        request,
        "workspace/withdraw.html",
        {"report": report, "meeting": meeting, "form": form},
        status=400 if form.errors else 200,
    )


@clerk_required
@require_POST
def set_status(request: HttpRequest, slug: str) -> HttpResponse:
    """Restore a cancelled or postponed meeting as going ahead. Cancelling and postponing ask
    for a confirmation and a reason (``cancel``, ``postpone``)."""
    meeting = _meeting(request, slug)
    status = request.POST.get("status", "")
    if status in (Meeting.Status.CANCELLED, Meeting.Status.POSTPONED):
        return redirect(f"workspace-{'cancel' if status == 'cancelled' else 'postpone'}", slug=slug)
    try:
        publishing.meeting_set_status(
            meeting=meeting, status=status, by=request.user, base_url=_base_url(request)
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request, "The meeting is going ahead again: its page says so and the members were told."
        )
    return redirect("workspace-agenda", slug=meeting.slug)


@clerk_required
def cancel(request: HttpRequest, slug: str) -> HttpResponse:
    return _status_change(request, slug, Meeting.Status.CANCELLED)


@clerk_required
def postpone(request: HttpRequest, slug: str) -> HttpResponse:
    return _status_change(request, slug, Meeting.Status.POSTPONED)


def _status_change(request: HttpRequest, slug: str, status: str) -> HttpResponse:
    """The confirmation page: what will happen and who is told, and the reason the public
    reads; nothing changes until it is sent with a reason."""
    meeting = _meeting(request, slug)
    if meeting.status == Meeting.Status.DRAFT:
        messages.info(
            request,
            "This meeting is a draft: nobody but clerks sees it, so there is nobody to tell.",
        )
        return redirect("workspace-agenda", slug=meeting.slug)
    if meeting.status == status:
        messages.info(request, f"This meeting is already {meeting.get_status_display().lower()}.")
        return redirect("workspace-agenda", slug=meeting.slug)
    data = request.POST if request.method == "POST" else None
    if status == Meeting.Status.CANCELLED:
        form = CancelForm(data)
    else:
        form = PostponeForm(data, meeting=meeting)
    if request.method == "POST" and form.is_valid():
        try:
            meeting = publishing.meeting_set_status(
                meeting=meeting,
                status=status,
                by=request.user,
                reason=form.cleaned_data["reason"],
                postponed_to=form.cleaned_data.get("new_date"),
                base_url=_base_url(request),
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            told = len(publishing._members(meeting))
            messages.success(
                request,
                f"{publishing.status_notice(meeting)} Its page says why"
                + (
                    f", and {told} member{'s were' if told != 1 else ' was'} e-mailed."
                    if told
                    else "."
                ),
            )
            return redirect("workspace-agenda", slug=meeting.slug)
    return render(
        request,
        "workspace/status_confirm.html",
        {
            "meeting": meeting,
            "form": form,
            "status": status,
            "verb": "cancel" if status == Meeting.Status.CANCELLED else "postpone",
            "members": publishing._members(meeting),
            "calendar_url": reverse("meeting-ics", args=[meeting.slug]),
        },
        status=400 if form.errors else 200,
    )


@clerk_required
def preview(request: HttpRequest, slug: str, kind: str) -> HttpResponse:
    """The pack as it would be published now, pending additions included: for the clerk."""
    meeting = _meeting(request, slug)
    pack_kind = packs.KIND_BY_SLUG.get(kind)
    if pack_kind not in packs.VERSIONED_KINDS:
        raise Http404("No such pack.")
    built = request.GET.get("built", "")
    if built:
        # An earlier preview, read while the current one is being built.
        if not (built.isascii() and built.isdigit()):
            raise Http404("No such preview.")
        pack = get_object_or_404(
            Pack.objects.ready(), pk=int(built), meeting=meeting, kind=pack_kind, version=None
        )
    else:
        try:
            inputs = packs.pack_inputs(meeting=meeting, kind=pack_kind, pending=True)
        except packs.PackNotAvailable as exc:
            raise Http404(str(exc)) from exc
        pack = packs.pack_request(meeting=meeting, kind=pack_kind, inputs=inputs)
    if not pack.is_ready:
        response = render(
            request,
            "packs/not_ready.html",
            {
                "pack": pack,
                "label": f"Preview of the {packs.KINDS[pack_kind].words}",
                "meeting": meeting,
                "retry_seconds": 15,
                "show_error": True,
            },
            status=503,
        )
        response["Retry-After"] = "15"
    else:
        response = FileResponse(
            pack.file.open("rb"),
            content_type="application/pdf",
            filename=f"PREVIEW {packs.pack_download_name(pack)}",
        )
    patch_cache_control(response, private=True, no_store=True)
    return response


@clerk_required
def summonses(request: HttpRequest, slug: str) -> HttpResponse:
    meeting = _meeting(request, slug)
    if request.method == "POST":
        count = publishing.summons_resend(meeting=meeting, by=request.user)
        messages.success(
            request,
            f"{count} summons{'es' if count != 1 else ''} queued to be sent again."
            if count
            else "Every summons has been sent: nothing to send again.",
        )
        return redirect("workspace-summonses", slug=meeting.slug)
    rows = (
        Summons.objects.filter(meeting=meeting)
        .select_related("person")
        .order_by("-created_at", "email")
    )
    unsent = sum(1 for row in rows if row.sent_at is None)
    return render(
        request,
        "workspace/summonses.html",
        {"meeting": meeting, "rows": rows, "unsent": unsent},
    )
