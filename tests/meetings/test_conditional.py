"""Public pages carry an ETag and answer a matching conditional request with 304."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url",
    ["/", "/meetings/2014-09-22-health-and-well-being-board/", "/committees/",
     "/api/meetings/", "/meetings/calendar.ics"],
)  # fmt: skip
def test_a_repeat_visit_gets_304_not_modified(client, url):
    first = client.get(url)
    assert first.status_code == 200
    etag = first["ETag"]
    again = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    assert again.content == b""


def test_a_changed_page_is_sent_again(client, seed_meeting):
    url = seed_meeting.get_absolute_url()
    etag = client.get(url)["ETag"]
    seed_meeting.venue = "Committee Room 2 - Council House"
    seed_meeting.save()
    changed = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200
    assert "Committee Room 2" in changed.content.decode()
