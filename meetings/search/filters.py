"""The search page's filters: committee, date range and kind of passage, with django-filter.

They filter ``Passage`` rows by their own columns, so the WHERE clause the ORM writes for them can
be handed to either full-text backend unchanged.
"""

import django_filters
from django import forms

from ..filters import DateFilter, FilterForm, choose_message
from ..models import Committee
from ..models_search import Passage


class SearchFilter(django_filters.FilterSet):
    committee = django_filters.ModelChoiceFilter(
        label="Committee",
        queryset=Committee.objects.order_by("name"),
        to_field_name="slug",
        empty_label="All committees",
        error_messages=choose_message("a committee"),
    )
    date_from = DateFilter(field_name="date", lookup_expr="gte", label="From")
    date_to = DateFilter(field_name="date", lookup_expr="lte", label="To")
    kind = django_filters.MultipleChoiceFilter(
        choices=Passage.Kind.choices,
        label="Look in",
        help_text="All of these when none is ticked.",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Tick only the places listed under Look in"},
    )

    class Meta:
        model = Passage
        fields = ["committee", "date_from", "date_to", "kind"]
        form = FilterForm
