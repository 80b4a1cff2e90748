"""An Atom feed of newly published papers, with Django's syndication framework."""

from django.contrib.auth.models import AnonymousUser
from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from boardpapers.cache import LISTS, depends_on

from . import selectors
from .formats import long_meeting_datetime
from .models import PortalSettings


@depends_on(LISTS)
class PapersFeed(Feed):
    feed_type = Atom1Feed
    description_template = None

    def __call__(self, request, *args, **kwargs):
        self.request = request
        return super().__call__(request, *args, **kwargs)

    def title(self) -> str:
        return f"{PortalSettings.load().council_name}: newly published committee papers"

    def link(self) -> str:
        return reverse("home")

    def subtitle(self) -> str:
        return "Agenda reports and appendices as they are published."

    def items(self):
        # Feeds are read by feed readers without a session: what the public may see.
        return selectors.recent_papers(user=AnonymousUser(), limit=50)

    def item_title(self, report) -> str:
        meeting = report.agenda_item.meeting
        return f"{report.title} ({meeting.committee.name}, {meeting.start:%d %B %Y})"

    def item_description(self, report) -> str:
        meeting = report.agenda_item.meeting
        return (
            f"{report.get_kind_display()} for item {report.agenda_item.stamp_number} "
            f"'{report.agenda_item.title}' at the meeting of {meeting.committee.name}, "
            f"{long_meeting_datetime(meeting.start)}. PDF, {report.page_count} pages."
        )

    def item_link(self, report) -> str:
        return reverse("document-detail", args=[report.pk])

    def item_pubdate(self, report):
        return report.agenda_item.meeting.published_at or report.uploaded_at

    def item_updateddate(self, report):
        return report.uploaded_at
