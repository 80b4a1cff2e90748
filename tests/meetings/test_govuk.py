"""The GOV.UK Frontend look: the council's colours, the date input, the error summary and
pagination, as a visitor and a clerk meet them."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.template.loader import render_to_string
from django.urls import reverse

from meetings import colours, govuk
from meetings.models import PortalSettings
from meetings.templatetags.govuk import page_numbers

pytestmark = pytest.mark.django_db

STATIC = Path(settings.BASE_DIR) / "static"


def test_the_stylesheet_is_govuk_frontend_at_the_recorded_version_without_the_gds_font():
    version = (STATIC / "govuk" / "VERSION").read_text()
    pinned = re.search(r"govuk-frontend (\d+\.\d+\.\d+)", version).group(1)
    css = (STATIC / "govuk" / "govuk-frontend.min.css").read_text()
    assert re.search(rf'--govuk-frontend-version:\s*"{re.escape(pinned)}"', css)
    makefile = (Path(settings.BASE_DIR) / "Makefile").read_text()
    assert f"GOVUK_FRONTEND_VERSION := {pinned}" in makefile
    assert "GDS Transport" not in css and "@font-face" not in css
    js = (STATIC / "govuk" / "govuk-frontend.min.js").read_text()
    assert "initAll" in js


def test_pages_use_the_councils_colours(client):
    portal = PortalSettings.load()
    portal.brand_colour = "#5a1e5c"
    portal.link_colour = "#00594f"
    portal.save()
    home = client.get(reverse("home")).content.decode()
    theme_link = re.search(r'href="(/theme\.css\?v=[^"]+)"', home).group(1)
    css = client.get(theme_link.replace("&amp;", "&"))
    assert css["Content-Type"].startswith("text/css")
    body = css.content.decode()
    assert "--govuk-brand-colour:#5a1e5c" in body and "--govuk-link-colour:#00594f" in body
    assert "immutable" in css["Cache-Control"]
    # No crown: the header names the council in words.
    assert "govuk-logo" not in home and "crown" not in home.lower()
    assert f">{portal.council_name}</a>" in home


@pytest.mark.parametrize(
    ("value", "code"),
    [("#ffdd00", "colour_contrast"), ("blue", "colour_format"), ("", "colour_format")],
)
def test_a_colour_that_cannot_be_read_is_refused_with_a_reason(value, code):
    with pytest.raises(ValidationError) as refused:
        colours.readable_on_white(value)
    assert refused.value.code == code
    assert "contrast" in str(refused.value) or "#" in str(refused.value)
    colours.readable_on_white("#1d4f91")  # dark enough: no error


class _DateForm(govuk.GovukFormMixin, forms.Form):
    day = govuk.DateField(label="Meeting date", help_text="For example, 22 9 2014")
    title = forms.CharField(label="Title")


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        (("", "9", "2014"), "Meeting date must include a day"),
        (("31", "2", "2014"), "Meeting date must be a real date"),
        (("22", "9", "14"), "Year must include 4 numbers"),
        (("22", "", ""), "Meeting date must include a month and a year"),
    ],
)
def test_the_date_input_refuses_with_the_design_systems_messages(typed, message):
    day, month, year = typed
    form = _DateForm({"day_day": day, "day_month": month, "day_year": year, "title": "x"})
    assert not form.is_valid()
    assert form.errors["day"] == [message]
    html = render_to_string("includes/error_summary.html", {"form": form}) + render_to_string(
        "includes/field.html", {"field": form["day"]}
    )
    assert "There is a problem" in html
    assert f'<a href="#id_day">{message}</a>' in html
    # What was typed stays in the boxes, marked as in error.
    assert f'name="day_year" type="text" inputmode="numeric" value="{year}"' in html
    assert "govuk-input--error" in html and "govuk-form-group--error" in html


def test_the_date_input_reads_a_date_and_an_iso_date_in_the_address():
    form = _DateForm({"day_day": "22", "day_month": "9", "day_year": "2014", "title": "x"})
    assert form.is_valid() and form.cleaned_data["day"] == dt.date(2014, 9, 22)
    old_link = _DateForm({"day": "2014-09-22", "title": "x"})
    assert old_link.is_valid() and old_link.cleaned_data["day"] == dt.date(2014, 9, 22)


def test_a_field_with_an_error_points_to_its_message():
    form = _DateForm({"title": ""})
    assert not form.is_valid()
    html = render_to_string("includes/field.html", {"field": form["title"]})
    assert 'aria-describedby="id_title_error"' in html
    assert 'id="id_title_error" class="govuk-error-message"' in html
    assert "govuk-input--error" in html


@pytest.mark.parametrize(
    ("number", "count", "shown"),
    [
        (1, 1, [1]),
        (1, 3, [1, 2, 3]),
        (5, 10, [1, None, 4, 5, 6, None, 10]),
        (10, 10, [1, None, 9, 10]),
    ],
)
def test_pagination_shows_the_first_last_and_neighbouring_pages(number, count, shown):
    page = Paginator(range(count), 1).page(number)
    assert page_numbers(page) == shown


def test_a_success_message_is_a_green_banner_and_an_error_is_not(client):
    from django.contrib.messages import constants
    from django.contrib.messages.storage.base import Message

    html = render_to_string(
        "includes/messages.html",
        {"messages": [Message(constants.SUCCESS, "Published."), Message(constants.ERROR, "No.")]},
    )
    assert html.count("govuk-notification-banner--success") == 1
    success, error = html.split("Published.")
    assert "Success" in success and "There is a problem" in error


def test_production_static_files_collect_and_no_crest_is_served(tmp_path):
    """collectstatic with the production storage resolves every url() in the stylesheets: a
    missing file there would stop a deployment."""
    from django.core.management import call_command
    from django.test import override_settings

    storages = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    with override_settings(STORAGES=storages, STATIC_ROOT=tmp_path):
        call_command("collectstatic", interactive=False, verbosity=0)
    assert (tmp_path / "staticfiles.json").exists()
    css = (STATIC / "govuk" / "govuk-frontend.min.css").read_text()
    assert "url(" not in css  # the crest (GOV.UK's only) is asked for nowhere
