"""Published versions of a meeting's packs: every version of the agenda pack, front sheet and
members' pack, and each supplementary agenda's pack, downloadable for as long as the meeting
is. Who may have which is asked of ``reports.packs``; a withdrawn document is in none of them
(each version that held it is built again without it)."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_safe

from boardpapers.cache import depends_on
from meetings.models import Meeting

from . import packs
from .models import Pack
from .views import _pack_not_ready, _pack_response


@depends_on("meeting:{slug}")
@require_safe
def pack_version_download(request: HttpRequest, slug: str, kind: str, version: int) -> HttpResponse:
    pack_kind = packs.KIND_BY_SLUG.get(kind)
    if pack_kind not in (*packs.VERSIONED_KINDS, Pack.Kind.SUPPLEMENT):
        raise Http404("No such pack.")
    meeting = get_object_or_404(
        Meeting.objects.visible_to(request.user).select_related("committee"), slug=slug
    )
    if not packs.viewer_may_have(meeting=meeting, kind=pack_kind, user=request.user):
        raise Http404("No such pack.")
    pack = get_object_or_404(
        Pack.objects.select_related("meeting__committee"),
        meeting=meeting,
        kind=pack_kind,
        version=version,
    )
    if not pack.is_ready:
        return _pack_not_ready(request, pack)
    name = packs.pack_download_name(pack).removesuffix(".pdf")
    label = f" {pack.version}" if pack_kind == Pack.Kind.SUPPLEMENT else f" version {pack.version}"
    return _pack_response(
        request,
        pack,
        public=packs.is_public_pack(pack),
        filename=f"{name}{label}.pdf",
    )
