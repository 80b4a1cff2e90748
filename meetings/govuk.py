"""Forms in GOV.UK Frontend's markup: the classes each widget needs, hints and errors tied to
their fields for screen readers, and the day/month/year date input with the Design System's
error messages. The markup around a field is templates/includes/field.html."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils.html import format_html, format_html_join

INPUT_CLASSES = {
    "textarea": "govuk-textarea",
    "select": "govuk-select",
    "selectmultiple": "govuk-select",
    "radioselect": "govuk-radios__input",
    "checkboxselectmultiple": "govuk-checkboxes__input",
    "checkbox": "govuk-checkboxes__input",
    "clearablefile": "govuk-file-upload",
    "file": "govuk-file-upload",
}
ERROR_CLASSES = {
    "govuk-input": "govuk-input--error",
    "govuk-textarea": "govuk-textarea--error",
    "govuk-select": "govuk-select--error",
    "govuk-file-upload": "govuk-file-upload--error",
}


def _widget_type(widget: forms.Widget) -> str:
    name = type(widget).__name__.lower()
    for suffix in ("widget", "input"):
        if name.endswith(suffix) and name != suffix:
            name = name.removesuffix(suffix)
    return name


class GovukFormMixin:
    """Put first in a form's bases: each widget gets its GOV.UK class, and once the form is
    checked, fields with errors get the error style and point to their messages."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            widget = field.widget
            if isinstance(widget, DateInput):
                continue
            css = INPUT_CLASSES.get(_widget_type(widget), "govuk-input")
            existing = widget.attrs.get("class", "")
            if css not in existing.split():
                widget.attrs["class"] = f"{css} {existing}".strip()
            described = []
            if field.help_text:
                described.append(f"{self[name].auto_id}_hint")
            if described:
                widget.attrs["aria-describedby"] = " ".join(described)

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name not in self.fields:
                continue
            field = self.fields[name]
            widget = field.widget
            if isinstance(widget, DateInput):
                widget.has_error = True
                continue
            classes = widget.attrs.get("class", "").split()
            for base, error in ERROR_CLASSES.items():
                if base in classes and error not in classes:
                    classes.append(error)
            widget.attrs["class"] = " ".join(classes)
            auto_id = self[name].auto_id
            ids = widget.attrs.get("aria-describedby", "").split()
            if f"{auto_id}_error" not in ids:
                ids.append(f"{auto_id}_error")
            widget.attrs["aria-describedby"] = " ".join(ids)


class DateInput(forms.MultiWidget):
    """GOV.UK's date input: three boxes, day, month and year. Submits name_day, name_month and
    name_year; the boxes keep what was typed when the date is refused."""

    parts = (("day", "Day", 2), ("month", "Month", 2), ("year", "Year", 4))
    has_error = False

    def __init__(self, attrs=None):
        widgets = {
            part: forms.TextInput(attrs={"inputmode": "numeric"}) for part, _, _ in self.parts
        }
        super().__init__(widgets, attrs)

    def decompress(self, value):
        if isinstance(value, dt.date):
            return [str(value.day), str(value.month), str(value.year)]
        return [None, None, None]

    def value_from_datadict(self, data, files, name):
        values = [data.get(f"{name}_{part}", "") for part, _, _ in self.parts]
        if not any(v.strip() for v in values) and name in data:
            return data.get(name)  # an ISO date in the address (links, old bookmarks)
        return values

    def value_omitted_from_data(self, data, files, name):
        return not any(f"{name}_{part}" in data for part, _, _ in self.parts) and name not in data

    def render(self, name, value, attrs=None, renderer=None):
        if isinstance(value, str):
            value = _parse_iso(value) or [None, None, None]
        if not isinstance(value, list):
            value = self.decompress(value)
        base_id = (attrs or {}).get("id") or f"id_{name}"
        error = " govuk-input--error" if self.has_error else ""
        items = []
        for (part, label, width), typed in zip(self.parts, value, strict=True):
            box_id = base_id if part == "day" else f"{base_id}_{part}"
            items.append(
                (
                    box_id,
                    label,
                    f"govuk-input govuk-date-input__input govuk-input--width-{width}{error}",
                    box_id,
                    f"{name}_{part}",
                    typed or "",
                )
            )
        return format_html(
            '<div class="govuk-date-input" id="{}-group">{}</div>',
            base_id,
            format_html_join(
                "",
                '<div class="govuk-date-input__item"><div class="govuk-form-group">'
                '<label class="govuk-label govuk-date-input__label" for="{}">{}</label>'
                '<input class="{}" id="{}" name="{}" type="text" inputmode="numeric" '
                'value="{}"></div></div>',
                items,
            ),
        )

    def id_for_label(self, id_):
        return id_


def _parse_iso(value: str):
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        return None
    return [str(day.day), str(day.month), str(day.year)]


class DateField(forms.Field):
    """A date typed as day, month and year, refused with the Design System's messages."""

    widget = DateInput

    def to_python(self, value):
        if value in (None, "", [None, None, None]):
            return None
        if isinstance(value, dt.date):
            return value
        if isinstance(value, str):
            try:
                return dt.date.fromisoformat(value)
            except ValueError:
                raise forms.ValidationError(
                    f"{self.label} must be a real date", code="invalid"
                ) from None
        day, month, year = (str(v or "").strip() for v in value)
        if not (day or month or year):
            return None
        label = self.label or "Date"
        missing = [n for n, v in (("day", day), ("month", month), ("year", year)) if not v]
        if missing:
            raise forms.ValidationError(
                f"{label} must include a {' and a '.join(missing)}", code="incomplete"
            )
        if not (day.isascii() and day.isdigit() and month.isascii() and month.isdigit()):
            raise forms.ValidationError(f"{label} must be a real date", code="invalid")
        if not (year.isascii() and year.isdigit() and len(year) == 4):
            raise forms.ValidationError("Year must include 4 numbers", code="invalid_year")
        try:
            return dt.date(int(year), int(month), int(day))
        except ValueError:
            raise forms.ValidationError(f"{label} must be a real date", code="invalid") from None
