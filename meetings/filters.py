"""django-filter FilterSets shared by the pages and the JSON API, so both filter alike.

The pages show them in GOV.UK Frontend's markup: the form is a ``GovukFormMixin`` form and each
date is GOV.UK's day/month/year input (``govuk.DateField``), which also reads an ISO date from the
address (``?date_from=2014-09-01``, the API's form and every link written before), and the
day/month/year a person writes (``22/09/2014``)."""

from __future__ import annotations

import datetime as dt
import re

import django_filters
from django import forms

from . import govuk
from .models import Committee, Meeting, Resolution

# Written out in the address by people and older links: 22/09/2014, 22/9/2014, 22-09-2014.
TYPED_FORMATS = ("%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y")
_ISO = re.compile(r"[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}", re.ASCII)


class FilterForm(govuk.GovukFormMixin, forms.Form):
    """A filter set's form with GOV.UK classes on every field."""


class FilterDateField(govuk.DateField):
    """GOV.UK's date input that also takes one date written in the address as a person writes it
    (``?date_from=22/09/2014``), as the plain date box it replaces did."""

    def to_python(self, value):
        if isinstance(value, str) and value.strip():
            text = value.strip()
            if text.isascii():
                for fmt in TYPED_FORMATS:
                    try:
                        return dt.datetime.strptime(text, fmt).date()
                    except ValueError:
                        continue
        return super().to_python(value)


class FilterDateInput(govuk.DateInput):
    """Shows a date refused from the address (``?date_from=31/02/2014``) in its three boxes."""

    def render(self, name, value, attrs=None, renderer=None):
        if isinstance(value, str):
            parts = re.split(r"[/.-]", value.strip())
            if len(parts) == 3 and not _ISO.fullmatch(value.strip()):
                value = parts
        return super().render(name, value, attrs, renderer)


class DateFilter(django_filters.DateFilter):
    field_class = FilterDateField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", FilterDateInput)
        super().__init__(*args, **kwargs)


def choose_message(what: str) -> dict[str, str]:
    return {"invalid_choice": f"Choose {what} from the list"}


class MeetingFilter(django_filters.FilterSet):
    committee = django_filters.ModelChoiceFilter(
        label="Committee",
        queryset=Committee.objects.order_by("name"),
        to_field_name="slug",
        empty_label="All committees",
        error_messages=choose_message("a committee"),
    )
    date_from = DateFilter(field_name="start", lookup_expr="date__gte", label="From")
    date_to = DateFilter(field_name="start", lookup_expr="date__lte", label="To")
    status = django_filters.ChoiceFilter(
        label="Status",
        choices=[c for c in Meeting.Status.choices if c[0] != Meeting.Status.DRAFT],
        empty_label="Any status",
        error_messages=choose_message("a status"),
    )

    class Meta:
        model = Meeting
        fields = ["committee", "date_from", "date_to", "status"]
        form = FilterForm


class DecisionFilter(django_filters.FilterSet):
    committee = django_filters.ModelChoiceFilter(
        field_name="minute_item__minutes__meeting__committee",
        label="Committee",
        queryset=Committee.objects.order_by("name"),
        to_field_name="slug",
        empty_label="All committees",
        error_messages=choose_message("a committee"),
    )
    date_from = DateFilter(
        field_name="minute_item__minutes__meeting__start", lookup_expr="date__gte", label="From"
    )
    date_to = DateFilter(
        field_name="minute_item__minutes__meeting__start", lookup_expr="date__lte", label="To"
    )

    class Meta:
        model = Resolution
        fields = ["committee", "date_from", "date_to"]
        form = FilterForm
