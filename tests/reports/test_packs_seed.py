"""The seed meeting's agenda pack, read back page by page, against the seed pack itself.

Every expectation here is copied by hand from ``shared/seed/000_9dd27aba0050238b.txt`` (lines
1-65 the front sheet, 66-275 the minutes) and from ``fixtures/reports/manifest.json`` (which
pack pages each uploaded report filled in the seed). The pack is built once for the module.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
from pathlib import Path

import pikepdf
import pypdfium2
import pytest
from django.conf import settings
from django.core.files.storage import default_storage
from django.db import transaction

from meetings.models import Meeting
from reports.models import Pack, Report
from reports.packs import build_pack_pdf, pack_inputs
from tests.conftest import SEED_SLUG

from .pdf_reading import flat, in_order, outline, overlaps, page_count, read_pages

FIXTURES = Path(settings.BASE_DIR) / "fixtures" / "reports"

# The seed's front sheet (lines 1-65), in order and as worded. The seed's text lost the dashes
# of "(Pages 3 - 10)" and "(Pages 11 - 20)"; it prints "(Pages 21 - 94)" with its dash.
SEED_FRONT_SHEET = [
    "Public Document Pack",
    "Agenda",
    "Coventry Health and Well-being Board",
    "Time and Date",
    "2.00 pm on Monday, 22nd September, 2014",
    "Place",
    "Diamond Room 2 - Council House",
    "Public Business",
    "1. Welcome and Apologies for Absence",
    "2. Declarations of Interest",
    "3. Minutes of Previous Meeting",
    "(a) To agree the minutes of the meeting held on 7th July, 2014 (Pages 3 - 10)",
    "(b) Matters Arising",
    "4. Better Care Fund Update (Pages 11 - 20)",
    "Progress Update",
    "Better Care Fund Resubmission",
    "Short Term Support to Maximise Independence Update",
    "Integrated Neighbourhood Teams Update",
    "Report of Linda Sanders, Social Care Consultant Integration Lead, Coventry City Council",
    "5. Coventry and Rugby Clinical Commissioning Group - Commissioning Intentions",
    "Juliet Hancox, Chief Operating Officer, Coventry and Rugby CCG will report at the meeting.",
    "6. The Annual Reports of the Coventry Safeguarding Adults Board and the Coventry "
    "Safeguarding Children Board (Pages 21 - 94)",
    "Report of the Brian Walsh, Executive Director, People",
    "7. Any other items of public business",
    "Any other items of public business which the Chair decides to take as matters of urgency "
    "because of the special circumstances involved",
    "Private Business",
    "Nil",
    "Chris West, Executive Director, Resources, Council House Coventry",
    "Friday, 12 September 2014",
    "Note: The person to contact about the agenda and documents for this meeting is Liz Knight",
    "Membership: S Allen, S Banbury, C Bell, Councillor K Caan, A Canale-Parola, G Daly, "
    "Councillor A Gingell (Chair), A Hardy, S Kumar, R Light, Councillor A Lucas, J Mason, "
    "J Moore, R Newson, S Price, Councillor E Ruane, Councillor K Taylor, B Walsh and J Waterman",
    "Please note: a hearing loop is available in the committee rooms",
    "If you require a British Sign Language interpreter for this meeting OR it you would like "
    "this information in another format or language please contact us.",
    "Liz Knight",
    "Telephone: (024) 7683 3073",
    "e-mail: liz.knight@coventry.gov.uk",
]

# The seed's page references and where its "Agenda Item" stamps stand.
SEED_REFERENCES = {"3a": (3, 10), "4": (11, 20), "6": (21, 94)}
SEED_PAGE_COUNT = 94
SEED_FRONT_SHEET_PAGES = 2

# The minutes (lines 66-275), in the seed's format and order.
SEED_MINUTES = [
    "Minutes of the meeting of the Coventry Health and Well-being Board held at 2.00 p.m. on "
    "7th July, 2014",
    "Present:",
    "Board Members:",
    "Councillor Caan",
    "Councillor Gingell (Chair)",
    "Councillor Ruane",
    "Councillor Taylor",
    "Jane Moore, Director of Public Health",
    "Dr Steven Allen, Coventry and Rugby CCG",
    "Andrea Simmonds, West Midlands Fire Service",
    "Other representatives:",
    "Rebecca Elson, Coventry Partnership (Macmillan)",
    "Juliet Hancox, Coventry and Rugby CCG",
    "Employees (by Directorate):",
    "Chief Executive's: R Tennant",
    "People: C Parker, L Sanders",
    "Resources: L Knight",
    "Apologies:",
    "Stephen Banbury, Voluntary Action Coventry",
    "Jon Waterman, West Midlands Fire Service",
    "Public business",
    "1. Welcome",
    "The Chair, Councillor Gingell, welcomed members to the first meeting of the Board in the "
    "current municipal year.",
    "2. Declarations of Interest",
    "There were no declarations of interest.",
    "3. Minutes of Previous Meeting",
    "4. Update on Better Care",
    "Short Term Support to Maximise Independence",
    "RESOLVED that:",
    "(1) The Better Care Fund content; the three main projects; the Integrated Neighbourhood "
    "Team delivery model and deliverables for Coventry be supported.",
    "(2) The establishment of the pooled budget arrangements for the £45.843m identified for "
    "2015/16 be endorsed.",
    "5. Coventry and Rugby Clinical Commissioning Group Five Year Strategy 2014 to 2019",
    "RESOLVED that the content of the strategy be noted and the approach to engagement be "
    "supported.",
    "6. Macmillan and Coventry City Council Partnership",
    "7. Age Friendly City",
    "8. Criminal Justice Liaison System",
    "9. 2014/15 Quality Premium Indicators",
    "10. Any Other Items of Public Business – Visit by Sir Andrew Dillon",
]


@pytest.fixture(scope="module")
def seed_builds(django_db_setup, django_db_blocker, tmp_path_factory) -> dict[str, bytes]:
    """The seed meeting's public pack and its agenda front sheet, built once; nothing the
    builds write to the database is kept."""
    folder = tmp_path_factory.mktemp("seed-pack")
    with django_db_blocker.unblock(), transaction.atomic():
        meeting = Meeting.objects.get(slug=SEED_SLUG)
        for kind in (Pack.Kind.PUBLIC, Pack.Kind.FRONT_SHEET):
            build_pack_pdf(pack_inputs(meeting=meeting, kind=kind), folder / f"{kind}.pdf")
        transaction.set_rollback(True)
    return {kind: (folder / f"{kind}.pdf").read_bytes() for kind in ("public", "front_sheet")}


@pytest.fixture(scope="module")
def seed_pack(seed_builds) -> bytes:
    return seed_builds["public"]


@pytest.fixture(scope="module")
def seed_front_sheet(seed_builds) -> bytes:
    return seed_builds["front_sheet"]


@pytest.fixture(scope="module")
def pages(seed_pack):
    return read_pages(seed_pack)


def test_the_pack_has_the_seeds_94_pages(seed_pack):
    assert page_count(seed_pack) == SEED_PAGE_COUNT


def test_front_sheet_holds_the_seed_agenda_in_order_and_wording(pages):
    front = "\n".join(p.text for p in pages[:SEED_FRONT_SHEET_PAGES])
    assert in_order(front, SEED_FRONT_SHEET) == []
    # Nothing of the documents strays onto the front sheet, and it carries no stamps.
    assert "Minutes of the meeting of the" not in front
    assert [p.stamps() for p in pages[:SEED_FRONT_SHEET_PAGES]] == [[], []]


def test_each_page_reference_is_exact(pages):
    front = flat(" ".join(p.text for p in pages[:SEED_FRONT_SHEET_PAGES]))
    references = [tuple(map(int, m)) for m in re.findall(r"\(Pages (\d+) - (\d+)\)", front)]
    assert references == list(SEED_REFERENCES.values())
    stamped = {
        p.number: p.stamp(r"Agenda Item \S+")[0].removeprefix("Agenda Item ")
        for p in pages
        if p.stamp(r"Agenda Item \S+")
    }
    # Page X starts with its item's stamp; page Y is its last (the next page starts the next
    # item, or the pack ends).
    assert stamped == {first: item for item, (first, _) in SEED_REFERENCES.items()}
    starts = sorted(stamped)
    for item, (first, last) in SEED_REFERENCES.items():
        following = [s for s in starts if s > first]
        assert last == (following[0] - 1 if following else len(pages)), item


def test_every_page_after_the_front_sheet_carries_its_own_number(pages):
    for page in pages[SEED_FRONT_SHEET_PAGES:]:
        found = page.stamp(r"Page \d+")
        assert found is not None, page.number
        text, box = found
        assert text == f"Page {page.number}"
        centre = (box[0] + box[2]) / 2
        assert abs(centre - page.width / 2) < 1.5, page.number
        assert box[1] >= 0 and box[3] <= 40, page.number


def test_stamps_stand_inside_the_page_over_no_text(pages):
    for page in pages[SEED_FRONT_SHEET_PAGES:]:
        for text, box in page.stamps():
            assert box[0] >= 0 and box[2] <= page.width, (page.number, text)
            assert box[1] >= 0 and box[3] <= page.height, (page.number, text)
            clashes = [b for b in page.own_text_boxes() if overlaps(b, box)]
            assert clashes == [], (page.number, text)


def test_each_uploaded_page_stands_at_the_page_the_front_sheet_promises(pages):
    manifest = json.loads((FIXTURES / "manifest.json").read_text())
    for entry in manifest:
        first, last = map(int, entry["seed_pages"].split("-"))
        original = pypdfium2.PdfDocument(FIXTURES / entry["file"])
        assert len(original) == last - first + 1
        for offset in range(len(original)):
            page = pages[first - 1 + offset]
            source = original[offset]
            own = source.get_textpage().get_text_range().replace("\r\n", "\n")
            assert flat(own) in flat(page.text), (entry["file"], offset + 1)
            assert (round(page.width, 1), round(page.height, 1)) == tuple(
                round(v, 1) for v in source.get_size()
            )
        original.close()


def test_the_minutes_are_printed_in_the_seeds_format(pages):
    first, last = SEED_REFERENCES["3a"]
    minutes = "\n".join(p.text for p in pages[first - 1 : last])
    assert in_order(minutes, SEED_MINUTES) == []
    assert pages[first - 1].stamp("Agenda Item 3a") is not None
    assert flat(pages[last - 1].text).endswith("(Meeting closed at: 4.10 p.m.) Page 10")


def test_a_bookmark_per_agenda_item_and_per_document(seed_pack):
    marks = [(depth, title, page) for depth, title, page in outline(seed_pack) if depth <= 2]
    expected = [
        (0, "Agenda front sheet", 1),
        (0, "1. Welcome and Apologies for Absence", 1),
        (0, "2. Declarations of Interest", 1),
        (0, "3. Minutes of Previous Meeting", 1),
        (1, "(a) To agree the minutes of the meeting held on 7th July, 2014", 3),
        (2, "Minutes of the meeting held on 7th July, 2014", 3),
        (1, "(b) Matters Arising", 1),
        (0, "4. Better Care Fund Update", 11),
        (1, "Better Care Fund (BCF) – Coventry Resubmission", 11),
        (1, "Appendix One – Better Care Projects", 15),
        (1, "Appendix Two – Better Care Fund Governance Structure (proposed)", 20),
        (0, "5. Coventry and Rugby Clinical Commissioning Group - Commissioning Intentions", 1),
        (
            0,
            "6. The Annual Reports of the Coventry Safeguarding Adults Board and the Coventry "
            "Safeguarding Children Board",
            21,
        ),
        (
            1,
            "The Annual Reports of the Coventry Safeguarding Adults Board and the Coventry "
            "Safeguarding Children Board",
            21,
        ),
        (1, "Coventry Safeguarding Children Board Annual Report 2013/2014", 23),
        (1, "Coventry Safeguarding Adults Board Annual Report 2013-14", 71),
        (0, "7. Any other items of public business", 1),
    ]
    # The uploads' own bookmarks are carried too, folded under their document, on their pages.
    assert [m for m in marks if m[0] <= 1 or m[1].startswith("Minutes")] == expected
    carried = [m for m in outline(seed_pack) if m[0] >= 2 and not m[1].startswith("Minutes")]
    assert carried and all(11 <= page <= 94 for _, _, page in carried)


def test_title_author_subject_and_no_false_accessibility_claim(seed_pack):
    with pikepdf.open(io.BytesIO(seed_pack)) as pdf:
        info = pdf.docinfo
        assert (
            str(info.Title)
            == "Coventry Health and Well-being Board, 22 September 2014: agenda pack"
        )
        assert str(info.Author) == "Coventry City Council"
        assert "2.00 pm on Monday, 22nd September, 2014" in str(info.Subject)
        meta = pdf.open_metadata()
        assert meta["dc:title"] == str(info.Title)
        # The uploads were not made to PDF/UA, so the pack claims neither PDF/UA nor PDF/A.
        assert "pdfuaid:part" not in meta
        assert "pdfaid:part" not in meta
        assert str(pdf.Root.Lang) == "en-GB"
        assert pdf.Root.ViewerPreferences.DisplayDocTitle is True


def test_every_page_is_in_the_structure_tree_and_no_key_is_stale(seed_pack):
    with pikepdf.open(io.BytesIO(seed_pack)) as pdf:
        root = pdf.Root.StructTreeRoot
        nums = root.ParentTree.Nums
        keys = {int(nums[i]) for i in range(0, len(nums), 2)}
        for page in pdf.pages:
            assert int(page.obj.StructParents) in keys
            for annot in page.obj.get("/Annots", []):
                if "/StructParent" in annot:
                    assert int(annot.StructParent) in keys
        assert int(root.ParentTreeNextKey) > max(keys)
        document = root.K[0]
        sections = [kid for kid in document.K if kid.S == "/Sect"]
        assert [str(s.T) for s in sections] == [
            "Better Care Fund (BCF) – Coventry Resubmission",
            "Appendix One – Better Care Projects",
            "Appendix Two – Better Care Fund Governance Structure (proposed)",
            "The Annual Reports of the Coventry Safeguarding Adults Board and the Coventry "
            "Safeguarding Children Board",
            "Coventry Safeguarding Children Board Annual Report 2013/2014",
            "Coventry Safeguarding Adults Board Annual Report 2013-14",
        ]


def test_the_front_sheet_alone_is_all_the_portals_own_tagged_pages(seed_front_sheet):
    assert page_count(seed_front_sheet) == SEED_FRONT_SHEET_PAGES
    pages = read_pages(seed_front_sheet)
    assert in_order("\n".join(p.text for p in pages), SEED_FRONT_SHEET) == []
    with pikepdf.open(io.BytesIO(seed_front_sheet)) as pdf:
        # Every page is the portal's own, tagged by WeasyPrint: this file may say PDF/UA-1.
        assert pdf.open_metadata()["pdfuaid:part"] == "1"
        assert "/StructTreeRoot" in pdf.Root
        assert str(pdf.docinfo.Title).endswith("agenda front sheet")


def test_the_stored_originals_are_never_changed(seed_pack, seed_meeting):
    reports = Report.objects.filter(agenda_item__meeting=seed_meeting)
    assert reports.count() == 6
    for report in reports:
        with default_storage.open(report.file.name, "rb") as handle:
            assert hashlib.sha256(handle.read()).hexdigest() == report.sha256
        fixture = FIXTURES / report.original_filename
        assert hashlib.sha256(fixture.read_bytes()).hexdigest() == report.sha256
