"""The meeting page's and the minutes page's queries are prepared statements on PostgreSQL
(``selectors._Compiled``), planned once per connection: each page reads the same with them or
without, and a connection on which a prepared statement failed goes on answering."""

from __future__ import annotations

import re

import pytest
from django.db import DataError, connection, transaction
from django.test import override_settings

from meetings import selectors, visibility
from meetings.models import Minutes

from ..conftest import MINUTES_SLUG, SEED_SLUG

URL = f"/meetings/{MINUTES_SLUG}/minutes/"
PAGES = [f"/meetings/{SEED_SLUG}/", URL, f"/meetings/{MINUTES_SLUG}/"]

AUDIENCES = {
    "anonymous": visibility.PUBLIC,
    "member": visibility.MEMBERS,
    "clerk": visibility.CLERKS,
}
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("prepared statements are PostgreSQL's")


def _page(response) -> str:
    """The page without its sign-out form's CSRF token (masked afresh for every response)."""
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", response.content.decode())


def _prepared() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM pg_prepared_statements")
        return {name for (name,) in cursor.fetchall()}


@pytest.mark.parametrize("role", ["anonymous", "member", "clerk"])
@pytest.mark.parametrize("url", PAGES)
def test_each_page_reads_the_same_with_prepared_statements_or_without(client_as, role, url):
    reader = client_as(role)
    with override_settings(DATABASE_PREPARED_QUERIES=False):
        plain = reader.get(url)
    first, again = reader.get(url), reader.get(url)  # prepared, then only executed
    assert plain.status_code == first.status_code == again.status_code == 200
    assert b"Health and Well-being Board" in plain.content
    assert _page(first) == _page(plain)
    assert _page(again) == _page(plain)
    minutes = selectors._minutes_page_queries(AUDIENCES[role])
    meeting = selectors._meeting_page_queries(AUDIENCES[role])
    if url == URL:
        assert {minutes.minutes.prepared, minutes.items.prepared} <= _prepared()
    else:
        assert {meeting.meeting.prepared, meeting.items.prepared} <= _prepared()


def test_a_failed_execute_of_a_new_statement_leaves_the_connection_answering(client):
    """PREPARE and its first EXECUTE go as one query: if the EXECUTE fails, whether the
    statement exists is unknown, so the connection runs the plain SQL from then on."""
    minutes = Minutes.objects.get(meeting__slug=MINUTES_SLUG)
    expected = client.get(URL).content
    with connection.cursor() as cursor:  # as on a new connection: nothing prepared yet
        cursor.execute("DEALLOCATE ALL")
    connection._boardpapers_prepared = (connection.connection, set())
    attendance = selectors._minutes_page_queries(visibility.PUBLIC).attendance
    with pytest.raises(DataError), transaction.atomic():
        attendance.rows("not a number")  # PREPARE succeeds, its EXECUTE fails
    assert attendance.prepared in _prepared()
    assert client.get(URL).content == expected
    assert len(attendance.rows(minutes.pk)) == minutes.attendance.count() > 0
