"""A paper with active content in it (scripts, launches, links to other files, form actions,
attached and associated files, XFA, rich media) is accepted with all of that taken out: the
stored file keeps its pages, text, internal link and web link, the clerk is told in words what
went, and a pack built from it carries none of it. A stored file that is active after all (put
there another way) stops the pack build with a reason. The corpus: tests/hardening/active_pdfs.py.
"""

import hashlib
import io

import pikepdf
import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from meetings.models import AgendaItem
from reports.models import Pack, Report
from reports.neutralise import active_content, describe, neutralise
from reports.packs import pack_request
from reports.services import report_create
from tests.hardening.active_pdfs import KINDS, PAGE_TEXTS, WEB_LINK, active_left, make, paper, save

pytestmark = pytest.mark.django_db

# What the clerk is told for each kind (written from the kinds, not computed by the code).
TOLD = {
    "js_next_chain_on_open": ["1 script that ran when the file or a page was opened was removed."],
    "js_next_chain_on_link": ["1 link that ran a script was removed."],
    "js_next_chain_on_bookmark": ["1 bookmark that ran a script was removed."],
    "form_field_actions": ["3 form field actions that ran a script were removed."],
    "launch_on_open": [
        "1 action that opened another program when the file or a page was opened was removed."
    ],
    "launch_on_link": ["1 link that opened another program was removed."],
    "gotor_unc": ["1 link that opened a file outside this document was removed."],
    "submit_form_outside": ["1 link that sent or loaded form data was removed."],
    "javascript_uri": ["1 link that ran a script was removed."],
    "file_uri": ["1 link that opened a file outside this document was removed."],
    "associated_file": ["1 attached file was removed."],
    "xfa": ["1 interactive form layer (XFA) was removed."],
    "rich_media": ["1 embedded media item (video, sound or 3D) was removed."],
    "names_javascript": ["1 document script was removed."],
    "embedded_file": ["1 attached file was removed."],
    "page_and_catalog_triggers": [
        "2 scripts that ran when the file or a page was opened were removed."
    ],
}


@pytest.fixture
def item(seed_meeting):
    return AgendaItem.objects.get(meeting=seed_meeting, number="4", parent=None)


def upload(client, item, data: bytes, title: str = "Quarterly return"):
    return client.post(
        reverse("workspace-upload", args=[item.pk]),
        {
            "file": SimpleUploadedFile("return.pdf", data, "application/pdf"),
            "title": title,
            "kind": "report",
        },
        follow=True,
    )


def assert_paper_intact(stored: bytes) -> None:
    """Both pages and their text, the link to page 2 and the web link are still there."""
    with pikepdf.open(io.BytesIO(stored)) as pdf:
        assert len(pdf.pages) == 2
        second = pdf.pages[1].obj.objgen
        actions = [
            annot.A
            for annot in pdf.pages[0].obj.get("/Annots", [])
            if annot.get("/Subtype") == pikepdf.Name.Link and "/A" in annot
        ]
        internal = [a for a in actions if a.get("/S") == pikepdf.Name.GoTo]
        assert internal and internal[0].D[0].objgen == second
        assert any(str(a.get("/URI", "")) == WEB_LINK for a in actions)
    for text, page in zip(PAGE_TEXTS, range(2), strict=True):
        assert text in _page_text(stored, page)


def _page_text(data: bytes, index: int) -> str:
    import pypdfium2

    document = pypdfium2.PdfDocument(data)
    try:
        return document[index].get_textpage().get_text_range()
    finally:
        document.close()


def test_the_corpus_holds_what_it_says():
    """Each crafted file really carries its active content (else the tests below prove little)."""
    for kind in KINDS:
        assert active_left(make(kind)), kind
    assert not active_left(save(paper()))


@pytest.mark.parametrize("kind", list(KINDS))
def test_active_content_is_taken_out_and_the_clerk_told(kind, client_as, item):
    before = Report.objects.count()
    response = upload(client_as("clerk"), item, make(kind))
    html = response.content.decode()
    assert Report.objects.count() == before + 1, html[:2000]
    report = Report.objects.latest("pk")
    assert report.removed_content == TOLD[kind]
    for words in TOLD[kind]:
        assert words in html  # in the success message and the line under the paper
    assert 'class="govuk-inset-text"' in html
    stored = default_storage.open(report.file.name, "rb").read()
    assert active_left(stored) == []
    assert hashlib.sha256(stored).hexdigest() == report.sha256
    assert_paper_intact(stored)
    texts = list(report.pages.order_by("number").values_list("text", flat=True))
    assert PAGE_TEXTS[0] in texts[0] and PAGE_TEXTS[1] in texts[1]


