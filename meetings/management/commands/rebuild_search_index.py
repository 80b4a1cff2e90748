"""Rebuild the search index from the papers: every meeting's passages made to match its rows."""

import time

from django.core.management.base import BaseCommand

from meetings import search_index


class Command(BaseCommand):
    help = (
        "Reindex every meeting for search (idempotent: unchanged passages are left alone). "
        "Run it after changing rows with QuerySet.update() or raw SQL, which send no signals."
    )

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=50, help="Meetings per batch.")

    def handle(self, *args, batch_size: int, verbosity: int, **options):
        started = time.perf_counter()

        def progress(done: int, total: int) -> None:
            if verbosity > 1:
                self.stdout.write(f"  {done}/{total} meetings")

        changes = search_index.rebuild(batch_size=batch_size, progress=progress)
        self.stdout.write(
            f"Search index rebuilt in {time.perf_counter() - started:.1f} s: "
            f"{changes.created} passages written, {changes.deleted} removed, "
            f"{changes.kept} unchanged."
        )
