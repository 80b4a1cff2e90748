"""Queue the reading of every paper whose headings, lists and tables have not been read (and,
for a scan, its text by OCR): papers uploaded before the document pages had structure. Run it
once after upgrading; running it again queues only what is still unread and not already
waiting in the queue, so it is safe to repeat."""

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db.models import Q

from reports.models import Report
from reports.tasks import read_document_text

TASK_PATH = "reports.tasks.read_document_text"


def _waiting() -> set[int]:
    """Papers whose reading is already queued or running (the database queue only)."""
    if not apps.is_installed("django_tasks_db"):
        return set()
    from django_tasks_db.models import DBTaskResult

    rows = DBTaskResult.objects.filter(
        task_path=TASK_PATH, status__in=["READY", "RUNNING"]
    ).values_list("args_kwargs", flat=True)
    return {row["args"][0] for row in rows if row.get("args")}


class Command(BaseCommand):
    help = (
        "Queue read_document_text for every paper without headings, lists and tables, and OCR "
        "for every scan not yet read; prints how many were queued."
    )

    def handle(self, *args, **options) -> None:
        unread = (
            Report.objects.filter(withdrawn_at__isnull=True)
            .filter(Q(text_structure="") | Q(has_text_layer=False, text_recognised=False))
            .order_by("pk")
        )
        waiting = _waiting()
        queued = scans = 0
        for pk, has_text in unread.values_list("pk", "has_text_layer"):
            if pk in waiting:
                continue
            read_document_text.enqueue(pk)
            queued += 1
            scans += not has_text
        self.stdout.write(
            f"Queued {queued} paper{'s' if queued != 1 else ''} to be read"
            f" ({scans} scan{'s' if scans != 1 else ''} for OCR);"
            f" {len(waiting)} already waiting."
        )