def test_everything_at_once_is_taken_out(item):
    report = report_create(agenda_item=item, data=make(), title="Everything")
    stored = default_storage.open(report.file.name, "rb").read()
    assert active_left(stored) == []
    assert_paper_intact(stored)
    assert "2 attached files were removed." in report.removed_content
    assert "3 form field actions that ran a script were removed." in report.removed_content


def test_a_paper_with_nothing_active_is_stored_as_uploaded_and_nothing_said(item):
    data = save(paper())
    report = report_create(agenda_item=item, data=data, title="Plain")
    assert report.removed_content == []
    assert default_storage.open(report.file.name, "rb").read() == data


def test_the_same_active_file_uploaded_twice_is_recognised(item):
    data = make("launch_on_link")
    first, _ = neutralise(data)
    again, _ = neutralise(data)
    assert first == again  # rewritten the same way each time, so its hash finds the duplicate


def test_a_next_chain_that_loops_ends(item):
    pdf = paper()
    first = pdf.make_indirect(pikepdf.Dictionary(S=pikepdf.Name.GoTo, D=[pdf.pages[1].obj, 0]))
    second = pdf.make_indirect(pikepdf.Dictionary(S=pikepdf.Name.GoTo, D=[pdf.pages[0].obj, 0]))
    first.Next, second.Next = second, first
    pdf.Root.OpenAction = first
    clean, removed = neutralise(save(pdf))
    assert not removed and not active_left(clean)


def test_describe_counts_and_words():
    from collections import Counter

    assert describe(Counter({"script:link": 2, "attachment": 1})) == [
        "1 attached file was removed.",
        "2 links that ran a script were removed.",
    ]


def test_a_pack_built_from_such_a_paper_holds_none_of_it(seed_meeting, item):
    report_create(agenda_item=item, data=make(), title="Everything", pending=False)
    pack = pack_request(meeting=seed_meeting, kind=Pack.Kind.PUBLIC)
    assert pack.state == Pack.State.READY, pack.error
    data = default_storage.open(pack.file.name, "rb").read()
    assert active_left(data) == []
    with pikepdf.open(io.BytesIO(data)) as pdf:
        assert not active_content(pdf)
    assert any(
        PAGE_TEXTS[0] in _page_text(data, i)
        for i in range(len(pikepdf.open(io.BytesIO(data)).pages))
    )


def test_the_pack_builder_refuses_a_stored_file_that_is_active(seed_meeting, item):
    report = report_create(agenda_item=item, data=save(paper()), title="Swapped", pending=False)
    active = make("launch_on_link")
    # Put in storage another way (a restore, a script), past the upload checks.
    name = default_storage.save("reports/test/active.pdf", ContentFile(active))
    Report.objects.filter(pk=report.pk).update(file=name, sha256=hashlib.sha256(active).hexdigest())
    pack = pack_request(meeting=seed_meeting, kind=Pack.Kind.PUBLIC)
    assert pack.state == Pack.State.FAILED
    assert "“Swapped” holds active content" in pack.error
    assert "upload it again" in pack.error
    assert not pack.file
    default_storage.delete(name)


def test_a_file_that_had_to_be_repaired_is_stored_as_it_was_read(item):
    """Another reader may rebuild a damaged file differently from the checks (and find what
    they did not): the stored file is the one the checks read, written again."""
    data = save(paper())
    broken = data[: data.rfind(b"startxref")] + b"startxref\n99999\n%%EOF\n"
    report = report_create(agenda_item=item, data=broken, title="Repaired")
    stored = default_storage.open(report.file.name, "rb").read()
    assert stored != broken
    with pikepdf.open(io.BytesIO(stored)) as pdf:
        assert len(pdf.pages) == 2
        assert pdf.get_warnings() == []
    assert_paper_intact(stored)


def test_a_link_is_judged_by_its_address_as_a_reader_decodes_it():
    """A UTF-16 web address stays; a UTF-16 or padded script address goes."""
    pdf = paper()
    for address in ("https://www.coventry.gov.uk/✓", "  JavaScript:app.alert(1)", "java\tscript:x"):
        action = pikepdf.Dictionary(S=pikepdf.Name.URI, URI=pikepdf.String(address + "✓"))
        pdf.pages[0].obj.Annots.append(
            pdf.make_indirect(
                pikepdf.Dictionary(Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Link,
                                   Rect=[0, 0, 9, 9], A=action)
            )
        )  # fmt: skip
    clean, removed = neutralise(save(pdf))
    assert describe(removed) == [
        "1 link that opened a file outside this document was removed.",
        "1 link that ran a script was removed.",
    ]
    with pikepdf.open(io.BytesIO(clean)) as out:
        kept = [str(a.A.URI) for a in out.pages[0].obj.Annots if "/URI" in a.get("/A", {})]
    assert "https://www.coventry.gov.uk/✓✓" in kept
