"""A bad upload is refused with a message that says what to do, and nothing is saved."""

import io

import pikepdf
import pytest
from django.core.exceptions import ValidationError

from meetings.models import AgendaItem
from reports.models import Report, ReportPage
from reports.pdf import inspect_pdf
from reports.services import report_create

pytestmark = pytest.mark.django_db


def _rewrite(data: bytes, change) -> bytes:
    with pikepdf.open(io.BytesIO(data)) as pdf:
        save_kwargs = change(pdf) or {}
        out = io.BytesIO()
        pdf.save(out, **save_kwargs)
    return out.getvalue()


def encrypted(data):
    return _rewrite(data, lambda pdf: {"encryption": pikepdf.Encryption(owner="o", user="u")})


def with_javascript(data):
    def add(pdf):
        pdf.Root.OpenAction = pikepdf.Dictionary(
            S=pikepdf.Name.JavaScript, JS=pikepdf.String("app.alert('hi')")
        )

    return _rewrite(data, add)


def with_embedded_file(data):
    def add(pdf):
        pdf.attachments["budget.xlsx"] = pikepdf.AttachedFileSpec(pdf, b"spreadsheet bytes")

    return _rewrite(data, add)


BAD_FILES = [
    ("not_pdf", lambda pdf: b"PK\x03\x04 this is a Word document, not a PDF", "not a PDF"),
    ("empty", lambda pdf: b"", "empty"),
    ("encrypted", encrypted, "password"),
    ("corrupt", lambda pdf: pdf[: len(pdf) // 2], "damaged"),
]


@pytest.mark.parametrize(("code", "make_bad", "words"), BAD_FILES, ids=[b[0] for b in BAD_FILES])
def test_a_bad_upload_is_refused_with_a_clear_message_and_nothing_saved(
    code, make_bad, words, make_pdf, seed_meeting
):
    item = AgendaItem.objects.get(meeting=seed_meeting, number="4", parent=None)
    before = (Report.objects.count(), ReportPage.objects.count())
    with pytest.raises(ValidationError) as refused:
        report_create(agenda_item=item, data=make_bad(make_pdf("Budget")), title="Budget")
    assert refused.value.code == code
    assert words.lower() in refused.value.messages[0].lower()
    assert (Report.objects.count(), ReportPage.objects.count()) == before


@pytest.mark.parametrize(
    ("make_active", "words"),
    [
        (with_javascript, "1 script that ran when the file or a page was opened was removed."),
        (with_embedded_file, "1 attached file was removed."),
    ],
)
def test_a_script_or_attached_file_is_taken_out_and_the_paper_kept(
    make_active, words, make_pdf, seed_meeting
):
    item = AgendaItem.objects.get(meeting=seed_meeting, number="4", parent=None)
    report = report_create(agenda_item=item, data=make_active(make_pdf("Budget")), title="Budget")
    assert report.removed_content == [words]
    stored = report.file.open("rb").read()
    with pikepdf.open(io.BytesIO(stored)) as pdf:
        assert "/OpenAction" not in pdf.Root and not pdf.attachments
    assert "Budget" in report.pages.get(number=1).text


def test_an_oversized_upload_is_refused(settings, make_pdf, seed_meeting):
    settings.MAX_UPLOAD_MB = 0
    item = AgendaItem.objects.get(meeting=seed_meeting, number="4", parent=None)
    with pytest.raises(ValidationError) as refused:
        report_create(agenda_item=item, data=make_pdf("Big"), title="Big")
    assert refused.value.code == "too_large"
    assert "limit" in refused.value.messages[0]


def test_a_good_upload_keeps_the_original_bytes_and_the_text_of_each_page(make_pdf, seed_meeting):
    item = AgendaItem.objects.get(meeting=seed_meeting, number="5", parent=None)
    data = make_pdf("Commissioning intentions 2015/16", "Appendix: engagement plan")
    report = report_create(agenda_item=item, data=data, title="Intentions", filename="x.pdf")
    assert report.page_count == 2
    assert report.file.open("rb").read() == data
    texts = list(report.pages.order_by("number").values_list("text", flat=True))
    assert "Commissioning intentions 2015/16" in texts[0]
    assert "engagement plan" in texts[1]
    assert report.has_text_layer


def test_a_page_with_no_text_is_flagged_as_a_scan():
    blank = pikepdf.new()
    blank.add_blank_page()
    out = io.BytesIO()
    blank.save(out)
    facts = inspect_pdf(out.getvalue())
    assert facts.page_count == 1
    assert not facts.has_text_layer


def test_extracted_text_keeps_a_line_end_hyphen_as_a_hyphen(seed_meeting):
    from reports.models import ReportPage

    pages = ReportPage.objects.filter(report__agenda_item__meeting=seed_meeting)
    assert not pages.filter(text__contains="\ufffe").exists()
    # "over-achieving" in the children's board annual report (seed line 1270 or so)
    assert pages.filter(text__contains="over-").exists()
