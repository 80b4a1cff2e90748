"""Document and pack downloads: the only ways an uploaded or built file leaves the portal.

Who may have what is asked of ``visible_to`` and ``meetings.roles`` (through
``reports.packs.viewer_may_have``), never decided here.
"""

from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date
from django.utils.text import get_valid_filename
from django.views.decorators.http import require_safe

from meetings import roles
from meetings.models import Meeting

from . import packs
from .models import Pack, Report

PACK_RETRY_SECONDS = 15
PUBLIC_PACK_MAX_AGE = 300


def report_download(request: HttpRequest, pk: int) -> FileResponse:
    report = get_object_or_404(
        Report.objects.visible_to(request.user).select_related("agenda_item__meeting"), pk=pk
    )
    filename = get_valid_filename(f"{report.title}.pdf") or "document.pdf"
    response = FileResponse(
        report.file.open("rb"), content_type="application/pdf", filename=filename
    )
    response["ETag"] = f'"{report.sha256}"'
    if report.is_exempt_material or not report.agenda_item.meeting.is_public:
        patch_cache_control(response, private=True, no_store=True)
    else:
        patch_cache_control(response, public=True, max_age=3600)
    return response


def _pack_not_ready(request: HttpRequest, pack: Pack) -> HttpResponse:
    response = render(
        request,
        "packs/not_ready.html",
        {
            "pack": pack,
            "label": packs.KINDS[pack.kind].label,
            "meeting": pack.meeting,
            "retry_seconds": PACK_RETRY_SECONDS,
            "show_error": roles.sees_unpublished(request.user),
        },
        status=503,
    )
    response["Retry-After"] = str(PACK_RETRY_SECONDS)
    patch_cache_control(response, no_store=True)
    return response


@require_safe
def pack_download(request: HttpRequest, slug: str, kind: str) -> HttpResponse:
    """A meeting's pack as a PDF: built from the meeting as it is now, or queued and answered
    with "being prepared" (503, Retry-After) until it is."""
    pack_kind = packs.KIND_BY_SLUG.get(kind)
    if pack_kind is None:
        raise Http404("No such pack.")
    meeting = get_object_or_404(
        Meeting.objects.visible_to(request.user).select_related("committee"), slug=slug
    )
    if not packs.viewer_may_have(meeting=meeting, kind=pack_kind, user=request.user):
        raise Http404("No such pack.")
    try:
        pack = packs.pack_request(meeting=meeting, kind=pack_kind)
    except packs.PackNotAvailable as exc:
        raise Http404(str(exc)) from exc
    if not pack.is_ready:
        return _pack_not_ready(request, pack)
    public = packs.is_public_pack(pack)
    etag = f'"{pack.sha256}"'
    last_modified = pack.finished_at.timestamp() if pack.finished_at else None
    not_modified = get_conditional_response(request, etag=etag, last_modified=last_modified)
    if not_modified is None:
        response = FileResponse(
            pack.file.open("rb"),
            content_type="application/pdf",
            filename=packs.pack_download_name(pack),
        )
    else:
        response = not_modified
    response["ETag"] = etag
    if last_modified:
        response["Last-Modified"] = http_date(last_modified)
    if public:
        patch_cache_control(response, public=True, max_age=PUBLIC_PACK_MAX_AGE)
    else:
        patch_cache_control(response, private=True, no_store=True)
    return response


@require_safe
def pack_status(request: HttpRequest, slug: str) -> JsonResponse:
    """The build state of each pack of a meeting the viewer may download (JSON). Clerks also
    see why a build failed, what it noted, and whether it is stuck."""
    meeting = get_object_or_404(Meeting.objects.visible_to(request.user), slug=slug)
    response = JsonResponse(
        {"meeting": meeting.slug, "packs": packs.pack_states(meeting=meeting, user=request.user)}
    )
    patch_cache_control(response, no_cache=True, private=True)
    return response
