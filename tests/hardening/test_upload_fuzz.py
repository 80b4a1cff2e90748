"""The clerk's upload page fuzzed with hypothesis: random bytes, truncated and damaged PDFs,
wrong extensions and hostile file names. Whatever arrives, the answer is never a server error;
a refused file says why and leaves no record and no stored file; an accepted one is stored
under its hash, never under the name it came with."""

from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from meetings.models import AgendaItem
from reports.models import Report
from tests.conftest import pdf_bytes
from tests.hardening.active_pdfs import KINDS, active_left, make

pytestmark = pytest.mark.django_db

GOOD = pdf_bytes("Better Care Fund quarterly return", "Appendix 1: the figures")

HOSTILE_NAMES = [
    "../../../../etc/passwd.pdf",
    "..\\..\\windows\\system32\\report.pdf",
    "/var/www/report.pdf",
    "report\x00.pdf",
    "report.pdf\x00.exe",
    "report.pdf.exe",
    "report.exe",
    "report",
    ".pdf",
    "CON.pdf",
    "a" * 1000 + ".pdf",
    "x" * 300,
    "Réunion du conseil – annexe.pdf",
    "报告.pdf",
    "\u202eexe.pdf",  # right-to-left override
    '<script>alert("x")</script>.pdf',
    "%2e%2e%2fsecret.pdf",
    "report\r\nContent-Type: text/html.pdf",
    "   .pdf",
]

names = st.one_of(
    st.sampled_from(HOSTILE_NAMES),
    st.builds(
        lambda stem, ext: stem + ext,
        st.text(min_size=1, max_size=120),
        st.sampled_from([".pdf", ".PDF", ".pdf.exe", ".exe", ".docx", ""]),
    ),
)


def _flip(data: bytes, positions: list[int]) -> bytes:
    out = bytearray(data)
    for position in positions:
        out[position % len(out)] ^= 0xFF
    return bytes(out)


contents = st.one_of(
    st.binary(max_size=4096),
    st.builds(lambda tail: b"%PDF-1.7\n" + tail, st.binary(max_size=4096)),
    st.builds(lambda n: GOOD[:n], st.integers(min_value=0, max_value=len(GOOD))),
    st.builds(lambda pos: _flip(GOOD, pos), st.lists(st.integers(0, 10**6), max_size=8)),
    st.just(GOOD),
)


def stored_files() -> set[str]:
    root = Path(django_settings.MEDIA_ROOT)
    return {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()}


@pytest.fixture
def upload(client_as, seed_meeting):
    clerk = client_as("clerk")
    item = AgendaItem.objects.get(meeting=seed_meeting, number="4", parent=None)
    url = reverse("workspace-upload", args=[item.pk])

    def post(name: str, data: bytes, title: str = "Quarterly return"):
        file = SimpleUploadedFile(name, data, content_type="application/pdf")
        return clerk.post(url, {"file": file, "title": title, "kind": "report"})

    return post


