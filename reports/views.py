"""Document downloads: the only way an uploaded file leaves the portal."""

from django.http import FileResponse, HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.cache import patch_cache_control
from django.utils.text import get_valid_filename

from .models import Report


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
