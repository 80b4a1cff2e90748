"""manage.py import_moderngov <site URL or folder>: bring a council's meetings in from ModernGov."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from meetings.moderngov.importer import import_moderngov, source_for


class Command(BaseCommand):
    help = (
        "Import committees, meetings, agenda items, minutes, attendees and documents from a "
        "ModernGov web service (mgWebService.asmx). SOURCE is the site's address "
        "(https://democracy.example.gov.uk) or a folder of saved answers: every *.xml file is "
        "recognised by its root element (<committees> from GetCommittees, <getmeetings> from "
        "GetMeetings, <meeting> from GetMeeting), and a linked document is the file "
        "<attachmentid>.pdf anywhere under the folder. Running it again updates what changed "
        "and adds nothing twice; it ends with what was added, updated and skipped, and why."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("source", help="Site address (http/https) or folder of answers.")
        parser.add_argument(
            "--from", dest="since", default="0", help="Live sites: first date, dd/mm/yyyy (0: all)."
        )
        parser.add_argument(
            "--to", dest="until", default="0", help="Live sites: last date, dd/mm/yyyy (0: all)."
        )

    def handle(self, *args, **options) -> None:
        try:
            source = source_for(options["source"], since=options["since"], until=options["until"])
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        summary = import_moderngov(source)
        for line in summary.lines():
            self.stdout.write(line)
