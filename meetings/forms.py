"""Forms for the clerk's workspace. Each says what is wrong in words a clerk uses."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone

from reports.models import Report

from .models import EXEMPTION_CHOICES, AgendaItem, Attendance, Committee, Meeting, Minutes, Part


class DateInput(forms.DateInput):
    input_type = "date"


class TimeInput(forms.TimeInput):
    input_type = "time"


class MeetingCreateForm(forms.Form):
    committee = forms.ModelChoiceField(
        queryset=Committee.objects.filter(is_active=True).order_by("name"),
        empty_label="Choose a committee",
    )
    date = forms.DateField(widget=DateInput, help_text="For example 22/09/2014.")
    time = forms.TimeField(
        required=False, widget=TimeInput, help_text="Leave empty for the committee's usual time."
    )
    venue = forms.CharField(
        required=False, max_length=200, help_text="Leave empty for the committee's usual venue."
    )

    def clean(self):
        data = super().clean()
        committee = data.get("committee")
        if committee and not data.get("time"):
            if committee.default_start_time is None:
                self.add_error("time", "This committee has no usual time: enter one.")
            else:
                data["time"] = committee.default_start_time
        return data

    def start(self) -> dt.datetime:
        naive = dt.datetime.combine(self.cleaned_data["date"], self.cleaned_data["time"])
        return timezone.make_aware(naive)


class AgendaItemForm(forms.ModelForm):
    bullet_points = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="One bullet point a line.",
    )
    part = forms.ChoiceField(choices=Part.choices, widget=forms.RadioSelect, initial=Part.PUBLIC)
    exemption_paragraph = forms.TypedChoiceField(
        choices=[("", "Not exempt"), *EXEMPTION_CHOICES],
        coerce=int,
        empty_value=None,
        required=False,
        label="Exemption (Schedule 12A to the Local Government Act 1972)",
    )

    class Meta:
        model = AgendaItem
        fields = [
            "title", "description", "bullet_points", "presenter", "part",
            "exemption_paragraph", "public_description",
        ]  # fmt: skip
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "public_description": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, parent: AgendaItem | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance and self.instance.pk:
            self.initial["bullet_points"] = "\n".join(self.instance.bullet_points or [])
            parent = self.instance.parent if self.instance.parent_id else None
        # A sub-item of private business is private with its item: not the clerk's choice.
        self.under_private = parent is not None and parent.part == Part.PRIVATE
        if self.under_private:
            part = self.fields["part"]
            part.choices = [(Part.PRIVATE, f"Private, with item {parent.number}")]
            part.initial = Part.PRIVATE
            part.disabled = True
            part.help_text = (
                f"Item {parent.number} is private business, so everything under it is private."
            )
            self.fields["exemption_paragraph"].help_text = (
                f"Leave as 'Not exempt' to use item {parent.number}'s paragraph "
                f"({parent.exemption_paragraph})."
            )

    def clean_bullet_points(self) -> list[str]:
        text = self.cleaned_data.get("bullet_points") or ""
        return [line.strip() for line in text.splitlines() if line.strip()]

    def clean(self):
        data = super().clean()
        if self.under_private:
            data["part"] = Part.PRIVATE  # the service gives it its item's paragraph if none
        elif data.get("part") == Part.PRIVATE:
            if not data.get("exemption_paragraph"):
                self.add_error(
                    "exemption_paragraph",
                    "A private item needs the paragraph of Schedule 12A that makes it exempt.",
                )
            if not (data.get("public_description") or "").strip():
                self.add_error(
                    "public_description",
                    "Say, for the public, why the item is exempt (without saying what it is).",
                )
        else:
            data["exemption_paragraph"] = None
        return data

    def _post_clean(self):
        # The service validates and saves; the form checks only what the clerk typed.
        pass


class UploadForm(forms.Form):
    file = forms.FileField(
        label="PDF or Word file",
        help_text="A PDF without passwords or scripts, or a Word document (.docx), which is "
        "converted to PDF.",
    )
    title = forms.CharField(max_length=500)
    kind = forms.ChoiceField(choices=Report.Kind.choices, initial=Report.Kind.REPORT)
    author = forms.CharField(max_length=300, required=False)
    is_exempt = forms.BooleanField(
        required=False,
        label="Exempt: members only, never in the public pack",
    )
    replaces = forms.ModelChoiceField(
        queryset=Report.objects.none(),
        required=False,
        label="Replaces (optional)",
        help_text="The published paper this one replaces when the supplementary agenda is "
        "published; the earlier pack versions keep the old one.",
    )

    def __init__(self, *args, item=None, **kwargs):
        super().__init__(*args, **kwargs)
        if item is not None and item.meeting.is_public:
            self.fields["replaces"].queryset = Report.objects.current().filter(
                agenda_item=item, is_pending=False
            )
        else:
            del self.fields["replaces"]


class AttendanceForm(forms.ModelForm):
    class Meta:
        model = Attendance
        fields = ["person", "group", "capacity", "directorate", "is_chair"]
        labels = {"is_chair": "Chair"}


AttendanceFormSet = forms.inlineformset_factory(
    Minutes, Attendance, form=AttendanceForm, extra=1, can_delete=True
)


class MinuteItemForm(forms.Form):
    narrative = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text="Paragraphs separated by a blank line; start a line with '- ' for a bullet.",
    )
    resolutions = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="One resolution a line, without 'RESOLVED that'. Several are numbered (1), (2).",
    )

    def clean_resolutions(self) -> list[str]:
        text = self.cleaned_data.get("resolutions") or ""
        return [line.strip() for line in text.splitlines() if line.strip()]


class ApproveForm(forms.Form):
    at = forms.ModelChoiceField(
        queryset=Meeting.objects.none(),
        label="Agreed as a true record at the meeting of",
        empty_label="Choose the meeting",
    )

    def __init__(self, *args, minutes: Minutes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["at"].queryset = Meeting.objects.filter(
            committee=minutes.meeting.committee, start__gt=minutes.meeting.start
        ).order_by("start")
