import time

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from boardpapers.accounts import twofactor
from meetings.demo import DEMO_TOTP_SECRETS


class Command(BaseCommand):
    help = (
        "Print the current sign-in code of the demo clerk and demo admin (what their "
        "authenticator app would show). Codes change every 30 seconds and each works once."
    )

    def handle(self, *args, **options):
        User = get_user_model()
        for username in DEMO_TOTP_SECRETS:
            user = User.objects.filter(username=username).first()
            device = user and twofactor.confirmed_device(user)
            if device is None:
                raise CommandError(f"{username} has no authenticator yet: run manage.py load_demo.")
            left = device.step - int(time.time() - device.t0) % device.step
            self.stdout.write(
                f"{username:<12}  code: {twofactor.current_code(device)}  "
                f"(for {left} more seconds; each code works once)"
            )
