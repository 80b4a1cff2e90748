"""Who is asking: the client's address, for throttling sign-ins and logging exempt downloads."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str | None:
    """REMOTE_ADDR; behind a proxy (BEHIND_PROXY=1), the last X-Forwarded-For entry, the one
    the proxy itself added. Earlier entries come from the client and could be anything."""
    if getattr(settings, "BEHIND_PROXY", False):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if hops:
            return hops[-1]
    return request.META.get("REMOTE_ADDR") or None
