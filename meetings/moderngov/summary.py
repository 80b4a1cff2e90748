"""The import's summary: what was added, updated, left unchanged and skipped, and why."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError


@dataclass
class Summary:
    source: str = ""
    added: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)
    unchanged: Counter = field(default_factory=Counter)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    people_seen: set[int] = field(default_factory=set)

    KINDS = ("committees", "meetings", "agenda items", "minutes", "people", "documents")

    def count(self, kind: str, outcome: str) -> None:
        {"added": self.added, "updated": self.updated, "unchanged": self.unchanged}[outcome][
            kind
        ] += 1

    def skip(self, what: str, why: str) -> None:
        self.skipped.append((what, why))

    def lines(self) -> list[str]:
        out = [f"ModernGov import from {self.source}"]
        for kind in self.KINDS:
            out.append(
                f"  {kind}: {self.added[kind]} added, {self.updated[kind]} updated, "
                f"{self.unchanged[kind]} unchanged"
            )
        out.append(f"Skipped: {len(self.skipped)}")
        out.extend(f"  {what}: {why}" for what, why in self.skipped)
        if self.notes:
            out.append("Notes:")
            out.extend(f"  {note}" for note in self.notes)
        return out


def _message(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return "; ".join(exc.messages)
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
