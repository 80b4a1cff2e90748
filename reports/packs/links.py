"""What pages show: the packs a viewer may download from a meeting page (``meeting_packs``), a
pack's URL and download name, the earlier published versions, and the build state of each pack
(``pack_states``: clerks also see errors, notes and attempts)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from meetings import roles, visibility
from meetings.models import Meeting

from ..models import Pack
from .access import kinds_for
from .inputs import MeetingMaterial, PackNotAvailable, collect_material, inputs_hash, kind_inputs
from .kinds import KINDS, VERSIONED_KINDS
from .queue import is_stale


@dataclass
class PublishedVersion:
    label: str
    url: str
    state: str
    published: dt.datetime | None
    page_count: int | None


def supplement_pack_url(meeting: Meeting, number: int) -> str:
    return reverse(
        "pack-version-download",
        kwargs={"slug": meeting.slug, "kind": KINDS[Pack.Kind.SUPPLEMENT].slug, "version": number},
    )


def pack_download_name(pack: Pack) -> str:
    """ "Coventry Health and Well-being Board 2014-09-22 agenda pack.pdf"."""
    day = timezone.localtime(pack.meeting.start).date().isoformat()
    name = f"{pack.meeting.committee.name} {day} {KINDS[pack.kind].words}.pdf"
    return "".join(ch for ch in name if ch.isprintable() and ch not in '\\/:*?"<>|')


def pack_url(meeting: Meeting, kind: str) -> str:
    return reverse("pack-download", kwargs={"slug": meeting.slug, "kind": KINDS[kind].slug})


@dataclass
class PackLink:
    """One pack a viewer may download, for the meeting page."""

    kind: str
    label: str
    url: str
    state: str  # a Pack.State, or "" when nothing has been built for the current inputs
    page_count: int | None = None
    size_bytes: int | None = None

    @property
    def detail(self) -> str:
        if self.state == Pack.State.READY and self.page_count:
            from django.template.defaultfilters import filesizeformat

            pages = f"{self.page_count} page{'s' if self.page_count != 1 else ''}"
            return f"PDF, {pages}, {filesizeformat(self.size_bytes)}"
        if self.state in (Pack.State.QUEUED, Pack.State.BUILDING):
            return "PDF, being prepared"
        return "PDF"


def _links(meeting: Meeting, user) -> tuple[MeetingMaterial | None, list[PackLink]]:
    wanted = kinds_for(meeting=meeting, user=user)
    if not wanted:
        return None, []
    material = collect_material(meeting)
    latest_versions = {}
    if meeting.is_public:
        for pack in Pack.objects.filter(
            meeting=meeting, kind__in=VERSIONED_KINDS, version__isnull=False
        ).order_by("kind", "-version"):
            latest_versions.setdefault(pack.kind, pack)
    digests = {}
    for kind in wanted:
        if kind in latest_versions:
            digests[kind] = latest_versions[kind].inputs_hash
            continue
        try:
            digests[kind] = inputs_hash(kind_inputs(material, kind))
        except PackNotAvailable:
            continue
    built = {
        (p.kind, p.inputs_hash): p
        for p in Pack.objects.filter(meeting=meeting, inputs_hash__in=digests.values()).only(
            "kind", "inputs_hash", "state", "page_count", "size_bytes"
        )
    }
    links = []
    for kind, digest in digests.items():
        pack = built.get((kind, digest))
        links.append(
            PackLink(
                kind=kind,
                label=KINDS[kind].label,
                url=pack_url(meeting, kind),
                state=pack.state if pack else "",
                page_count=pack.page_count if pack else None,
                size_bytes=pack.size_bytes if pack else None,
            )
        )
    return material, links


@dataclass
class PagePacks:
    """What the meeting page shows of its packs: ``links`` (as ``meeting_packs``), the earlier
    published versions, and the numbers of the supplementary agendas that have a pack."""

    links: list[PackLink]
    earlier: list[PublishedVersion]
    supplement_versions: set[int]


def page_packs(
    *,
    meeting: Meeting,
    user,
    has_agenda: bool,
    has_exempt_papers: bool,
    has_minutes: bool,
    has_packs: bool = True,
) -> PagePacks:
    """The packs of a meeting page from the stored pack rows, in one query (none when the
    meeting has no pack yet): the page already knows what the meeting holds (``has_*``, from
    what it shows), so nothing of the pack inputs is worked out here. For each kind the link
    shows the latest published version, else the build asked for last; the download itself
    finds the pack for the meeting as it is now (``pack_request``). The meeting is one the
    viewer may see; ``has_minutes``, minutes the viewer may read (as ``kinds_for``)."""
    audience = visibility.audience_of(user)
    kinds = []
    if has_agenda:
        kinds += [Pack.Kind.PUBLIC, Pack.Kind.FRONT_SHEET]
        if has_exempt_papers and audience >= visibility.pack_audience(Pack.Kind.MEMBERS):
            kinds.append(Pack.Kind.MEMBERS)
    if has_minutes:
        kinds.append(Pack.Kind.MINUTES)
    rows = (
        list(
            Pack.objects.filter(meeting=meeting)
            .only(
                "kind", "version", "state", "page_count", "size_bytes", "requested_at", "frozen_at"
            )
            .order_by("kind", F("version").desc(nulls_last=True), "-requested_at")
        )
        if has_packs
        else []
    )
    supplement_versions = {
        p.version for p in rows if p.kind == Pack.Kind.SUPPLEMENT and p.version is not None
    }
    versioned = meeting.is_public
    latest: dict[str, Pack] = {}
    earlier: list[PublishedVersion] = []
    for pack in rows:  # versions first, newest first, then unversioned builds newest first
        if pack.kind not in kinds:
            continue
        if pack.version is not None:
            if not versioned or pack.kind not in VERSIONED_KINDS:
                continue
            if pack.kind in latest:
                earlier.append(_published(meeting, pack))
                continue
        latest.setdefault(pack.kind, pack)
    earlier.sort(key=lambda r: r.published, reverse=True)
    links = [
        PackLink(
            kind=kind,
            label=KINDS[kind].label,
            url=pack_url(meeting, kind),
            state=latest[kind].state if kind in latest else "",
            page_count=latest[kind].page_count if kind in latest else None,
            size_bytes=latest[kind].size_bytes if kind in latest else None,
        )
        for kind in kinds
    ]
    return PagePacks(links=links, earlier=earlier, supplement_versions=supplement_versions)


def _published(meeting: Meeting, pack: Pack) -> PublishedVersion:
    return PublishedVersion(
        label=f"{KINDS[pack.kind].label}, version {pack.version}",
        url=reverse(
            "pack-version-download",
            kwargs={"slug": meeting.slug, "kind": KINDS[pack.kind].slug, "version": pack.version},
        ),
        state=pack.state,
        published=pack.frozen_at or pack.requested_at,
        page_count=pack.page_count,
    )


def pack_states(*, meeting: Meeting, user) -> list[dict]:
    """The build state of each pack the viewer may download; clerks also see errors, notes and
    attempts, so they know what a build is doing and why one failed."""
    clerk = roles.sees_unpublished(user)
    answer = []
    material, links = _links(meeting, user)
    for link in links:
        entry = {
            "kind": link.kind,
            "label": link.label,
            "url": link.url,
            "state": link.state or "not built",
            "page_count": link.page_count,
            "size_bytes": link.size_bytes,
        }
        if clerk:
            try:
                digest = inputs_hash(kind_inputs(material, link.kind))
            except PackNotAvailable:  # a published version of what is no longer there
                digest = ""
            pack = Pack.objects.filter(meeting=meeting, kind=link.kind, inputs_hash=digest).first()
            latest = (
                Pack.objects.filter(meeting=meeting, kind=link.kind)
                .ready()
                .order_by("-finished_at")
                .first()
            )
            entry.update(
                {
                    "inputs_hash": digest,
                    "up_to_date": pack is not None and pack.is_ready,
                    "error": pack.error if pack else "",
                    "notes": pack.notes if pack else material.notes,
                    "attempts": pack.attempts if pack else 0,
                    "requested_at": pack.requested_at.isoformat() if pack else None,
                    "started_at": pack.started_at.isoformat() if pack and pack.started_at else None,
                    "finished_at": pack.finished_at.isoformat()
                    if pack and pack.finished_at
                    else None,
                    "build_seconds": pack.build_seconds if pack else None,
                    "stale": bool(pack and is_stale(pack)),
                    "last_ready": (
                        {
                            "finished_at": latest.finished_at.isoformat(),
                            "page_count": latest.page_count,
                        }
                        if latest
                        else None
                    ),
                }
            )
        answer.append(entry)
    return answer