FUZZ = settings(
    max_examples=60,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def check_one(upload, name: str, data: bytes) -> None:
    reports, files = Report.objects.count(), stored_files()
    response = upload(name, data)
    assert response.status_code in (200, 302), response.status_code
    if response.status_code == 302:
        # Accepted: one record, its file stored under the content's hash.
        assert Report.objects.count() == reports + 1
        report = Report.objects.latest("pk")
        assert report.file.name.startswith("reports/") and report.file.name.endswith(".pdf")
        assert report.sha256 in report.file.name
        assert stored_files() - files <= {report.file.name}
    else:
        html = response.content.decode()
        assert "govuk-error-message" in html or 'class="field-error"' in html
        assert Report.objects.count() == reports
        assert stored_files() == files


@FUZZ
@given(name=names, data=contents)
def test_any_file_under_any_name_is_refused_or_stored_safely(upload, name, data):
    check_one(upload, name, data)


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_a_good_pdf_under_a_hostile_name_is_stored_under_its_hash(upload, name):
    check_one(upload, name, GOOD)


def test_random_bytes_named_pdf_are_refused_as_not_a_pdf(upload):
    response = upload("agenda.pdf", b"\x89PNG\r\n\x1a\n not a pdf at all")
    assert "This file is not a PDF" in response.content.decode()


def test_a_truncated_pdf_is_refused_as_damaged(upload):
    response = upload("agenda.pdf", GOOD[: len(GOOD) // 3])
    assert "damaged" in response.content.decode()


# Structure-aware: actions and annotations put into a valid paper where readers look for them.

ACTION_TYPES = [
    "JavaScript", "Launch", "GoToR", "GoToE", "SubmitForm", "ImportData", "ResetForm",
    "Rendition", "Movie", "Sound", "Hide", "Named", "SetOCGState", "Trans", "URI", "GoTo",
    "RichMediaExecute", "Thread", "NoSuchAction",
]  # fmt: skip
URIS = [
    "javascript:app.alert(1)", " JavaScript:void(0)", "file:///etc/passwd", "\\\\host\\share\\x",
    "data:text/html,<script>", "https://www.coventry.gov.uk/", "mailto:clerk@coventry.gov.uk",
    "vbscript:msgbox", "report.pdf",
]  # fmt: skip
PLACES = ["open", "catalog_aa", "page_aa", "link", "widget", "bookmark", "names", "stray"]

actions = st.recursive(
    st.fixed_dictionaries(
        {
            "S": st.sampled_from(ACTION_TYPES),
            "JS": st.none() | st.just("app.alert(1)"),
            "URI": st.sampled_from(URIS),
            "N": st.sampled_from(["NextPage", "Print", "SaveAs", "FirstPage"]),
        }
    ),
    lambda inner: st.fixed_dictionaries(
        {
            "S": st.sampled_from(ACTION_TYPES),
            "JS": st.none() | st.just("this.print()"),
            "URI": st.sampled_from(URIS),
            "N": st.just("NextPage"),
            "Next": st.lists(inner, min_size=1, max_size=3),
        }
    ),
    max_leaves=6,
)


def _action(pdf, spec: dict):
    import pikepdf

    action = pikepdf.Dictionary(S=pikepdf.Name("/" + spec["S"]))
    if spec["S"] == "URI":
        action.URI = pikepdf.String(spec["URI"])
    if spec["S"] == "Named":
        action.N = pikepdf.Name("/" + spec["N"])
    if spec["S"] == "GoTo":
        action.D = [pdf.pages[-1].obj, pikepdf.Name.Fit]
    if spec["JS"]:
        action.JS = pikepdf.String(spec["JS"])
    if spec.get("Next"):
        action.Next = pikepdf.Array([_action(pdf, n) for n in spec["Next"]])
    return pdf.make_indirect(action)


def _insert(data: bytes, inserts: list[tuple[str, dict]]) -> bytes:
    import io

    import pikepdf

    with pikepdf.open(io.BytesIO(data)) as pdf:
        page = pdf.pages[0].obj
        for place, spec in inserts:
            action = _action(pdf, spec)
            if place == "open":
                pdf.Root.OpenAction = action
            elif place == "catalog_aa":
                pdf.Root.AA = pikepdf.Dictionary(WC=action)
            elif place == "page_aa":
                page.AA = pikepdf.Dictionary(O=action)
            elif place in ("link", "widget"):
                annot = pikepdf.Dictionary(
                    Type=pikepdf.Name.Annot, Rect=[10, 10, 50, 50], A=action,
                    Subtype=pikepdf.Name.Link if place == "link" else pikepdf.Name.Widget,
                )  # fmt: skip
                if place == "widget":
                    annot.FT, annot.AA = pikepdf.Name.Btn, pikepdf.Dictionary(U=action)
                page.Annots = pikepdf.Array([*page.get("/Annots", []), pdf.make_indirect(annot)])
            elif place == "bookmark":
                with pdf.open_outline() as outline:
                    outline.root.append(pikepdf.OutlineItem("Item", 0))
                first = pdf.Root.Outlines.First
                if "/Dest" in first:
                    del first["/Dest"]  # a bookmark has a destination or an action, not both
                first.A = action
            elif place == "names":
                pdf.Root.Names = pikepdf.Dictionary(
                    JavaScript=pikepdf.Dictionary(Names=[pikepdf.String("x"), action])
                )
            else:  # somewhere no reader looks for an action
                page.PieceInfo = pikepdf.Dictionary(Anything=action)
        out = io.BytesIO()
        pdf.save(out)
    return out.getvalue()


@FUZZ
@given(inserts=st.lists(st.tuples(st.sampled_from(PLACES), actions), min_size=1, max_size=4))
def test_actions_put_anywhere_are_taken_out(upload, inserts):
    data = _insert(GOOD, inserts)
    response = upload("crafted.pdf", data, title="Crafted")
    # Whatever was put in, and wherever, the paper is accepted with it taken out.
    assert response.status_code == 302, response.content.decode()[-3000:]
    report = Report.objects.latest("pk")
    assert active_left(report.file.open("rb").read()) == []
    report.delete()  # the next example may be the same file


@FUZZ
@given(kinds=st.sets(st.sampled_from(sorted(KINDS)), min_size=1))
def test_every_combination_of_the_corpus_is_stored_neutralised(upload, kinds):
    response = upload("combined.pdf", make(*sorted(kinds)), title="Combined")
    assert response.status_code == 302
    report = Report.objects.latest("pk")
    assert report.removed_content
    assert active_left(report.file.open("rb").read()) == []
    report.delete()
