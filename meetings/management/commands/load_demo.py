from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from meetings.demo import ensure_demo_accounts, load_demo


class Command(BaseCommand):
    help = (
        "Load the demo data (the seed meeting of the Coventry Health and Well-being Board and a "
        "few demonstration meetings) and create the demo accounts. Safe to run again."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-accounts", action="store_true", help="Load the data but create no accounts."
        )

    def handle(self, *args, no_accounts: bool = False, **options):
        if settings.HTTPS and not no_accounts:
            raise CommandError(
                "Refusing to create demo accounts with known passwords on an HTTPS deployment. "
                "Use --no-accounts, or create real accounts with createsuperuser."
            )
        summary = load_demo()
        for line in summary.created:
            self.stdout.write(f"Loaded {line}.")
        for line in summary.skipped:
            self.stdout.write(f"Kept {line}.")
        if not no_accounts:
            for role, username, password in ensure_demo_accounts():
                self.stdout.write(
                    f"Demo {role:<6}  user name: {username:<12}  password: {password}"
                )
            self.stdout.write(
                "The clerk and the admin also enter a code from an authenticator app: "
                "`manage.py demo_totp` prints the current ones."
            )
