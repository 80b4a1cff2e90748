"""Forms for the clerk's workspace. Each says what is wrong in words a clerk uses."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone

from reports.models import Report

from . import govuk
from .govuk import GovukFormMixin
from .models import AgendaItem, Committee, Meeting, Part
from .models.agenda import SCHEDULE_12A_PARAGRAPHS, SCHEDULE_12A_SHORT_NAMES


class TimeInput(forms.TimeInput):
    input_type = "time"


class MeetingCreateForm(GovukFormMixin, forms.Form):
    committee = forms.ModelChoiceField(
        queryset=Committee.objects.filter(is_active=True).order_by("name"),
        empty_label="Choose a committee",
        error_messages={"required": "Choose the committee that meets"},
    )
    date = govuk.DateField(
        label="Date", help_text="For example, 22 9 2014.", required=True,
        error_messages={"required": "Enter the date of the meeting"},
    )  # fmt: skip
    time = forms.TimeField(
        required=False,
        widget=TimeInput(attrs={"class": "govuk-input--width-5"}),
        help_text="Leave empty for the committee's usual time.",
        error_messages={"invalid": "Enter the time as hours and minutes, for example 14:00"},
    )
    venue = forms.CharField(
        required=False, max_length=200, help_text="Leave empty for the committee's usual venue."
    )

    def clean(self):
        data = super().clean()
        committee = data.get("committee")
        if committee and not data.get("time") and "time" not in self.errors:
            if committee.default_start_time is None:
                self.add_error("time", "This committee has no usual time: enter one.")
            else:
                data["time"] = committee.default_start_time
        return data

    def start(self) -> dt.datetime:
        naive = dt.datetime.combine(self.cleaned_data["date"], self.cleaned_data["time"])
        return timezone.make_aware(naive)


def exemption_choice_label(number: int) -> str:
    """How a clerk names a paragraph: its number, a dash and its short name."""
    return f"{number} – {SCHEDULE_12A_SHORT_NAMES[number]}"


class AgendaItemForm(GovukFormMixin, forms.ModelForm):
    position = forms.ChoiceField(
        label="Position",
        widget=forms.RadioSelect,
        required=False,
        help_text="Where the item goes on the agenda; the items after it are renumbered.",
    )
    bullet_points = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="One bullet point a line. They are printed under the title, as a list.",
    )
    part = forms.ChoiceField(
        choices=[(Part.PUBLIC, "Public business"), (Part.PRIVATE, "Private business")],
        widget=forms.RadioSelect,
        initial=Part.PUBLIC,
        label="Part of the agenda",
    )
    exemption_paragraph = forms.TypedChoiceField(
        choices=[(n, exemption_choice_label(n)) for n in SCHEDULE_12A_SHORT_NAMES],
        widget=forms.RadioSelect,
        coerce=int,
        empty_value=None,
        required=False,
        label="Exemption: paragraph of Schedule 12A to the Local Government Act 1972",
        help_text="For private business only.",
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
        labels = {"public_description": "What the public is told"}
        help_texts = {
            "description": "Start a line with '- ' for a bullet point.",
            "public_description": "For private business: only why it is exempt, never what it is.",
        }
        error_messages = {"title": {"required": "Enter the item's title"}}

    # The statutory text of each paragraph, for the page to show on demand.
    statutory_text = SCHEDULE_12A_PARAGRAPHS

    def __init__(
        self, *args, parent: AgendaItem | None = None, meeting: Meeting | None = None, **kwargs
    ):
        super().__init__(*args, **kwargs)
        self.order_fields(["position", *self.Meta.fields])
        if self.instance and self.instance.pk:
            self.initial["bullet_points"] = "\n".join(self.instance.bullet_points or [])
            parent = self.instance.parent if self.instance.parent_id else None
        self.parent = parent
        self.siblings: list[AgendaItem] = []
        if meeting is not None and not self.instance.pk and meeting.status == Meeting.Status.DRAFT:
            self.siblings = list(
                AgendaItem.objects.filter(meeting=meeting, parent=parent)
                .select_related("parent")
                .order_by("position", "pk")
            )
        if self.siblings:

            def name(item: AgendaItem) -> str:
                return f"{item.display_number} {item.title}"

            last = self.siblings[-1]
            self.fields["position"].choices = [
                ("start", f"At the start (before {name(self.siblings[0])})"),
                *((str(s.pk), f"After {name(s)}") for s in self.siblings[:-1]),
                ("end", f"At the end (after {name(last)})"),
            ]
            self.fields["position"].initial = "end"
        else:
            del self.fields["position"]
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
            paragraph = self.fields["exemption_paragraph"]
            paragraph.choices = [
                ("", f"As item {parent.number}: paragraph {parent.exemption_paragraph}"),
                *paragraph.choices,
            ]
            paragraph.help_text = f"Keep item {parent.number}'s paragraph unless this one differs."
            self.initial.setdefault("exemption_paragraph", "")

    def clean_position(self) -> int | None:
        """The item's place among its siblings, counting from 1 (None: at the end)."""
        value = self.cleaned_data.get("position") or "end"
        if value == "end":
            return None
        if value == "start":
            return 1
        for index, sibling in enumerate(self.siblings, start=1):
            if str(sibling.pk) == value:
                return index + 1
        raise forms.ValidationError("Choose where the item goes")

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
                    "A private item needs the paragraph of Schedule 12A that makes it exempt: "
                    "choose one.",
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


class UploadForm(GovukFormMixin, forms.Form):
    file = forms.FileField(
        label="PDF or Word file",
        help_text="A PDF without passwords or scripts, or a Word document (.docx), which is "
        "converted to PDF.",
        error_messages={
            "required": "Choose the PDF or Word file to upload",
            "empty": "The file you chose is empty: choose the document itself",
        },
    )
    title = forms.CharField(
        max_length=500, error_messages={"required": "Enter the document's title"}
    )
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


class CancelForm(GovukFormMixin, forms.Form):
    reason = forms.CharField(
        label="Why is the meeting cancelled?",
        help_text="Shown on the meeting's page, in the calendars and in the open data. Say "
        "nothing exempt.",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        error_messages={"required": "Enter why the meeting is cancelled: the public is told"},
    )


class PostponeForm(GovukFormMixin, forms.Form):
    reason = forms.CharField(
        label="Why is the meeting postponed?",
        help_text="Shown on the meeting's page, in the calendars and in the open data. Say "
        "nothing exempt.",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        error_messages={"required": "Enter why the meeting is postponed: the public is told"},
    )
    when = forms.ChoiceField(
        label="The new date",
        choices=[("tbc", "Date to be confirmed"), ("date", "The new date is known")],
        widget=forms.RadioSelect,
        initial="tbc",
    )
    new_date = govuk.DateField(
        label="New date",
        required=False,
        help_text="If the new date is known. For example, 6 10 2014.",
    )

    def __init__(self, *args, meeting: Meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.meeting = meeting

    def clean(self):
        data = super().clean()
        if data.get("when") == "date":
            new_date = data.get("new_date")
            if new_date is None and "new_date" not in self.errors:
                self.add_error("new_date", "Enter the new date, or choose 'Date to be confirmed'")
            elif new_date is not None and new_date <= timezone.localtime(self.meeting.start).date():
                self.add_error(
                    "new_date", "The new date must be after the date the meeting was to be held"
                )
        else:
            data["new_date"] = None
        return data
