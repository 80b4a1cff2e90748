"""Document and pack downloads: the only ways an uploaded or built file leaves the portal.

Who may have what, and what may be publicly cached, is asked of ``meetings.visibility``
(through ``visible_to`` and ``reports.packs.viewer_may_have``), never decided here. How the
bytes leave is decided here, in ``_send_file``, after that check: by Django itself (the
default), by nginx (``SENDFILE=nginx``: an ``X-Accel-Redirect`` to an internal location), or,
with files in S3, by the store: a public file through a signed URL that lives
``S3_URL_SECONDS`` (60 s by default), a private one streamed through the portal, so that no
link to an exempt paper ever exists outside it. Every download of an exempt paper is logged
(``DownloadLog``).
"""

from urllib.parse import quote

from django.conf import settings
from django.core.cache import caches
from django.core.files.storage import FileSystemStorage
from django.db.models.fields.files import FieldFile
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
    JsonResponse,
)
from django.shortcuts import get_object_or_404, render
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import content_disposition_header, http_date
from django.utils.text import get_valid_filename
from django.views.decorators.http import require_safe

from boardpapers.cache import SITE, depends_on, versions
from meetings import roles, visibility
from meetings.models import Meeting

from . import packs
from .models import DownloadLog, Pack, Report

PACK_RETRY_SECONDS = 15
# Short, as for the public pages: a paper withdrawn in error must not live on for long in a
# browser's or a proxy's cache (the ETag makes a fresh check cheap).
PUBLIC_PACK_MAX_AGE = 60
PUBLIC_REPORT_MAX_AGE = 60


def _send_file(file: FieldFile, *, filename: str, public: bool) -> HttpResponse:
    """The response that hands over a stored PDF, once access has been checked."""
    storage = file.storage
    if isinstance(storage, FileSystemStorage):
        if settings.SENDFILE == "nginx":
            response = HttpResponse(content_type="application/pdf")
            response["X-Accel-Redirect"] = settings.SENDFILE_PREFIX + quote(file.name)
            response["Content-Disposition"] = content_disposition_header(False, filename)
            return response
    elif public:
        # The store sends the bytes; the signed URL is short-lived, so the redirect is not kept.
        url = storage.url(
            file.name,
            parameters={
                "ResponseContentType": "application/pdf",
                "ResponseContentDisposition": content_disposition_header(False, filename),
            },
        )
        response = HttpResponseRedirect(url)
        patch_cache_control(response, private=True, no_store=True)
        return response
    return FileResponse(file.open("rb"), content_type="application/pdf", filename=filename)


def _cache_headers(response: HttpResponse, *, public: bool, max_age: int) -> None:
    if response.has_header("Cache-Control"):
        return  # a signed URL's redirect says no-store already
    if public:
        patch_cache_control(response, public=True, max_age=max_age)
    else:
        patch_cache_control(response, private=True, no_store=True)


@depends_on("report:{pk}")
@require_safe
def report_download(request: HttpRequest, pk: int) -> HttpResponse:
    report = get_object_or_404(
        Report.objects.visible_to(request.user).select_related(
            "agenda_item__meeting", "agenda_item__parent"
        ),
        pk=pk,
    )
    exempt = report.is_exempt_material
    # Publicly cacheable only what the public may have now: never a pending or exempt paper,
    # whoever is asking (``visibility.report_is_public``).
    public = visibility.report_is_public(report)
    etag = f'"{report.sha256}"'
    response = get_conditional_response(request, etag=etag)
    if response is None:
        filename = get_valid_filename(f"{report.title}.pdf") or "document.pdf"
        response = _send_file(report.file, filename=filename, public=public)
        if exempt:
            DownloadLog.record(request, report=report)
    response["ETag"] = etag
    _cache_headers(response, public=public, max_age=PUBLIC_REPORT_MAX_AGE)
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


@depends_on("meeting:{slug}")
@require_safe
def pack_download(request: HttpRequest, slug: str, kind: str) -> HttpResponse:
    """A meeting's pack as a PDF: built from the meeting as it is now, or queued and answered
    with "being prepared" (503, Retry-After) until it is."""
    pack_kind = packs.KIND_BY_SLUG.get(kind)
    if pack_kind is None:
        raise Http404("No such pack.")
    remembered = _remembered_public_pack(request, slug, pack_kind)
    if remembered is not None and _file_present(remembered):
        return _pack_response(request, remembered, public=True)
    meeting = get_object_or_404(
        Meeting.objects.visible_to(request.user).select_related("committee"), slug=slug
    )
    if not packs.viewer_may_have(meeting=meeting, kind=pack_kind, user=request.user):
        raise Http404("No such pack.")
    try:
        pack = packs.pack_for_download(meeting=meeting, kind=pack_kind)
    except packs.PackNotAvailable as exc:
        raise Http404(str(exc)) from exc
    if pack.is_ready and not _file_present(pack):
        pack = packs.pack_file_lost(pack=pack)
    if not pack.is_ready:
        return _pack_not_ready(request, pack)
    public = packs.is_public_pack(pack)
    if public:
        _remember_public_pack(request, slug, pack_kind, pack)
    return _pack_response(request, pack, public=public)


def _file_present(pack: Pack) -> bool:
    """Whether a ready pack's file is in storage (a file system's is checked, a stat; an S3
    store's is not, as that would cost a request to the store on every download)."""
    storage = pack.file.storage
    return not isinstance(storage, FileSystemStorage) or storage.exists(pack.file.name)


def _pack_response(
    request: HttpRequest, pack: Pack, *, public: bool, filename: str = ""
) -> HttpResponse:
    etag = f'"{pack.sha256}"'
    last_modified = pack.finished_at.timestamp() if pack.finished_at else None
    response = get_conditional_response(request, etag=etag, last_modified=last_modified)
    if response is None:
        filename = filename or packs.pack_download_name(pack)
        response = _send_file(pack.file, filename=filename, public=public)
        if pack.kind == Pack.Kind.MEMBERS:
            DownloadLog.record(request, pack=pack)
    response["ETag"] = etag
    if last_modified:
        response["Last-Modified"] = http_date(last_modified)
    _cache_headers(response, public=public, max_age=PUBLIC_PACK_MAX_AGE)
    return response


def _remembered_key(request: HttpRequest, slug: str, kind: str) -> str | None:
    """Which public pack a download gets is worked out from the whole meeting (some twenty
    queries); for the public it is remembered under the page cache's versions of the meeting
    and of the site, which any change to the meeting's rows (its packs included), the
    meetings its minutes link or a name shown in its packs replaces, so it is never out of
    date, and a change to another meeting leaves it. Not for signed-in readers."""
    if settings.PAGE_CACHE_SECONDS <= 0 or request.user.is_authenticated:
        return None
    meeting, site = f"meeting:{slug}", SITE
    current = versions([meeting, site])
    return f"pack-download:{current[meeting]}:{current[site]}:{slug}:{kind}"


def _remembered_public_pack(request: HttpRequest, slug: str, kind: str) -> Pack | None:
    key = _remembered_key(request, slug, kind)
    pack_id = caches["default"].get(key) if key else None
    if pack_id is None:
        return None
    return (
        Pack.objects.select_related("meeting__committee")
        .filter(pk=pack_id, state=Pack.State.READY)
        .first()
    )


def _remember_public_pack(request: HttpRequest, slug: str, kind: str, pack: Pack) -> None:
    key = _remembered_key(request, slug, kind)
    if key:
        caches["default"].set(key, pack.pk, settings.PAGE_CACHE_SECONDS)


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
