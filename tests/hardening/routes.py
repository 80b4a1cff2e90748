"""Who may request each route this area adds: cases for the access matrix
(tests/test_access_matrix.py), in that module's own ``Case`` type and with its ``World`` rows."""

from __future__ import annotations

from django.urls import reverse

# The code pages are only for a clerk or admin between password and code: the public is sent to
# sign in, members (who need no code) and sessions that have entered theirs are sent on.
# tests/hardening/test_two_factor.py covers the session that has not entered its code yet.
SENT_ON = {"anonymous": 302, "member": 302, "clerk": 302, "admin": 302}


def routes(case) -> dict[str, list]:
    return {
        "two-factor": [case(lambda w: reverse("two-factor"), SENT_ON)],
        "two-factor-setup": [case(lambda w: reverse("two-factor-setup"), SENT_ON)],
    }
