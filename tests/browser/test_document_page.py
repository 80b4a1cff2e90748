"""A paper's page with its own headings, lists and a wide table, and a long paper's screens:
axe finds nothing, and at 320 px only the table scrolls, inside its box, never the page."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse
from weasyprint import HTML

from meetings.models import AgendaItem
from reports.services import report_create
from reports.tasks import read_document_text
from tests.browser.checks import AXE_OPTIONS, sideways

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

WIDE_ROW = "".join(f"<td>Column{n}withalongunbrokenvalue</td>" for n in range(8))
PAPER = f"""<html lang="en"><head><title>Charging</title></head><body>
<h2>Charging for care at home</h2><p>The council proposes a new charging policy.</p>
<h3>Options</h3><ol><li>Keep the present charges</li><li>Charge for each visit</li></ol>
<table><tr><th>Option</th><th>Income</th></tr><tr><td>Present</td><td>£1m</td></tr></table>
<table><tr>{WIDE_ROW}</tr></table>
<p>{"More text for the long paper. " * 40}</p>
</body></html>"""


@pytest.fixture
def paper(seed_meeting):
    item = AgendaItem.objects.get(meeting=seed_meeting, number="4", parent=None)
    body = PAPER.replace("</body>", '<p style="break-before: page">Next.</p>' * 24 + "</body>")
    report = report_create(
        agenda_item=item, data=HTML(string=body).write_pdf(pdf_variant="pdf/ua-1"), title="Paper"
    )
    read_document_text.call(report.pk)
    return report


@pytest.mark.parametrize("width", [1280, 320])
def test_a_structured_paper_passes_axe_and_reflows(paper, page_for, portal_url, width):
    page = page_for("anonymous", width=width)
    for query in ("", "?page=2"):
        page.goto(portal_url + reverse("document-detail", args=[paper.pk]) + query)
        results = Axe().run(page, options=AXE_OPTIONS)
        assert results.violations_count == 0, results.generate_report()
        assert sideways(page) <= 0
    page.goto(portal_url + reverse("document-detail", args=[paper.pk]))
    assert page.locator("h2", has_text="Charging for care at home").count() == 1
    assert page.locator(".document-text ol li").first.text_content() == "Keep the present charges"
