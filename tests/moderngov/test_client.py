"""A ModernGov client nobody here wrote (the ``moderngov`` package from PyPI) reads the portal's
web service: committees, meetings, and the seed meeting with its items and documents.

The client caches answers in ./mgq.cache-dir and calls exit(1) on any error, so it runs in a
fresh folder, in its own process, against the portal served on the test database."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest

from meetings.models import Meeting
from meetings.moderngov.models import NATIVE_ID_BASE

pytest.importorskip("moderngov", reason="the moderngov client is a test-only dependency")
pytestmark = pytest.mark.django_db
SEED = "2014-09-22-health-and-well-being-board"

READ = textwrap.dedent(
    """
    import json, sys
    from moderngov.api import ModerngovApi

    api = ModerngovApi(sys.argv[1])
    committees = api.committees.list()
    listing = api.meetings.list()
    meeting = api.meetings.by_meeting_id(int(sys.argv[2]))
    items = meeting["agendaitems"]["agendaitem"]
    print(json.dumps({
        "committees": [c["committeetitle"] for c in committees],
        "committee_ids": [c["committeeid"] for c in committees],
        "listed": [m["meetingid"] for c in listing for m in c["committeemeetings"]["meeting"]],
        "meeting": {k: meeting[k] for k in ("meetingid", "meetingdate", "meetingtime",
                                            "meetingstatus", "meetinglocation")},
        "items": [[i["fulldisplaynumberformat"], i["agendaitemtitle"]] for i in items],
        "documents": {
            i["fulldisplaynumberformat"]: [[d["title"], d["url"]] for d in
                                           (i["linkeddocuments"] or {}).get("linkeddoc", [])]
            for i in items
        },
        "attendees": [a["@name"] for a in meeting["attendees"]["attendee"]],
    }))
    """
)


def run_client(args: list[str], cwd) -> subprocess.CompletedProcess:
    return subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=120, check=False)


def test_the_moderngov_client_reads_committees_meetings_and_the_seed_meeting(
    portal_url, tmp_path, client
):
    seed = Meeting.objects.get(slug=SEED)
    seed_id = NATIVE_ID_BASE + seed.pk
    done = run_client([sys.executable, "-c", READ, portal_url, str(seed_id)], tmp_path)
    assert done.returncode == 0, done.stderr
    read = json.loads(done.stdout)
    assert read["committees"] == [
        "Coventry Health and Well-being Board",
        "Health and Social Care Scrutiny Board",
    ]
    assert str(seed_id) in read["listed"]
    draft = Meeting.objects.get(slug="2015-09-09-health-and-social-care-scrutiny-board")
    assert str(NATIVE_ID_BASE + draft.pk) not in read["listed"]
    assert read["meeting"] == {
        "meetingid": str(seed_id),
        "meetingdate": "22/09/2014",
        "meetingtime": "2.00 pm",
        "meetingstatus": "Confirmed",
        "meetinglocation": "Diamond Room 2 - Council House",
    }
    assert [number for number, _ in read["items"]] == [
        "1.", "2.", "3.", "3(a)", "3(b)", "4.", "5.", "6.", "7.",
    ]  # fmt: skip
    assert read["items"][5] == ["4.", "Better Care Fund Update"]
    assert len(read["documents"]["4."]) == 3
    assert len(read["documents"]["6."]) == 3
    title, url = read["documents"]["4."][0]
    assert title.startswith("Better Care Fund (BCF)")
    assert url.startswith(f"{portal_url}/documents/")
    assert client.get(url.removeprefix(portal_url)).status_code == 200
    assert read["attendees"]  # the board's members
    assert (tmp_path / "mgq.cache-dir").is_dir()  # it ran in its own folder


def test_the_moderngov_command_line_prints_the_seed_meeting(portal_url, tmp_path):
    seed = Meeting.objects.get(slug=SEED)
    seed_id = NATIVE_ID_BASE + seed.pk
    command = [sys.executable, "-m", "moderngov.mgq", portal_url, "-S", str(seed_id)]
    done = run_client(command, tmp_path)
    assert done.returncode == 0, done.stderr
    assert "Meeting" in done.stdout and "22/09/2014" in done.stdout
    assert "Better Care Fund Update" in done.stdout
    assert "Attendees:" in done.stdout
    listing = run_client([sys.executable, "-m", "moderngov.mgq", portal_url, "-b"], tmp_path)
    assert listing.returncode == 0, listing.stderr
    assert "Coventry Health and Well-being Board" in listing.stdout
