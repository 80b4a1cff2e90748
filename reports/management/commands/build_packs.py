"""Queue the packs of published meetings (or of one meeting) for the meetings as they are now.

Unchanged packs are not rebuilt, so running this after a deploy, or nightly, only builds what
has changed: after an upgrade that changes the pack layout, every pack is built again in the
background instead of when its first reader asks for it.
"""

from django.core.management.base import BaseCommand, CommandError

from meetings.models import Meeting
from reports.models import Pack
from reports.packs import PackNotAvailable, pack_request


class Command(BaseCommand):
    help = "Queue builds of the packs of published meetings whose inputs changed."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--meeting", help="The address (slug) of one meeting.")
        parser.add_argument(
            "--kind",
            action="append",
            choices=[k.value for k in Pack.Kind],
            help="Only these kinds (repeat for several); all kinds by default.",
        )
        parser.add_argument(
            "--retry-failed", action="store_true", help="Also try failed builds again now."
        )

    def handle(self, *args, **options) -> None:
        meetings = Meeting.objects.published().select_related("committee")
        if options["meeting"]:
            meetings = Meeting.objects.filter(slug=options["meeting"])
            if not meetings.exists():
                raise CommandError(f"No meeting at {options['meeting']!r}.")
        kinds = options["kind"] or [k.value for k in Pack.Kind]
        counts: dict[str, int] = {}
        for meeting in meetings:
            for kind in kinds:
                try:
                    pack = pack_request(meeting=meeting, kind=kind, retry=options["retry_failed"])
                except PackNotAvailable:
                    continue
                counts[pack.state] = counts.get(pack.state, 0) + 1
        summary = ", ".join(f"{n} {state}" for state, n in sorted(counts.items())) or "none"
        self.stdout.write(f"Packs: {summary}.")
