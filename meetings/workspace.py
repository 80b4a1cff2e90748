"""The clerk's workspace: meetings, agendas and uploads, made for the job and separate from the
staff pages. Only clerks and admins reach it; every change goes through a service and leaves an
audit entry."""

from __future__ import annotations

import functools

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.db.models import Count, OuterRef, Prefetch, Q, Subquery
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from reports import ocr
from reports.convert import docx_to_pdf, looks_like_docx
from reports.models import Pack, Report
from reports.pdf import check_upload_size, thumbnail_png
from reports.services import report_create

from . import publishing, roles, services
from .forms import AgendaItemForm, MeetingCreateForm, UploadForm
from .models import AgendaItem, AuditEntry, Meeting, Minutes

THUMBNAIL_WIDTH = 160


def clerk_required(view):
    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not roles.works_on_meetings(request.user):
            raise PermissionDenied("Only clerks and admins use the workspace.")
        return view(request, *args, **kwargs)

    return wrapper


def _meeting(request: HttpRequest, slug: str) -> Meeting:
    return get_object_or_404(
        Meeting.objects.visible_to(request.user).select_related("committee"), slug=slug
    )


def _item(request: HttpRequest, pk: int) -> AgendaItem:
    return get_object_or_404(
        AgendaItem.objects.visible_to(request.user).select_related("meeting__committee", "parent"),
        pk=pk,
    )


DUE_ROWS = 20


