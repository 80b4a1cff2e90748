"""Reflow at 320 CSS pixels (WCAG 1.4.10, promised by the accessibility statement): a search
result whose snippet holds a very long unbroken word (an e-mail address) breaks the word, not
the page. At 375 px the page was 419 px wide. And the search form lays out as it reads: each
check box beside its label, the two dates of the range together. And no page type, for any
role, scrolls sideways at 320 px."""

import pytest

from meetings import search_index
from meetings.models import AgendaItem, Meeting
from tests.browser.checks import sideways
from tests.browser.test_accessibility import PAGE_TYPES, _url

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

LONG_ADDRESS = (
    "democratic.services.health.and.social.care.scrutiny.board.enquiries"
    "@coventry-city-council-committee-papers.example.org"
)


@pytest.fixture
def long_word_item():
    meeting = Meeting.objects.get(slug="2014-09-22-health-and-well-being-board")
    item = AgendaItem.objects.create(
        meeting=meeting,
        position=99,
        number="99",
        title="Questions from the public",
        description=(
            f"Questions about the Zanzibarquill consultation go to {LONG_ADDRESS} before the "
            "meeting."
        ),
    )
    search_index.reindex_meeting(meeting)
    return item


@pytest.mark.parametrize("width", [320, 375])
def test_a_search_result_with_a_long_email_address_fits_320_pixels(
    long_word_item, page_for, portal_url, width
):
    page = page_for("anonymous", width=width)
    page.goto(f"{portal_url}/search/?q=Zanzibarquill")
    snippet = page.locator("ol.results .snippet").first
    assert "coventry-city-council" in snippet.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    box = snippet.bounding_box()
    assert box is not None and box["x"] + box["width"] <= width


def test_search_form_check_boxes_sit_beside_their_labels_and_the_dates_together(
    page_for, portal_url
):
    page = page_for("anonymous", width=1280)
    page.goto(f"{portal_url}/search/?q=care")
    choices = page.locator("form.search-form .govuk-checkboxes__item").all()
    assert len(choices) >= 4
    for choice in choices:
        box = choice.locator("input").bounding_box()
        label = choice.locator("label").bounding_box()
        assert box and label
        assert label["x"] >= box["x"] + box["width"]  # to the right of its box
        assert abs((label["y"] + label["height"] / 2) - (box["y"] + box["height"] / 2)) < 6
    date_from = page.locator("#id_date_from").bounding_box()
    date_to = page.locator("#id_date_to").bounding_box()
    assert date_from and date_to
    assert abs(date_from["y"] - date_to["y"]) < 2  # side by side on one row
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280


@pytest.mark.parametrize("role", ["anonymous", "member", "clerk"])
def test_no_page_type_scrolls_sideways_at_320_pixels(role, page_for, portal_url):
    page = page_for(role, width=320)
    wide = {}
    for name, path in PAGE_TYPES.items():
        if name == "sign-in" and role != "anonymous":
            continue
        page.goto(_url(page, portal_url, path))
        overflow = sideways(page)
        if overflow > 0:
            wide[name] = overflow
    assert wide == {}
