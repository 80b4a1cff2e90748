"""Stamps on pages of every shape: A3, landscape, rotated (/Rotate), cropped, and pages with
text where a stamp would go. And page references that stay exact when they themselves push
the front sheet onto another page."""

from __future__ import annotations

import datetime as dt
import io
import re

import pikepdf
import pytest
from django.utils import timezone

from meetings.models import AgendaItem, Committee, Meeting
from reports.models import Pack
from reports.packs import build_pack_pdf, pack_inputs
from reports.services import report_create

from .pdf_making import A3, A4, A4_LANDSCAPE, PageSpec, make_pdf
from .pdf_reading import flat, overlaps, read_pages

pytestmark = pytest.mark.django_db

# One uploaded document of eight pages, and how each is seen, worked out by hand:
# (width, height) as seen, and the text that must survive.
MIXED = [
    # A header at the top right, where the "Agenda Item 1" stamp goes.
    (PageSpec(A4, lines=[(72, 420, "Portrait body"), (470, 812, "Header top right")]),
     (595, 842), ["Portrait body", "Header top right"]),
    (PageSpec(A4_LANDSCAPE, lines=[(72, 300, "Landscape body")]), (842, 595), ["Landscape body"]),
    (PageSpec(A3, lines=[(72, 600, "Atlas body")]), (842, 1191), ["Atlas body"]),
    (PageSpec(A4, rotate=90, lines=[(72, 420, "Turned ninety")]), (842, 595), ["Turned ninety"]),
    (PageSpec(A4, rotate=270, crop=(50, 60, 545, 780), lines=[(100, 400, "Cropped and turned")]),
     (720, 495), ["Cropped and turned"]),
    (PageSpec(A4, rotate=180, lines=[(72, 420, "Upside down")]), (595, 842), ["Upside down"]),
    # Text centred at the foot, where "Page N" goes, with a link on it.
    (PageSpec(A4, lines=[(72, 420, "Footer page"), (255, 20, "Footer of the original")],
              link=(250, 15, 370, 32)),
     (595, 842), ["Footer page", "Footer of the original"]),
    # A page turned 90 degrees with upright text at the foot as seen (text matrix turned too).
    (PageSpec(A4, rotate=90, lines=[(72, 300, "Turned with footer")]), (842, 595),
     ["Turned with footer", "Seen footer text"]),
]  # fmt: skip


def _meeting(name: str, slug: str) -> Meeting:
    committee = Committee.objects.create(name=name, slug=slug)
    return Meeting.objects.create(
        committee=committee,
        start=timezone.make_aware(dt.datetime(2015, 3, 2, 14, 0)),
        venue="Committee Room 2",
        status=Meeting.Status.PUBLISHED,
    )


def _mixed_pdf() -> bytes:
    data = make_pdf([spec for spec, _, _ in MIXED])
    # Upright as seen on the last page: the text runs up the page in user space.
    with pikepdf.open(io.BytesIO(data)) as pdf:
        page = pdf.pages[-1]
        extra = b"BT /F1 10 Tf 0 1 -1 0 573 370 Tm (Seen footer text) Tj ET\n"
        page.obj.Contents = pdf.make_stream(page.obj.Contents.read_bytes() + extra)
        out = io.BytesIO()
        pdf.save(out)
    return out.getvalue()


@pytest.fixture
def mixed_pack(tmp_path):
    meeting = _meeting("Planning Committee", "planning-committee")
    item = AgendaItem.objects.create(meeting=meeting, number="1", title="Site plans")
    report_create(agenda_item=item, data=_mixed_pdf(), title="Plans and elevations")
    target = tmp_path / "pack.pdf"
    result = build_pack_pdf(pack_inputs(meeting=meeting, kind=Pack.Kind.PUBLIC), target)
    data = target.read_bytes()
    return result, data, read_pages(data)


def test_every_page_keeps_its_own_size_and_text(mixed_pack):
    result, _, pages = mixed_pack
    uploaded = pages[result.front_sheet_pages :]
    assert len(uploaded) == len(MIXED)
    for page, (_, seen, texts) in zip(uploaded, MIXED, strict=True):
        assert (round(page.width), round(page.height)) == seen, page.number
        for text in texts:
            assert text in flat(page.text), (page.number, text)