@clerk_required
def dashboard(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    meetings = (
        Meeting.objects.visible_to(request.user)
        .select_related("committee")
        .annotate(
            has_published_minutes=Count("minutes", filter=Q(minutes__is_published=True)),
            item_count=Count(
                "agenda_items", filter=Q(agenda_items__parent__isnull=True), distinct=True
            ),
            pending_count=Count(
                "agenda_items__reports",
                filter=Q(agenda_items__reports__is_pending=True)
                & Q(agenda_items__reports__withdrawn_at__isnull=True),
                distinct=True,
            )
            + Count("agenda_items", filter=Q(agenda_items__is_pending=True), distinct=True),
        )
    )
    upcoming = list(meetings.filter(start__gte=now).order_by("start")[:30])
    recent = list(meetings.filter(start__lt=now).order_by("-start")[:15])
    for meeting in [*upcoming, *recent]:
        meeting.state = publishing.meeting_state(meeting, now)
    return render(
        request,
        "workspace/dashboard.html",
        {"upcoming": upcoming, "recent": recent, **_due(meetings, now)},
    )


def _due(meetings, now) -> dict:
    """What the clerk has to do next, each with where to do it: agendas to send out (by the
    last working day that leaves five clear working days), minutes to write and to approve,
    supplementary agendas waiting, and packs being built or failed."""
    today = timezone.localdate(now)
    to_dispatch = []
    drafts = meetings.filter(status=Meeting.Status.DRAFT, start__gte=now).order_by("start")
    for meeting in drafts[:DUE_ROWS]:
        by = publishing.dispatch_by(timezone.localtime(meeting.start).date())
        to_dispatch.append({"meeting": meeting, "by": by, "late": by < today})
    to_write = list(
        meetings.filter(status=Meeting.Status.PUBLISHED, start__lt=now)
        .filter(Q(minutes__isnull=True) | Q(minutes__is_published=False))
        .annotate(minutes_started=Count("minutes", distinct=True))
        .order_by("-start")[:DUE_ROWS]
    )
    # The meeting that will be asked to agree them: the committee's next one, not cancelled.
    next_start = (
        Meeting.objects.filter(
            committee_id=OuterRef("meeting__committee_id"), start__gt=OuterRef("meeting__start")
        )
        .exclude(status=Meeting.Status.CANCELLED)
        .order_by("start")
        .values("start")[:1]
    )
    to_approve = list(
        Minutes.objects.filter(
            meeting__in=meetings.values("pk"), is_published=True, status=Minutes.Status.DRAFT
        )
        .select_related("meeting__committee")
        .annotate(next_start=Subquery(next_start))
        .order_by("-meeting__start")[:DUE_ROWS]
    )
    supplements = list(
        meetings.filter(pending_count__gt=0)
        .exclude(status=Meeting.Status.DRAFT)
        .order_by("start")[:DUE_ROWS]
    )
    packs_due = list(
        Pack.objects.filter(
            meeting__in=meetings.values("pk"),
            state__in=[Pack.State.QUEUED, Pack.State.BUILDING, Pack.State.FAILED],
        )
        .select_related("meeting__committee")
        .order_by("-requested_at")[:DUE_ROWS]
    )
    return {
        "to_dispatch": to_dispatch,
        "to_write": to_write,
        "to_approve": to_approve,
        "supplements": supplements,
        "packs_due": packs_due,
    }


@clerk_required
def meeting_new(request: HttpRequest) -> HttpResponse:
    form = MeetingCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        meeting = services.meeting_create(
            committee=form.cleaned_data["committee"],
            start=form.start(),
            venue=form.cleaned_data["venue"],
            by=request.user,
        )
        messages.success(request, "Meeting created as a draft with the standard agenda items.")
        return redirect("workspace-agenda", slug=meeting.slug)
    return render(request, "workspace/meeting_new.html", {"form": form})


@clerk_required
def agenda(request: HttpRequest, slug: str) -> HttpResponse:
    meeting = _meeting(request, slug)
    reports = Prefetch(
        "reports", queryset=Report.objects.select_related("replaces").order_by("position", "pk")
    )
    items = (
        AgendaItem.objects.filter(meeting=meeting, parent__isnull=True)
        .order_by("position")
        .prefetch_related(
            reports,
            Prefetch(
                "sub_items",
                queryset=AgendaItem.objects.order_by("position").prefetch_related(reports),
            ),
        )
    )
    pending = publishing.pending_changes(meeting) if meeting.is_public else []
    return render(
        request, "workspace/agenda.html", {"meeting": meeting, "items": items, "pending": pending}
    )


@clerk_required
def item_add(request: HttpRequest, slug: str) -> HttpResponse:
    meeting = _meeting(request, slug)
    parent = None
    if parent_id := request.GET.get("parent") or request.POST.get("parent"):
        parent = get_object_or_404(AgendaItem, pk=parent_id, meeting=meeting, parent__isnull=True)
    form = AgendaItemForm(request.POST or None, parent=parent, meeting=meeting)
    if request.method == "POST" and form.is_valid():
        fields = dict(form.cleaned_data)
        position = fields.pop("position", None)
        try:
            item = services.agenda_item_add(
                meeting=meeting, parent=parent, position=position, by=request.user, **fields
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"Item {item.stamp_number} added: {item.title}.")
            return redirect(f"{_agenda_url(meeting)}#item-{item.pk}")
    return render(
        request,
        "workspace/item_form.html",
        {"meeting": meeting, "form": form, "parent": parent},
    )


@clerk_required
def item_edit(request: HttpRequest, pk: int) -> HttpResponse:
    item = _item(request, pk)
    form = AgendaItemForm(request.POST or None, instance=item)
    if request.method == "POST" and form.is_valid():
        try:
            services.agenda_item_update(item=item, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"Item {item.stamp_number} saved.")
            return redirect(f"{_agenda_url(item.meeting)}#item-{item.pk}")
    return render(
        request,
        "workspace/item_form.html",
        {"meeting": item.meeting, "form": form, "item": item, "parent": item.parent},
    )


@clerk_required
@require_POST
def item_move(request: HttpRequest, pk: int) -> HttpResponse:
    item = _item(request, pk)
    step = -1 if request.POST.get("direction") == "up" else 1
    try:
        item = services.agenda_item_move(item=item, step=step, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"“{item.title}” is now item {item.stamp_number}.")
    return redirect(f"{_agenda_url(item.meeting)}#item-{item.pk}")


@clerk_required
def item_delete(request: HttpRequest, pk: int) -> HttpResponse:
    item = _item(request, pk)
    if request.method == "POST":
        title = item.title
        meeting = item.meeting
        try:
            services.agenda_item_delete(item=item, by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, f"“{title}” removed from the agenda; the rest renumbered.")
        return redirect("workspace-agenda", slug=meeting.slug)
    return render(request, "workspace/item_delete.html", {"item": item, "meeting": item.meeting})


def _agenda_url(meeting: Meeting) -> str:
    return reverse("workspace-agenda", args=[meeting.slug])


@clerk_required
def upload(request: HttpRequest, pk: int) -> HttpResponse:
    item = _item(request, pk)
    form = UploadForm(request.POST or None, request.FILES or None, item=item)
    if request.method == "POST" and form.is_valid():
        upload_file = form.cleaned_data["file"]
        try:
            check_upload_size(upload_file.size)
        except ValidationError as error:
            form.add_error("file", error)
        else:
            data = upload_file.read()
            filename = upload_file.name
            word = None
            try:
                if looks_like_docx(data, filename):
                    word = data  # its headings, lists and tables, and what it hides
                    data = docx_to_pdf(data)
                    filename = f"{filename.rsplit('.', 1)[0]}.pdf"
                report = report_create(
                    agenda_item=item,
                    data=data,
                    title=form.cleaned_data["title"],
                    filename=filename,
                    kind=form.cleaned_data["kind"],
                    author=form.cleaned_data["author"],
                    is_exempt=form.cleaned_data["is_exempt"],
                    by=request.user,
                    refuse_duplicate_in=item.meeting,
                    pending=None,  # decided under a lock of the meeting
                    replaces=form.cleaned_data.get("replaces"),
                    word_document=word,
                )
            except ValidationError as error:
                form.add_error("file", error)
            else:
                services.audit_record(
                    user=request.user, action="report.upload", obj=report, meeting=item.meeting,
                    after={"title": report.title, "sha256": report.sha256,
                           "pages": report.page_count, "exempt": report.is_exempt},
                )  # fmt: skip
                note = ""
                if not report.has_text_layer:
                    note = (
                        " It has no text layer (a scan): it cannot be searched and is not "
                        "accessible. Ask the author for the original document if you can."
                        if ocr.missing()
                        else " It has no text layer (a scan): its text will be recognised "
                        "automatically in the background (it may hold errors); until then it "
                        "cannot be searched. Ask the author for the original document if you can."
                    )
                removed = "".join(f" {words}" for words in report.removed_content)
                hidden = "".join(
                    f" In the Word document: {words}" for words in report.word_findings
                )
                messages.success(
                    request,
                    f"“{report.title}” uploaded: {report.page_count} "
                    f"page{'s' if report.page_count != 1 else ''}.{removed}{hidden}{note}",
                )
                return redirect(f"{_agenda_url(item.meeting)}#item-{item.pk}")
    # A refused file cannot be kept by the browser; everything else typed is kept.
    kept = request.method == "POST" and "file" in form.errors and bool(form.data.get("title"))
    return render(
        request,
        "workspace/upload.html",
        {
            "item": item,
            "meeting": item.meeting,
            "form": form,
            "kept": kept,
            "max_mb": settings.MAX_UPLOAD_MB,
            "max_pages": f"{settings.PDF_MAX_PAGES:,}",
        },
    )


@clerk_required
def thumbnail(request: HttpRequest, pk: int) -> HttpResponse:
    """The first page of an uploaded document as a small PNG, made once and kept by hash."""
    report = get_object_or_404(Report.objects.visible_to(request.user), pk=pk)
    path = f"thumbnails/{report.sha256}-{THUMBNAIL_WIDTH}.png"
    if not default_storage.exists(path):
        with report.file.open("rb") as handle:
            try:  # drawn in a child process with the upload limits, never in this one
                png = thumbnail_png(handle.read(), THUMBNAIL_WIDTH)
            except ValidationError as error:
                raise Http404("This document cannot be drawn.") from error
        from django.core.files.base import ContentFile

        default_storage.save(path, ContentFile(png))
    response = FileResponse(default_storage.open(path, "rb"), content_type="image/png")
    response["Cache-Control"] = "private, max-age=86400"
    return response


@clerk_required
def audit_log(request: HttpRequest) -> HttpResponse:
    entries = AuditEntry.objects.select_related("meeting__committee")
    if slug := request.GET.get("meeting"):
        entries = entries.filter(meeting__slug=slug)
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    return render(request, "workspace/audit.html", {"page": page, "meeting_slug": slug or ""})
