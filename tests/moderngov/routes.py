"""Who may request each route this area adds: cases for the access matrix
(tests/test_access_matrix.py), in that module's own ``Case`` type and with its ``World`` rows.

The ModernGov web service answers everyone alike, as the public: a draft meeting is not found
even by a clerk, because the service only ever shows what the public may see."""

from __future__ import annotations

from meetings.moderngov.models import NATIVE_ID_BASE

EVERYONE_200 = dict.fromkeys(("anonymous", "member", "clerk", "admin"), 200)
EVERYONE_404 = dict.fromkeys(("anonymous", "member", "clerk", "admin"), 404)


def _cases(case, name: str, prefix: str) -> list:
    def url(operation: str):
        return lambda w: f"/{prefix}/{operation}"

    return [
        case(url("GetCommittees"), EVERYONE_200, "committees"),
        case(url("GetMeetings?lCommitteeId=0&sFromDate=0&sToDate=0"), EVERYONE_200, "meetings"),
        case(
            lambda w: f"/{prefix}/GetMeeting?lMeetingId={NATIVE_ID_BASE + w.seed.pk}",
            EVERYONE_200,
            "seed meeting",
        ),
        case(
            lambda w: f"/{prefix}/GetMeeting?lMeetingId={NATIVE_ID_BASE + w.draft.pk}",
            EVERYONE_404,
            "draft meeting: never shown, whoever asks",
        ),
        case(
            lambda w: f"/{prefix}/GetCommitteesByUser?lUserId={NATIVE_ID_BASE + w.person.pk}",
            EVERYONE_200,
            "committees of a person",
        ),
        case(url("GetMemberGroup"), EVERYONE_200, "members"),
        case(url("GetCouncillorsByWard"), EVERYONE_200, "by ward"),
        case(url("NoSuchOperation"), EVERYONE_404, "unknown operation"),
    ]


def routes(case) -> dict[str, list]:
    return {
        "moderngov-service": _cases(case, "moderngov-service", "mgWebService.asmx"),
        "moderngov-service-lower": _cases(case, "moderngov-service-lower", "mgwebservice.asmx"),
    }
