"""Queue again the pack builds whose worker died. Run it from cron or a systemd timer, e.g. every
five minutes; builds also sweep for stale ones themselves, and a download of a stale pack
queues it again, so this only matters when nothing else is happening."""

from django.core.management.base import BaseCommand

from reports.packs import STALE_BUILD, requeue_stale_packs


class Command(BaseCommand):
    help = (
        "Queue again every pack build that has been building for longer than "
        f"PACK_BUILD_STALE_MINUTES (now {int(STALE_BUILD.total_seconds() // 60)}) or whose "
        "task is lost."
    )

    def handle(self, *args, **options) -> None:
        requeued = requeue_stale_packs()
        for pack in requeued:
            self.stdout.write(f"Queued again: {pack} (attempt {pack.attempts})")
        self.stdout.write(f"{len(requeued)} stale pack build(s) queued again.")
