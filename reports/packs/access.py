"""Who may have which pack: asked of ``meetings.visibility`` (the meeting, the minutes, and the
audience a members' pack needs), never decided here."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser

from meetings import visibility
from meetings.models import Meeting, Minutes

from ..models import Pack


def kinds_for(*, meeting: Meeting, user) -> list[str]:
    """The kinds of pack this viewer may have, in the order a reader wants them: none of a
    meeting the viewer may not see; the members' pack only for those who may read exempt
    papers; the printed minutes only for those who may read the minutes."""
    audience = visibility.audience_of(user)
    if not Meeting.objects.filter(visibility.meeting_q(audience), pk=meeting.pk).exists():
        return []
    kinds = [Pack.Kind.PUBLIC, Pack.Kind.FRONT_SHEET]
    if audience >= visibility.pack_audience(Pack.Kind.MEMBERS):
        kinds.append(Pack.Kind.MEMBERS)
    if Minutes.objects.filter(visibility.minutes_q(audience), meeting=meeting).exists():
        kinds.append(Pack.Kind.MINUTES)
    return kinds


def viewer_may_have(*, meeting: Meeting, kind: str, user) -> bool:
    """Whether this viewer may have a pack of this kind; a supplementary agenda's pack goes with
    the public pack (it holds only public papers)."""
    if kind == Pack.Kind.SUPPLEMENT:
        kind = Pack.Kind.PUBLIC
    return kind in kinds_for(meeting=meeting, user=user)


def is_public_pack(pack: Pack) -> bool:
    """Whether anyone may have this file: a kind the public may have, of a published meeting
    (a supplementary agenda's pack holds only public papers, like the public pack)."""
    kinds = kinds_for(meeting=pack.meeting, user=AnonymousUser())
    if pack.kind == Pack.Kind.SUPPLEMENT:
        return Pack.Kind.PUBLIC in kinds
    return pack.kind in kinds
