"""sitemap.xml: the public pages only, whoever asks: meetings, minutes, papers, people, the
forward plan and its entries, decision records and the registers of interests (each as
``visible_to`` the public; a draft entry or record, or a register not yet approved, never)."""

from django.contrib.auth.models import AnonymousUser
from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from reports.models import Report

from .models import (
    Committee,
    DecisionRecord,
    InterestVersion,
    Meeting,
    Minutes,
    Person,
    PlanEntry,
)

PUBLIC = AnonymousUser()


class StaticSitemap(Sitemap):
    def items(self):
        return [
            "home", "committee-list", "meeting-list", "decision-list", "accessibility",
            "plan-current", "plan-notices", "plan-special-urgency", "decision-record-list",
            "decisions-register", "vote-list", "interests-index",
        ]  # fmt: skip

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


class PlanEntrySitemap(Sitemap):
    def items(self):
        return PlanEntry.objects.visible_to(PUBLIC).order_by("pk")

    def lastmod(self, entry):
        return entry.published_at


class DecisionRecordSitemap(Sitemap):
    def items(self):
        return DecisionRecord.objects.visible_to(PUBLIC).order_by("pk")

    def lastmod(self, record):
        return record.published_at


class InterestsSitemap(Sitemap):
    """Each member's register that the public may read (an approved version)."""

    def items(self):
        approved = InterestVersion.objects.visible_to(PUBLIC).values("person")
        return Person.objects.filter(pk__in=approved).order_by("pk")

    def location(self, person):
        return reverse("interests-person", args=[person.slug])


SITEMAPS = {
    "pages": StaticSitemap,
    "committees": CommitteeSitemap,
    "meetings": MeetingSitemap,
    "minutes": MinutesSitemap,
    "documents": DocumentSitemap,
    "people": PersonSitemap,
    "forward-plan": PlanEntrySitemap,
    "decision-records": DecisionRecordSitemap,
    "interests": InterestsSitemap,
}
