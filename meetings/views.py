"""Public pages. Each view asks the models' ``visible_to`` for what the viewer may see."""

from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from reports.models import Report

from .models import AgendaItem, Meeting, Minutes


def home(request: HttpRequest) -> HttpResponse:
    visible = Meeting.objects.visible_to(request.user).select_related("committee")
    now = timezone.now()
    return render(
        request,
        "meetings/home.html",
        {
            "upcoming": visible.filter(start__gte=now).order_by("start")[:10],
            "recent": visible.filter(start__lt=now).order_by("-start")[:10],
        },
    )


def meeting_detail(request: HttpRequest, slug: str) -> HttpResponse:
    meeting = get_object_or_404(
        Meeting.objects.visible_to(request.user).select_related("committee", "contact_officer"),
        slug=slug,
    )
    reports = Prefetch(
        "reports", queryset=Report.objects.visible_to(request.user).order_by("position", "pk")
    )
    items = (
        AgendaItem.objects.filter(meeting=meeting, parent__isnull=True)
        .order_by("position")
        .prefetch_related(
            reports,
            Prefetch(
                "sub_items",
                queryset=AgendaItem.objects.order_by("position").prefetch_related(
                    Prefetch(
                        "reports",
                        queryset=Report.objects.visible_to(request.user).order_by("position", "pk"),
                    )
                ),
            ),
        )
    )
    minutes = Minutes.objects.visible_to(request.user).filter(meeting=meeting).first()
    return render(
        request,
        "meetings/meeting_detail.html",
        {
            "meeting": meeting,
            "public_items": [item for item in items if not item.is_private],
            "private_items": [item for item in items if item.is_private],
            "minutes": minutes,
        },
    )
