"""sitemap.xml: the public pages only, whoever asks."""

from django.contrib.auth.models import AnonymousUser
from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from reports.models import Report

from .models import Committee, Meeting, Minutes, Person

PUBLIC = AnonymousUser()


class StaticSitemap(Sitemap):
    def items(self):
        return ["home", "committee-list", "meeting-list", "decision-list", "accessibility"]

    def location(self, name):
        return reverse(name)


class CommitteeSitemap(Sitemap):
    def items(self):
        return Committee.objects.filter(is_active=True).order_by("pk")

    def location(self, committee):
        return reverse("committee-detail", args=[committee.slug])


class MeetingSitemap(Sitemap):
    def items(self):
        return Meeting.objects.visible_to(PUBLIC).order_by("pk")


class MinutesSitemap(Sitemap):
    def items(self):
        return Minutes.objects.visible_to(PUBLIC).select_related("meeting").order_by("pk")

    def location(self, minutes):
        return reverse("minutes-detail", args=[minutes.meeting.slug])


class DocumentSitemap(Sitemap):
    def items(self):
        return Report.objects.visible_to(PUBLIC).order_by("pk")

    def location(self, report):
        return reverse("document-detail", args=[report.pk])


class PersonSitemap(Sitemap):
    def items(self):
        return Person.objects.order_by("pk")

    def location(self, person):
        return reverse("person-detail", args=[person.slug])


SITEMAPS = {
    "pages": StaticSitemap,
    "committees": CommitteeSitemap,
    "meetings": MeetingSitemap,
    "minutes": MinutesSitemap,
    "documents": DocumentSitemap,
    "people": PersonSitemap,
}
