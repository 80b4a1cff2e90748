"""django-filter FilterSets shared by the pages and the JSON API, so both filter alike."""

import django_filters
from django import forms

from .models import Committee, Meeting, Resolution


class DateInput(forms.DateInput):
    input_type = "date"


class MeetingFilter(django_filters.FilterSet):
    committee = django_filters.ModelChoiceFilter(
        label="Committee",
        queryset=Committee.objects.order_by("name"),
        to_field_name="slug",
        empty_label="All committees",
    )
    date_from = django_filters.DateFilter(
        field_name="start", lookup_expr="date__gte", label="From", widget=DateInput
    )
    date_to = django_filters.DateFilter(
        field_name="start", lookup_expr="date__lte", label="To", widget=DateInput
    )
    status = django_filters.ChoiceFilter(
        label="Status",
        choices=[c for c in Meeting.Status.choices if c[0] != Meeting.Status.DRAFT],
        empty_label="Any status",
    )

    class Meta:
        model = Meeting
        fields = ["committee", "date_from", "date_to", "status"]


class DecisionFilter(django_filters.FilterSet):
    committee = django_filters.ModelChoiceFilter(
        field_name="minute_item__minutes__meeting__committee",
        label="Committee",
        queryset=Committee.objects.order_by("name"),
        to_field_name="slug",
        empty_label="All committees",
    )
    date_from = django_filters.DateFilter(
        field_name="minute_item__minutes__meeting__start",
        lookup_expr="date__gte",
        label="From",
        widget=DateInput,
    )
    date_to = django_filters.DateFilter(
        field_name="minute_item__minutes__meeting__start",
        lookup_expr="date__lte",
        label="To",
        widget=DateInput,
    )

    class Meta:
        model = Resolution
        fields = ["committee", "date_from", "date_to"]
