"""Who may request each route this area adds: cases for the access matrix
(tests/test_access_matrix.py), in that module's own ``Case`` type and with its ``World`` rows."""

from __future__ import annotations


def routes(case) -> dict[str, list]:
    return {}
