"""Rebuild the search index from the papers: every meeting's passages made to match its rows.

The full-text side follows the passages by itself (a generated column on PostgreSQL, triggers
filling SQLite's FTS5 table for each audience); ``--full-text`` also refills those SQLite tables
from the passages, for one that has fallen out of step.
"""

import time

from django.core.management.base import BaseCommand
from django.db import DEFAULT_DB_ALIAS, connections, transaction

from meetings import search_index
from meetings.models_search import AUDIENCES
from meetings.search.backends import SqliteBackend


class Command(BaseCommand):
    help = (
        "Reindex every meeting for search (idempotent: unchanged passages are left alone). "
        "Run it after changing rows with QuerySet.update() or raw SQL, which send no signals."
    )

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=50, help="Meetings per batch.")
        parser.add_argument(
            "--full-text",
            action="store_true",
            help=(
                "SQLite: also empty each audience's FTS5 table and fill it again from the "
                "passages it may read (PostgreSQL needs nothing: its vector is a column)."
            ),
        )

    def handle(self, *args, batch_size: int, verbosity: int, full_text: bool, **options):
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
        if full_text and connections[DEFAULT_DB_ALIAS].vendor == SqliteBackend.vendor:
            started = time.perf_counter()
            with transaction.atomic():  # searches meanwhile see the tables as they were
                filled = SqliteBackend.refill(DEFAULT_DB_ALIAS)
            counts = ", ".join(f"{SqliteBackend.TABLES[a]} {filled[a]}" for a in AUDIENCES)
            self.stdout.write(
                f"Full-text tables refilled in {time.perf_counter() - started:.1f} s: {counts}."
            )
