"""Generate a deterministic synthetic archive for benchmarks and load tests."""

from django.core.management.base import BaseCommand, CommandError

from meetings.archive import ArchiveSpec, generate_archive


class Command(BaseCommand):
    help = (
        "Write years x committees of made-up meetings (agendas, minutes, resolutions, report "
        "pages) and index them. The same --seed and sizes always give the same archive. Use a "
        "throwaway database: these are not council records."
    )

    def add_arguments(self, parser):
        defaults = ArchiveSpec()
        parser.add_argument("--seed", type=int, default=defaults.seed)
        parser.add_argument("--years", type=int, default=defaults.years)
        parser.add_argument("--committees", type=int, default=defaults.committees)
        parser.add_argument("--meetings-per-year", type=int, default=defaults.meetings_per_year)
        parser.add_argument("--first-year", type=int, default=defaults.first_year)
        parser.add_argument("--topic-items", type=int, default=defaults.topic_items)
        parser.add_argument("--reports", type=int, default=defaults.reports_per_meeting,
                            help="Reports per meeting.")  # fmt: skip
        parser.add_argument("--pages", type=int, default=defaults.pages_per_report,
                            help="Pages per report.")  # fmt: skip
        parser.add_argument("--sentences-per-page", type=int, default=defaults.sentences_per_page)
        parser.add_argument("--no-index", action="store_true",
                            help="Leave indexing to rebuild_search_index.")  # fmt: skip

    def handle(self, *args, **o):
        spec = ArchiveSpec(
            seed=o["seed"], years=o["years"], committees=o["committees"],
            meetings_per_year=o["meetings_per_year"], first_year=o["first_year"],
            topic_items=o["topic_items"], reports_per_meeting=o["reports"],
            pages_per_report=o["pages"], sentences_per_page=o["sentences_per_page"],
            index=not o["no_index"],
        )  # fmt: skip
        if not 1 <= spec.committees <= 16:
            raise CommandError("--committees must be between 1 and 16.")
        if spec.reports_per_meeting > spec.topic_items + 1:
            raise CommandError("--reports can be at most --topic-items + 1.")

        def progress(stage: str, done: int, total: int) -> None:
            if o["verbosity"] > 1 and (done == total or done % 10 == 0):
                self.stdout.write(f"  {stage} {done}/{total}")

        try:
            summary = generate_archive(spec, progress=progress)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"Archive written in {summary.seconds:.1f} s: {summary.committees} committees, "
            f"{summary.meetings} meetings, {summary.reports} reports, {summary.pages} pages, "
            f"{summary.words:,} words, {summary.passages:,} passages indexed."
        )
