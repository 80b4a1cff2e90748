"""The kinds of pack (``Pack.Kind``): how each is named in URLs, on pages and in file names,
and which are published as numbered versions."""

from __future__ import annotations

from dataclasses import dataclass

from ..models import Pack


@dataclass(frozen=True)
class KindInfo:
    slug: str  # in the download URL
    label: str  # on the meeting page
    words: str  # in the download's file name and the PDF's title


KINDS: dict[str, KindInfo] = {
    Pack.Kind.PUBLIC: KindInfo("agenda-pack", "Agenda pack (agenda and reports)", "agenda pack"),
    Pack.Kind.FRONT_SHEET: KindInfo(
        "agenda-front-sheet", "Agenda front sheet", "agenda front sheet"
    ),
    Pack.Kind.MEMBERS: KindInfo(
        "members-pack", "Members' pack (with exempt papers)", "members' pack"
    ),
    Pack.Kind.MINUTES: KindInfo("printed-minutes", "Printed minutes", "printed minutes"),
    Pack.Kind.SUPPLEMENT: KindInfo(
        "supplementary-agenda", "Supplementary agenda", "supplementary agenda"
    ),
}
# The kinds published as numbered versions when the agenda or a supplement is published.
VERSIONED_KINDS = (Pack.Kind.PUBLIC, Pack.Kind.FRONT_SHEET, Pack.Kind.MEMBERS)
KIND_BY_SLUG = {info.slug: kind for kind, info in KINDS.items()}
