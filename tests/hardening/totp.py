"""RFC 6238 codes, computed here as an authenticator app does, independently of the portal."""

import base64
import hashlib
import hmac
import struct
import time


def totp_code(secret: str, *, at: float | None = None, step: int = 30, offset: int = 0) -> str:
    """The 6-digit code for a base32 secret (spaces allowed); offset=1 is the next code."""
    key = base64.b32decode(secret.replace(" ", "").upper())
    counter = int((time.time() if at is None else at) // step) + offset
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    start = digest[-1] & 0x0F
    number = struct.unpack(">I", digest[start : start + 4])[0] & 0x7FFFFFFF
    return f"{number % 1_000_000:06d}"