def test_stamps_stand_inside_the_visible_page_upright_and_over_no_text(mixed_pack):
    result, _, pages = mixed_pack
    for page in pages[result.front_sheet_pages :]:
        number = page.stamp(r"Page \d+")
        assert number is not None and number[0] == f"Page {page.number}", page.number
        stamps = [number]
        if page.number == result.front_sheet_pages + 1:
            item = page.stamp("Agenda Item 1")
            assert item is not None
            box = item[1]
            assert page.width - 48 < box[2] <= page.width - 30  # at the right
            assert page.height - 48 < box[1] and box[3] <= page.height - 20  # at the top
            stamps.append(item)
        else:
            assert page.stamp(r"Agenda Item .*") is None
        box = number[1]
        assert abs((box[0] + box[2]) / 2 - page.width / 2) < 1.5  # centred at the foot
        assert box[1] >= 0 and box[3] <= 40
        own = page.own_text_boxes()
        for text, box in stamps:
            # Inside the CropBox: the page as seen runs from 0 to its width and height.
            assert box[0] >= 0 and box[2] <= page.width and box[1] >= 0 and box[3] <= page.height
            assert [b for b in own if overlaps(b, box)] == [], (page.number, text)
            # Upright as the page is read: the letters run left to right on one line.
            letters = [c for c in page.chars if c.is_stamp and c.text.strip()]
            line = [c for c in letters if overlaps(c.box, box)]
            lefts = [c.box[0] for c in line]
            assert lefts == sorted(lefts) and lefts[-1] - lefts[0] > 10, (page.number, text)
            middles = [(c.box[1] + c.box[3]) / 2 for c in line]
            assert max(middles) - min(middles) < 4, (page.number, text)


def test_pages_with_text_under_a_stamp_are_scaled_clear_and_keep_their_links(mixed_pack):
    result, data, pages = mixed_pack
    # Pages 1, 7 and 8 of the upload have text where a stamp goes.
    assert any("3 uploaded pages" in note for note in result.notes)
    footer_page = pages[result.front_sheet_pages + 6]
    footer = [c.box for c in footer_page.chars if not c.is_stamp and c.text in "Footer"]
    assert footer and min(b[1] for b in footer) >= 40  # lifted above the stamp band
    with pikepdf.open(io.BytesIO(data)) as pdf:
        link = pdf.pages[footer_page.number - 1].obj.Annots[0]
        x0, y0, _, y1 = (float(v) for v in link.Rect)
    # The link moved with the text it sits on.
    words = [c.box for c in footer_page.chars if not c.is_stamp and c.box[1] < 80]
    assert x0 <= min(b[0] for b in words) + 10 and y0 < min(b[1] for b in words) < y1


def test_references_stay_exact_when_they_push_the_front_sheet_onto_another_page(tmp_path):
    meeting = _meeting("Audit and Procurement Committee", "audit-and-procurement-committee")
    title = "Review of the arrangements for delivering service area {n} in the city"
    items = [
        AgendaItem.objects.create(
            meeting=meeting, number=str(n), position=n, title=title.format(n=n)
        )
        for n in range(1, 12)
    ]
    # Without documents the agenda fits one page...
    alone = build_pack_pdf(
        pack_inputs(meeting=meeting, kind=Pack.Kind.FRONT_SHEET), tmp_path / "alone.pdf"
    )
    assert alone.front_sheet_pages == 1
    for n, item in enumerate(items, start=1):
        report_create(
            agenda_item=item,
            data=make_pdf([PageSpec(lines=[(72, 400, f"Report body {n}")])]),
            title=f"Report {n}",
        )
    # ...and the references (bold titles with "(Pages X - Y)") push it onto a second.
    result = build_pack_pdf(
        pack_inputs(meeting=meeting, kind=Pack.Kind.PUBLIC),
        tmp_path / "pack.pdf",
        front_sheet_guess=1,
    )
    assert result.front_sheet_pages == 2
    pages = read_pages((tmp_path / "pack.pdf").read_bytes())
    assert len(pages) == 2 + 11
    front = flat(" ".join(p.text for p in pages[:2]))
    references = re.findall(r"(\d+)\. " + r"Review.*?\(Pages (\d+) - (\d+)\)", front)
    assert [tuple(map(int, r)) for r in references] == [(n, n + 2, n + 2) for n in range(1, 12)]
    for n in range(1, 12):
        page = pages[n + 1]
        assert page.stamp(f"Agenda Item {n}") is not None
        assert f"Report body {n}" in page.text


def test_a_tagged_upload_keeps_its_own_tags_in_the_pack(tmp_path):
    meeting = _meeting("Licensing Committee", "licensing-committee")
    item = AgendaItem.objects.create(meeting=meeting, number="1", title="Licence review")
    data = make_pdf(
        [PageSpec(lines=[(72, 400, "Tagged page one")]), PageSpec(lines=[(72, 400, "Two")])],
        tagged_title="Licence review report",
    )
    report_create(agenda_item=item, data=data, title="Licence review report")
    target = tmp_path / "pack.pdf"
    result = build_pack_pdf(pack_inputs(meeting=meeting, kind=Pack.Kind.PUBLIC), target)
    with pikepdf.open(target) as pdf:
        root = pdf.Root.StructTreeRoot
        nums = root.ParentTree.Nums
        entries = {int(nums[i]): nums[i + 1] for i in range(0, len(nums), 2)}
        sections = [k for k in root.K[0].K if k.S == "/Sect"]
        assert [str(s.T) for s in sections] == ["Licence review report"]
        # The upload's own paragraphs, each reached from its page through the parent tree.
        for index in (result.front_sheet_pages, result.front_sheet_pages + 1):
            page = pdf.pages[index]
            paragraph = entries[int(page.obj.StructParents)][0]
            assert paragraph.S == "/P" and paragraph.Pg.objgen == page.obj.objgen
            assert paragraph.P.P.objgen == sections[0].objgen
