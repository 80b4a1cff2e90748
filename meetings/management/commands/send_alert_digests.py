"""Send the e-mail alerts' daily digests, after looking for what is new in the saved searches."""

from django.contrib.auth.models import AnonymousUser
from django.core.management.base import BaseCommand

from meetings import alerts
from meetings.search import search


def public_hits(*, query: str, filters: dict) -> list:
    """The public's search (never a member's), newest first: the first 200 hits."""
    filters = dict(filters)
    if filters.get("kind"):  # several kinds of passage, saved as "minute,resolution"
        filters["kind"] = str(filters["kind"]).split(",")
    results = search(user=AnonymousUser(), query=query, filters=filters, sort="date", per_page=200)
    return list(results.page.object_list) if results.page else []


class Command(BaseCommand):
    help = (
        "Forget addresses never confirmed; look for new public passages matching each saved "
        "search (immediate followers are e-mailed at once); then send every daily digest of "
        "e-mail alerts. Run it once a day (a cron job or systemd timer); with --searches-only as "
        "often as saved searches should be looked at."
    )

    def add_arguments(self, parser):
        parser.add_argument("--searches-only", action="store_true",
                            help="Look at the saved searches; send no digest.")  # fmt: skip
        parser.add_argument("--base-url", default="",
                            help="The portal's address for the links, e.g. "
                                 "https://papers.example.gov.uk (else PORTAL_URL).")  # fmt: skip

    def handle(self, *args, **o):
        forgotten = alerts.purge()
        self.stdout.write(f"Addresses never confirmed, forgotten: {forgotten}.")
        found = alerts.search_events(run_search=public_hits, base_url=o["base_url"])
        self.stdout.write(f"Saved searches: {found} new.")
        if not o["searches_only"]:
            sent = alerts.send_digests(base_url=o["base_url"])
            self.stdout.write(f"Digests sent: {sent}.")
