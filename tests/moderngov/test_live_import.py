"""Importing from a live ModernGov site: the same answers served over HTTP by a small stand-in
server, documents fetched from their linked addresses, an unreachable one reported."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from meetings.moderngov.importer import SiteSource, import_moderngov, source_for
from meetings.moderngov.models import ModernGovId
from reports.models import Report

pytestmark = pytest.mark.django_db
SAMPLES = Path(__file__).resolve().parents[2] / "fixtures" / "moderngov"
ANSWERS = {
    "GetCommittees": "committees.xml",
    "GetMeetings": "meetings.xml",
    "GetMeeting:4967": "meeting_with_minutes.xml",
    "GetMeeting:4966": "meeting_no_minutes.xml",
}


@pytest.fixture
def site():
    """A stand-in ModernGov site on a free port; it records what it was asked."""
    asked: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_GET(self):
            url = urlsplit(self.path)
            query = parse_qs(url.query)
            asked.append(self.path)
            body, kind = None, "text/xml; charset=utf-8"
            if url.path.startswith("/mgWebService.asmx/"):
                operation = url.path.rsplit("/", 1)[1]
                key = operation + (f":{query['lMeetingId'][0]}" if "lMeetingId" in query else "")
                name = ANSWERS.get(key)
                if name:
                    body = (
                        (SAMPLES / name)
                        .read_bytes()
                        .replace(b"https://democracy.manchester.gov.uk", base.encode())
                    )
            elif url.path == "/mgConvert2PDF.aspx" and query.get("ID") == ["60860"]:
                body, kind = (SAMPLES / "documents" / "60860.pdf").read_bytes(), "application/pdf"
            if body is None:
                self.send_error(404)
                return
            self.send_response(200)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    base = f"http://127.0.0.1:{server.server_port}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield base, asked
    server.shutdown()
    server.server_close()


def test_a_live_site_is_read_and_an_unreachable_document_reported(site):
    base, asked = site
    source = source_for(f"{base}/mgWebService.asmx")
    assert isinstance(source, SiteSource)
    summary = import_moderngov(source)
    assert "/mgWebService.asmx/GetMeetings?lCommitteeId=0&sFromDate=0&sToDate=0" in asked
    assert "/mgWebService.asmx/GetMeeting?lMeetingId=4967" in asked
    assert summary.added["meetings"] == 2
    assert summary.added["documents"] == 1
    assert summary.skipped == [
        (
            "document 60909 ('DRAFT WP  FEBRUARY 2026') of meeting 4967 (10/02/2026)",
            f"could not be fetched: HTTP 404 from {base}/mgConvert2PDF.aspx?ID=60909",
        )
    ]
    report = Report.objects.get(
        pk=ModernGovId.objects.get(kind="document", moderngov_id=60860).object_id
    )
    assert report.original_filename == "60860.pdf"


def test_an_unreachable_site_is_reported_and_nothing_written(db):
    summary = import_moderngov(SiteSource("http://127.0.0.1:9"))
    assert [what for what, _ in summary.skipped] == ["GetCommittees", "GetMeetings"]
    assert "could not reach" in summary.skipped[0][1]
    assert not ModernGovId.objects.exists()


def test_a_document_on_another_host_is_not_fetched():
    from meetings.moderngov.importer import Unreachable
    from meetings.moderngov.parse import Document

    source = SiteSource("https://democracy.example.gov.uk/mgWebService.asmx")
    doc = Document(
        id=1, title="x", url="http://169.254.169.254/latest/meta-data", is_url=False,
        is_restricted=False, restrictions_ref="", position=1, publication_date=None,
    )  # fmt: skip
    with pytest.raises(Unreachable, match=r"is not on democracy\.example\.gov\.uk"):
        source.document(doc)
