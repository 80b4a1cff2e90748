"""Whatever anyone types into a query string gets a page or a 400, never a 500.

The list pages show their filter form's errors; the month calendar falls back to this month with
a message; the ModernGov web service answers 400 with a plain message for an id or a date it
cannot read (``"²".isdigit()`` is true, and ``int("²")`` raises).
"""

from __future__ import annotations

import re

import pytest
from django.test import Client
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

pytestmark = pytest.mark.django_db

FUZZ = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# Text a browser can send: any character but the surrogates UTF-8 cannot encode.
ANY_TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=30)
# Characters that look like digits to str.isdigit() or to a reader, and those around numbers.
DIGITISH = st.text(
    st.sampled_from("0123456789²³¹⁰⁴₂١٢٣۴߁०௧๓໒༣၄႖០᠐᥆᧑０９𝟎𝟗+-., /eE_"),
    min_size=1,
    max_size=14,
)
ODD = st.one_of(ANY_TEXT, DIGITISH, st.integers().map(str))


# --- The list pages ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/meetings/?date_from=not-a-date",
        "/meetings/?committee=no-such-committee",
        "/meetings/?status=nonsense",
        "/decisions/?date_to=31/02/2014",
        "/decisions/?committee=no-such-committee",
    ],
)
def test_a_filter_the_list_cannot_use_shows_the_forms_errors(client, url):
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Some filters could not be used" in html


@pytest.mark.parametrize(
    "url", ["/api/meetings/?date_from=not-a-date", "/api/decisions/?committee=x"]
)
def test_the_api_answers_a_filter_it_cannot_use_with_400(client, url):
    assert client.get(url).status_code == 400


@FUZZ
@given(field=st.sampled_from(["committee", "date_from", "date_to", "status", "page"]), value=ODD)
def test_no_filter_value_makes_a_list_page_fail(client, field, value):
    paths = ["/meetings/", "/decisions/", "/api/meetings/", "/api/decisions/"]
    if field != "page":  # see test_a_huge_search_page_number_is_no_500 below
        paths.append("/search/")
    for path in paths:
        response = client.get(path, {field: value, "q": "care"})
        assert response.status_code < 500, (path, field, value)


def test_a_huge_search_page_number_is_no_500(client):
    response = client.get("/search/", {"q": "care", "page": "461168601842738792"})
    assert response.status_code < 500


# --- The month calendar -----------------------------------------------------------------------


@pytest.mark.parametrize("month", ["9999-12", "0001-01", "0000-01", "10000-01", "2014-13"])
def test_a_month_the_calendar_cannot_show_falls_back_to_this_month(client, month):
    response = client.get("/meetings/calendar/", {"month": month})
    assert response.status_code == 200
    assert "is not a month like 2014-09; showing this month." in response.content.decode()


@pytest.mark.parametrize(
    ("month", "heading"), [("9999-11", "November 9999"), ("0001-02", "February 0*1")]
)
def test_the_calendar_shows_months_near_the_ends_of_time(client, month, heading):
    response = client.get("/meetings/calendar/", {"month": month})
    assert response.status_code == 200
    assert re.search(f"<h1[^>]*>Meetings in {heading}</h1>", response.content.decode())


@FUZZ
@given(
    month=st.one_of(
        ODD,
        st.from_regex(r"\A-?[0-9²١]{1,5}-[0-9²١]{1,3}\Z"),
        st.builds(lambda y, m: f"{y:04d}-{m:02d}", st.integers(0, 10000), st.integers(0, 13)),
    )
)
@example(month="9999-12")
@example(month="0001-01")
@example(month="²⁰¹⁴-0⁹")
def test_no_month_makes_the_calendar_fail(client, month):
    response = client.get("/meetings/calendar/", {"month": month, "committee": month})
    assert response.status_code == 200, month


# --- The ModernGov web service ----------------------------------------------------------------

ID_PARAMETERS = {
    "GetMeeting": ["lMeetingId"],
    "GetMeetings": ["lCommitteeId", "sFromDate", "sToDate"],
    "GetCommitteesByUser": ["lUserId"],
    "GetCommittees": [],
    "GetMemberGroup": [],
    "GetCouncillorsByWard": [],
}
GOOD = {"lMeetingId": "1", "lCommitteeId": "0", "sFromDate": "0", "sToDate": "0", "lUserId": "1"}


@pytest.mark.parametrize(
    ("operation", "name"),
    [(op, name) for op, names in ID_PARAMETERS.items() for name in names],
)
@pytest.mark.parametrize("value", ["%C2%B2", "%D9%A1", "%EF%BC%91", "-1", "1e3", "1" * 13])
def test_an_id_or_date_the_service_cannot_read_answers_400(client, operation, name, value):
    query = "&".join(f"{k}={v}" for k, v in GOOD.items() if k in ID_PARAMETERS[operation])
    query = query.replace(f"{name}={GOOD[name]}", f"{name}={value}")
    response = client.get(f"/mgWebService.asmx/{operation}?{query}")
    assert response.status_code == 400
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert name in response.content.decode()


@FUZZ
@given(
    operation=st.sampled_from(sorted(ID_PARAMETERS)),
    values=st.fixed_dictionaries(dict.fromkeys(GOOD, ODD)),
)
@example(operation="GetMeeting", values={**GOOD, "lMeetingId": "²"})
@example(operation="GetMeetings", values={**GOOD, "lCommitteeId": "²", "sFromDate": "²/01/2014"})
@example(operation="GetMeetings", values={**GOOD, "sFromDate": "1١/01/2014"})
@example(operation="GetCommitteesByUser", values={**GOOD, "lUserId": "999999999999"})
@example(operation="GetMeetings", values={**GOOD, "sToDate": "31/12/9999"})
def test_no_parameter_makes_the_service_fail(client, operation, values):
    for prefix in ("/mgWebService.asmx", "/mgwebservice.asmx"):
        response = client.get(f"{prefix}/{operation}", values)
        assert response.status_code in (200, 400, 404), (operation, values)


def test_a_member_and_a_clerk_get_no_500_from_a_bad_month_or_id(client_as):
    for role in ("member", "clerk"):
        client: Client = client_as(role)
        assert client.get("/meetings/calendar/?month=9999-12").status_code == 200
        assert client.get("/mgWebService.asmx/GetMeeting?lMeetingId=%C2%B2").status_code == 400
