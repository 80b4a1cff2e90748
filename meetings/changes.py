"""What follows a change to what a meeting shows: one signal, sent for every write.

Everything derived from a meeting's rows (its search passages, the page cache that holds its
pages, feeds and ModernGov answers) listens to ``meeting_rows_changed``. Model saves and
deletions send Django's own signals, which the same listeners follow; the writes that send none
are covered here: ``QuerySet.update()`` on the querysets of every model a meeting shows
(``TrackedQuerySet``) sends ``meeting_rows_changed`` by itself, so a caller cannot forget it,
and a service that writes another way (``bulk_create``, raw SQL) calls ``meeting_changed``.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import models
from django.dispatch import Signal

# Sent with ``meeting_ids`` (a sorted list) after rows of those meetings changed; ``sender`` is
# the model whose rows changed (None when not known).
meeting_rows_changed = Signal()


def meeting_changed(*, meeting_ids: Iterable[int | None], sender=None) -> None:
    """Tell everything that follows a meeting's rows that they changed."""
    ids = sorted({pk for pk in meeting_ids if pk is not None})
    if ids:
        meeting_rows_changed.send(sender=sender, meeting_ids=ids)


# Sent with ``pks`` after ``QuerySet.update()`` changed rows of a model that is its own source
# of what pages and search show, not a meeting's (a forward plan entry, a decision record).
rows_changed = Signal()


class TrackedRowsQuerySet(models.QuerySet):
    """A queryset whose ``update()`` says which rows it changed (``rows_changed``), so the
    search index and the page cache follow it as they follow a save."""

    def update(self, **kwargs) -> int:
        pks = list(self.order_by().values_list("pk", flat=True))
        count = super().update(**kwargs)
        if count:
            rows_changed.send(sender=self.model, pks=pks)
        return count

    update.alters_data = True


class TrackedQuerySet(models.QuerySet):
    """A queryset whose ``update()`` says which meetings it changed. ``meeting_path`` is the
    lookup from the model to its meeting's primary key."""

    meeting_path = "meeting_id"

    def _meeting_ids(self) -> set[int]:
        return set(self.order_by().values_list(self.meeting_path, flat=True).distinct())

    def update(self, **kwargs) -> int:
        meeting_ids = self._meeting_ids()
        count = super().update(**kwargs)
        if count:
            meeting_changed(meeting_ids=meeting_ids, sender=self.model)
        return count

    update.alters_data = True
