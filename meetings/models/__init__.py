"""Committees, people, meetings, agendas and minutes: the domain of DESIGN.md.

One module a part of the domain: ``people`` (the council's settings, people, committees and
memberships), ``agenda`` (meetings and their items), ``minutes`` (minutes, attendance,
resolutions, declarations) and ``records`` (the audit log, summonses, supplements). The search
index's rows (``meetings.models_search``) and the ModernGov id map
(``meetings.moderngov.models``) are models of this app too.

Who may see a row is decided in ``meetings.visibility``; each model's queryset asks it through
``visible_to(user)``.
"""

# The search index's rows and the ModernGov id map: models of this app kept beside the features
# they serve, imported here so that Django finds them.
from ..models_search import Passage
from ..moderngov.models import ModernGovId
from .agenda import (
    EXEMPTION_CHOICES,
    SCHEDULE_12A_PARAGRAPHS,
    AgendaItem,
    AgendaItemQuerySet,
    Meeting,
    MeetingAddress,
    MeetingQuerySet,
    Part,
    exemption_constraints,
)
from .alerts import AlertAddress, AlertEvent, AlertSubscription
from .interests import (
    DISCLOSABLE_PECUNIARY,
    InterestCategory,
    InterestEntry,
    InterestVersion,
    InterestVersionQuerySet,
)
from .minutes import (
    Attendance,
    Declaration,
    DeclarationQuerySet,
    MinuteItem,
    MinuteItemQuerySet,
    Minutes,
    MinutesQuerySet,
    Resolution,
    ResolutionQuerySet,
)
from .people import Committee, Membership, Person, PortalSettings
from .plans import (
    CallInState,
    DecisionMakerKind,
    DecisionRecord,
    DecisionRecordQuerySet,
    Notice,
    NoticeQuerySet,
    PlanEntry,
    PlanEntryQuerySet,
    PlanEntryVersion,
    Ward,
)
from .records import AuditEntry, Summons, Supplement
from .votes import RecordedVote, RecordedVoteQuerySet, VoteCast

__all__ = [
    "DISCLOSABLE_PECUNIARY",
    "EXEMPTION_CHOICES", "SCHEDULE_12A_PARAGRAPHS", "AgendaItem", "AgendaItemQuerySet",
    "AlertAddress", "AlertEvent", "AlertSubscription",
    "Attendance", "AuditEntry", "CallInState", "Committee", "DecisionMakerKind", "DecisionRecord",
    "DecisionRecordQuerySet", "Declaration", "DeclarationQuerySet",
    "InterestCategory", "InterestEntry", "InterestVersion", "InterestVersionQuerySet",
    "Meeting", "MeetingAddress",
    "MeetingQuerySet", "Membership", "MinuteItem", "MinuteItemQuerySet", "Minutes",
    "MinutesQuerySet", "ModernGovId", "Notice", "NoticeQuerySet", "Part", "Passage", "Person",
    "PlanEntry", "PlanEntryQuerySet", "PlanEntryVersion", "PortalSettings", "RecordedVote",
    "RecordedVoteQuerySet", "Resolution", "ResolutionQuerySet", "Summons", "Supplement", "VoteCast",
    "Ward", "exemption_constraints",
]  # fmt: skip
