"""Two-factor sign-in (TOTP, django-otp) for clerks and admins: setting up an authenticator app
and checking its six-digit codes.

A clerk or admin who has signed in with the password but not yet entered a code counts as the
public (meetings/roles.py); the middleware sends them here for the staff pages and workspace.
"""

from __future__ import annotations

import base64
import binascii
import io
import time
from dataclasses import dataclass

import django_otp
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

DEVICE_NAME = "Authenticator app"


def confirmed_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def device_for_setup(user) -> TOTPDevice:
    """The device being set up: the same secret on every visit until it is confirmed."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    return device


def secret_text(device: TOTPDevice) -> str:
    """The secret as an authenticator app asks for it when typed in: base32, in groups of 4."""
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def qr_code_data_uri(device: TOTPDevice) -> str:
    """The otpauth:// address as a QR code, an SVG image in a data: URI (no script, no request
    of its own, and the secret never in a URL the browser could log)."""
    import qrcode
    import qrcode.image.svg

    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage)
    out = io.BytesIO()
    image.save(out)
    return "data:image/svg+xml;base64," + base64.b64encode(out.getvalue()).decode()


@dataclass(frozen=True)
class CodeCheck:
    ok: bool
    message: str = ""


def code_check(device: TOTPDevice, code: str) -> CodeCheck:
    """Check a code against the device, with django-otp's growing delay after wrong codes and
    its refusal of a code already used."""
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().get(pk=device.pk)
        allowed, details = device.verify_is_allowed()
        if not allowed:
            wait = max(1, int((details["locked_until"] - timezone.now()).total_seconds()) + 1)
            return CodeCheck(
                False,
                f"Too many wrong codes. Wait {wait} second{'s' if wait != 1 else ''} and enter "
                "the newest code your app shows.",
            )
        if device.verify_token(code.replace(" ", "")):
            return CodeCheck(True)
    return CodeCheck(
        False,
        "That code is not right. Enter the 6-digit code your authenticator app shows now (a "
        "code works once, for about 30 seconds).",
    )


def session_verify(request: HttpRequest, device: TOTPDevice) -> None:
    """Mark this session as having passed the second step, under a new session key: a key
    seen before the code was entered is worth nothing after it."""
    django_otp.login(request, device)
    request.session.cycle_key()


def device_confirm(device: TOTPDevice) -> None:
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=device.user, confirmed=False).delete()


def device_set_secret(*, user, secret: str) -> TOTPDevice:
    """Give a user one confirmed device with a known base32 secret (the demo accounts)."""
    key = binascii.hexlify(base64.b32decode(secret.replace(" ", "").upper())).decode()
    TOTPDevice.objects.filter(user=user).exclude(key=key).delete()
    device, _ = TOTPDevice.objects.update_or_create(
        user=user, key=key, defaults={"name": DEVICE_NAME, "confirmed": True}
    )
    return device


def current_code(device: TOTPDevice, *, at: float | None = None) -> str:
    """The code the device's app shows now (for the demo command and the tests)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() if at is None else at
    return f"{totp.token():0{device.digits}d}"
