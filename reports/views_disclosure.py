"""The clerk's one step before publishing: take the metadata and comments out of a paper the
publish page found them in (``reports.disclosure``). Thin: the step is
``reports.services.report_strip_hidden``."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_POST

from meetings.workspace import clerk_required

from .models import Report
from .services import report_strip_hidden


@clerk_required
@require_POST
def strip_hidden(request: HttpRequest, pk: int) -> HttpResponse:
    report = get_object_or_404(
        Report.objects.visible_to(request.user).select_related("agenda_item__meeting"), pk=pk
    )
    try:
        removed = report_strip_hidden(report=report, by=request.user)
    except ValidationError as error:
        messages.error(request, f"“{report.title}”: {' '.join(error.messages)}")
    else:
        if removed:
            messages.success(request, f"“{report.title}”: {' '.join(removed)}")
        else:
            messages.info(request, f"“{report.title}” had no metadata or comments to remove.")
    return redirect("workspace-publish", slug=report.agenda_item.meeting.slug)
