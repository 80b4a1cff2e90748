"""The upload page states the limits the server applies, from the settings."""

import pytest
from django.urls import reverse

from meetings.models import AgendaItem

pytestmark = pytest.mark.django_db


@pytest.fixture
def item(seed_meeting):
    return AgendaItem.objects.filter(meeting=seed_meeting, parent=None).first()


def test_the_upload_page_states_the_default_limits(client_as, item):
    html = client_as("clerk").get(reverse("workspace-upload", args=[item.pk])).content.decode()
    assert "PDF files up to 50 MB and 2,000 pages" in html


def test_the_upload_page_states_the_configured_limits(client_as, item, settings):
    settings.PDF_MAX_PAGES = 12000
    settings.MAX_UPLOAD_MB = 20
    html = client_as("clerk").get(reverse("workspace-upload", args=[item.pk])).content.decode()
    assert "PDF files up to 20 MB and 12,000 pages" in html
