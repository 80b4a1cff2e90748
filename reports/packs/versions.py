"""Published versions: the agenda's packs published as numbered versions, frozen once built
(``pack_publish_version``, ``pack_freeze``), a supplementary agenda's own pack, the version a
download gets (``pack_for_download``), and a published version built again under its number
without what may no longer be in it: a withdrawn document (``packs_withdraw_document``) or
what the public may no longer see (``packs_follow_privacy``, asking ``meetings.visibility``)."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from meetings import visibility
from meetings.models import AgendaItem, Meeting, Minutes

from ..models import Pack, Report
from .assembly import PackBuildError
from .documents import _minutes_queryset
from .inputs import inputs_hash
from .kinds import VERSIONED_KINDS
from .queue import _delete_unused_file, _enqueue, _new_pack, _requeue, is_stale, pack_request


def pack_publish_version(*, meeting: Meeting, kind: str, inputs: dict, version: int | None = None):
    """Publish the pack made from these inputs as the next version of its kind (or as the given
    version: a supplementary agenda's number). It is frozen once built; when the latest
    version was made from the same inputs, nothing changes and that version is returned. Call
    inside the publishing transaction: the build is queued with it, or not at all."""
    digest = inputs_hash(inputs)
    versions = Pack.objects.select_for_update().filter(
        meeting=meeting, kind=kind, version__isnull=False
    )
    latest = versions.order_by("-version").first()
    if latest is not None and latest.inputs_hash == digest:
        return latest
    if version is None:
        version = (latest.version if latest else 0) + 1
    now = timezone.now()
    pack = (
        Pack.objects.select_for_update()
        .filter(meeting=meeting, kind=kind, inputs_hash=digest)
        .first()
    )
    if pack is not None and pack.version is not None:
        # An earlier version had these very inputs (a change undone): publish it again as new.
        pack = None
        digest_inputs = {**inputs, "republished_as": version}
        inputs, digest = digest_inputs, inputs_hash(digest_inputs)
    if pack is None:
        pack = _new_pack(meeting, kind, inputs, digest, now=now, version=version)
        _enqueue(pack)
        pack.refresh_from_db()
        return pack
    pack.version = version
    fields = ["version"]
    if pack.is_ready:
        pack.frozen_at = now
        fields.append("frozen_at")
    pack.save(update_fields=fields)
    if pack.state == Pack.State.FAILED or is_stale(pack, now=now):
        _requeue(pack, now=now)
    return pack


def _without_documents(inputs: dict, keys: set[str], note: str) -> dict:
    def strip(entry: dict) -> dict:
        return {
            **entry,
            "docs": [k for k in entry["docs"] if k not in keys],
            "exempt_docs": [k for k in entry.get("exempt_docs", []) if k not in keys],
            "sub_items": [strip(sub) for sub in entry.get("sub_items", [])],
        }

    out = {**inputs, "reissue_note": note}
    for name in ("public_items", "private_items"):
        if name in out:
            out[name] = [strip(entry) for entry in out[name]]
    for name in ("documents", "exempt_documents"):
        if name in out:
            out[name] = [d for d in out[name] if d["key"] not in keys]
    return out


def _reissue(pack: Pack, inputs: dict, files: list[str]) -> Pack | None:
    """Replace a pack by one built from these inputs: a published version keeps its number
    (it is built again and frozen once built); an unpublished build is simply forgotten."""
    files.append(pack.file.name)
    version, kind, meeting_id = pack.version, pack.kind, pack.meeting_id
    pack.delete()
    if version is None:
        return None
    # Two versions reissued the same way must not collide on their inputs.
    inputs = {**inputs, "reissued_version": version}
    if kind == Pack.Kind.SUPPLEMENT and not inputs.get("documents"):
        inputs["notes"] = []
    new = _new_pack(
        Meeting.objects.get(pk=meeting_id),
        kind,
        inputs,
        inputs_hash(inputs),
        now=timezone.now(),
        version=version,
    )
    _enqueue(new)
    return new


def packs_withdraw_document(*, report: Report, note: str) -> list[Pack]:
    """Take a withdrawn document out of every pack of its meeting. A published version is
    built again under the same version number without it (saying so on its front sheet) and
    the old file is deleted; an unpublished build is simply forgotten. Call inside the
    withdrawing transaction."""
    key = f"r{report.pk}"
    reissued, files = [], []
    for pack in Pack.objects.select_for_update().filter(meeting_id=report.agenda_item.meeting_id):
        docs = pack.inputs.get("documents", []) + pack.inputs.get("exempt_documents", [])
        if any(d.get("key") == key for d in docs):
            new = _reissue(pack, _without_documents(pack.inputs, {key}, note), files)
            if new:
                reissued.append(new)
    transaction.on_commit(lambda: [_delete_unused_file(name) for name in files])
    return reissued


def packs_follow_privacy(*, meeting: Meeting, note: str) -> list[Pack]:
    """After something of a published meeting may no longer be shown to the public (an item
    made private, a paper made exempt, a minute made private), every published version of the
    public kinds that holds it is built again under its number without it: this meeting's
    packs (its papers and its private items' text) and those of later meetings that print its
    minutes. What the public may have is asked of ``meetings.visibility``. Call inside the
    changing transaction."""
    public = visibility.PUBLIC
    own_reports = set(
        Report.objects.filter(agenda_item__meeting=meeting).values_list("pk", flat=True)
    )
    public_reports = set(
        Report.objects.filter(visibility.report_q(public), pk__in=own_reports).values_list(
            "pk", flat=True
        )
    )
    private_stamps = {
        item.stamp_number
        for item in AgendaItem.objects.filter(meeting=meeting).select_related("parent")
        if visibility.item_is_private(item)
    }
    minutes_id = Minutes.objects.filter(meeting=meeting).values_list("pk", flat=True).first()
    public_minutes: set[str] = set()
    if minutes_id is not None:
        minutes = _minutes_queryset().get(pk=minutes_id)
        public_minutes = {
            i.number
            for i in minutes.items.all()
            if visibility.minute_item_least_audience(i) == public
        }

    def hide(entry: dict) -> tuple[dict, bool]:
        changed = False
        subs = []
        for sub in entry.get("sub_items", []):
            sub, sub_changed = hide(sub)
            subs.append(sub)
            changed = changed or sub_changed
        entry = {**entry, "sub_items": subs}
        if entry["key"] in private_stamps and not entry.get("private"):
            entry.update(private=True, description="", bullets=[], presenter="")
            changed = True
        if entry.get("private") and entry["sub_items"]:
            # Everything under a private item is private with it: the item stands alone.
            held = [k for sub in entry["sub_items"] for k in sub["docs"] + sub["exempt_docs"]]
            entry.update(sub_items=[], exempt_docs=[*entry.get("exempt_docs", []), *held])
            changed = True
        return entry, changed

    def follow(doc: dict) -> dict | None:
        """The document as the public may still have it, None for none of it."""
        if doc.get("type") == "upload":
            rid = doc.get("report_id")
            return None if rid in own_reports and rid not in public_reports else doc
        if doc.get("type") == "minutes" and minutes_id and doc.get("minutes_id") == minutes_id:
            items = [i for i in doc.get("items", []) if i.get("number") in public_minutes]
            return {**doc, "items": items} if items else None
        return doc

    reissued, files = [], []
    public_kinds = (Pack.Kind.PUBLIC, Pack.Kind.FRONT_SHEET, Pack.Kind.SUPPLEMENT)
    printing = Pack.objects.filter(meeting=meeting)
    if minutes_id is not None:
        printing = Pack.objects.filter(
            Q(meeting=meeting) | Q(meeting__agenda_items__previous_minutes_id=minutes_id)
        )
    pack_ids = set(printing.filter(kind__in=public_kinds).values_list("pk", flat=True))
    for pack in Pack.objects.select_for_update().filter(pk__in=pack_ids).order_by("pk"):
        inputs = pack.inputs
        documents, gone = [], set()
        for doc in inputs.get("documents", []):
            kept = follow(doc)
            if kept is None:
                gone.add(doc["key"])
            elif kept is not doc:
                documents.append(kept)
            else:
                documents.append(doc)
        changed_docs = documents != inputs.get("documents", [])
        items, hidden = [], False
        if pack.meeting_id == meeting.pk:
            for entry in inputs.get("public_items", []):
                entry, changed = hide(entry)
                items.append(entry)
                hidden = hidden or changed
        if not gone and not hidden and not changed_docs:
            continue
        inputs = {**inputs, "documents": documents}
        if hidden:
            inputs["public_items"] = items
        new = _reissue(pack, _without_documents(inputs, gone, note), files)
        if new:
            reissued.append(new)
    transaction.on_commit(lambda: [_delete_unused_file(name) for name in files])
    return reissued


def pack_for_download(*, meeting: Meeting, kind: str) -> Pack:
    """The pack a download of this kind gets: once the agenda is published, its latest
    published version (frozen: later edits wait for a supplementary agenda); before that, or
    for the printed minutes, the pack of the meeting as it is now."""
    if kind in VERSIONED_KINDS and meeting.is_public:
        latest = published_versions(meeting, kind).first()
        if latest is not None:
            if latest.state != Pack.State.READY and (
                latest.state == Pack.State.FAILED or is_stale(latest)
            ):
                with transaction.atomic():
                    latest = Pack.objects.select_for_update().get(pk=latest.pk)
                    if latest.state == Pack.State.FAILED or is_stale(latest):
                        _requeue(latest, now=timezone.now())
                latest.refresh_from_db()
            return latest
    return pack_request(meeting=meeting, kind=kind)


def published_versions(meeting: Meeting, kind: str):
    return Pack.objects.filter(meeting=meeting, kind=kind, version__isnull=False).order_by(
        "-version"
    )


@transaction.atomic
def pack_freeze(*, pack: Pack) -> Pack:
    """Publish a ready pack as the next version of its kind for the meeting: it is kept, never
    rebuilt or replaced, and stays downloadable after later versions (the clerk workspace and
    its supplements build on this)."""
    pack = Pack.objects.select_for_update().get(pk=pack.pk)
    if pack.is_frozen:
        return pack
    if not pack.is_ready:
        raise PackBuildError("Only a pack that has been built can be published.")
    latest = (
        Pack.objects.select_for_update()
        .filter(meeting_id=pack.meeting_id, kind=pack.kind, version__isnull=False)
        .order_by("-version")
        .values_list("version", flat=True)
        .first()
    )
    pack.version = (latest or 0) + 1
    pack.frozen_at = timezone.now()
    pack.save(update_fields=["version", "frozen_at"])
    return pack
