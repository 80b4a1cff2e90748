"""PDF agenda packs: what goes into each, building them in the background, and who may have them.

The kinds (``Pack.Kind``): the public agenda pack (front sheet, then every public document in
agenda order), the agenda front sheet alone, the printed minutes of a meeting, and the members'
pack: the public pack with the exempt papers appended after its last page, so every public
page number holds in both.

A pack is keyed by the hash of its inputs (``pack_inputs``): everything printed in it, the
identity of every uploaded file, and the fingerprint of the templates, style sheet, fonts and
code that lay it out. ``pack_request`` finds the pack for the current inputs or queues one
build for them; ``pack_build`` (run by the ``reports.tasks.build_pack`` task) builds it from the
inputs it was queued with, so a file always matches its hash. ``requeue_stale_packs`` queues
again a build whose worker died. What a pack of each audience may hold, and who may have
which pack, is asked of ``meetings.visibility``; ``page_packs`` lists what a meeting page
offers a viewer.

Which module owns which job (imports point down this list, never up; none of them imports
this package's ``__init__``):

* ``links``: what pages show: ``page_packs``, ``PackLink``, ``pack_url``,
  ``pack_download_name``, ``PublishedVersion``, ``supplement_pack_url``, ``pack_states``.
* ``versions``: published versions and what changes them: ``pack_publish_version``,
  ``pack_freeze``, ``published_versions``, ``pack_for_download``, a withdrawn document
  (``packs_withdraw_document``) and privacy (``packs_follow_privacy``) reissuing a version.
* ``queue``: the build queue: ``pack_request``, ``is_stale``, ``requeue_stale_packs``,
  ``pack_build``, storing the built file, and forgetting superseded builds and unused files.
* ``assembly``: building the PDF: ``build_pack_pdf``, joining, stamping, tagging and
  bookmarking the pages, ``PackBuildError``.
* ``layout``: laying it out: ``PackPart``, ``Renderer``, the PDF's description, front-sheet
  page references and estimates, and uploads' edge text (``upload_layout(s)``).
* ``inputs``: what goes into each pack: ``collect_material``, ``MeetingMaterial``,
  ``kind_inputs``, ``pack_inputs``, ``supplement_inputs``, ``format_fingerprint``,
  ``inputs_hash``, ``PackNotAvailable``; ``documents``: the printed minutes' and uploads'
  document dicts it holds.
* ``access``: who may have which pack: ``kinds_for``, ``viewer_may_have``, ``is_public_pack``.
* ``kinds``: ``KINDS``, ``KindInfo``, ``VERSIONED_KINDS``, ``KIND_BY_SLUG``.

The names below are re-exported so callers keep using ``reports.packs.<name>``. To monkeypatch
one, patch the module that looks it up (``reports.packs.queue.build_pack_pdf``), not this one.
"""

from __future__ import annotations

from ..models import Pack
from .access import is_public_pack, kinds_for, viewer_may_have
from .assembly import BuildResult, PackBuildError, build_pack_pdf
from .inputs import (
    FORMAT_VERSION,
    MeetingMaterial,
    PackNotAvailable,
    collect_material,
    format_fingerprint,
    inputs_hash,
    kind_inputs,
    pack_inputs,
    supplement_inputs,
)
from .kinds import KIND_BY_SLUG, KINDS, VERSIONED_KINDS, KindInfo
from .layout import (
    FRONT_SHEET_LINES,
    PackPart,
    Renderer,
    estimate_front_sheet_pages,
    upload_layout,
    upload_layouts,
)
from .layout import _doc_meta as _doc_meta  # bench/packs.py
from .layout import _item_pages as _item_pages  # bench/packs.py
from .links import (
    PackLink,
    PublishedVersion,
    pack_download_name,
    pack_states,
    pack_url,
    supplement_pack_url,
)
from .queue import (
    FAILED_RETRY_AFTER,
    MAX_AUTOMATIC_ATTEMPTS,
    STALE_BUILD,
    STALE_QUEUE,
    SUPERSEDED_KEPT,
    is_stale,
    pack_build,
    pack_file_lost,
    pack_request,
    requeue_stale_packs,
)
from .queue import _store_file as _store_file  # tests/hardening/faults/test_disk_full.py
from .versions import (
    pack_for_download,
    pack_freeze,
    pack_publish_version,
    packs_follow_privacy,
    packs_withdraw_document,
    published_versions,
)

__all__ = [
    "FAILED_RETRY_AFTER",
    "FORMAT_VERSION",
    "FRONT_SHEET_LINES",
    "KINDS",
    "KIND_BY_SLUG",
    "MAX_AUTOMATIC_ATTEMPTS",
    "STALE_BUILD",
    "STALE_QUEUE",
    "SUPERSEDED_KEPT",
    "VERSIONED_KINDS",
    "BuildResult",
    "KindInfo",
    "MeetingMaterial",
    "Pack",
    "PackBuildError",
    "PackLink",
    "PackNotAvailable",
    "PackPart",
    "PublishedVersion",
    "Renderer",
    "build_pack_pdf",
    "collect_material",
    "earlier_versions",
    "estimate_front_sheet_pages",
    "format_fingerprint",
    "inputs_hash",
    "is_public_pack",
    "is_stale",
    "kind_inputs",
    "kinds_for",
    "meeting_packs",
    "pack_build",
    "pack_download_name",
    "pack_file_lost",
    "pack_for_download",
    "pack_freeze",
    "pack_inputs",
    "pack_publish_version",
    "pack_request",
    "pack_states",
    "pack_url",
    "packs_follow_privacy",
    "packs_withdraw_document",
    "published_versions",
    "requeue_stale_packs",
    "supplement_inputs",
    "supplement_pack_url",
    "upload_layout",
    "upload_layouts",
    "viewer_may_have",
]
