"""The search page's filters: committee, date range and kind of passage, with django-filter.

They filter ``Passage`` rows by their own columns, so the WHERE clause the ORM writes for them can
be handed to either full-text backend unchanged.
"""

import django_filters
from django import forms

from ..filters import DateInput
from ..models import Committee
from ..models_search import Passage


class SearchFilter(django_filters.FilterSet):
    committee = django_filters.ModelChoiceFilter(
        label="Committee",
        queryset=Committee.objects.order_by("name"),
        to_field_name="slug",
        empty_label="All committees",
    )
    date_from = django_filters.DateFilter(
        field_name="date", lookup_expr="gte", label="From", widget=DateInput
    )
    date_to = django_filters.DateFilter(
        field_name="date", lookup_expr="lte", label="To", widget=DateInput
    )
    kind = django_filters.MultipleChoiceFilter(
        choices=Passage.Kind.choices,
        label="Look in",
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Passage
        fields = ["committee", "date_from", "date_to", "kind"]
