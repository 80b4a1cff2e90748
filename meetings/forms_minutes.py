"""Forms of the minutes screen: attendance as one list of the committee's members (present,
apologies or absent) with the substitutes, other representatives and officers who came; a
minute with its resolutions; the meeting that approved the minutes. Each says what is wrong in
words a clerk uses."""

from __future__ import annotations

import hashlib
import re

from django import forms

from .govuk import GovukFormMixin
from .models import (
    Attendance,
    Declaration,
    InterestEntry,
    Meeting,
    Membership,
    Minutes,
    Person,
)

PRESENT, APOLOGIES, ABSENT = "present", "apologies", "absent"
CHAIR = "chair"  # in ``current``: present, and chaired the meeting
MEMBER_CHOICES = [(PRESENT, "Present"), (APOLOGIES, "Apologies"), (ABSENT, "Absent")]
OTHER_GROUPS = [
    (Attendance.Group.BOARD_MEMBER, "Board member or substitute"),
    (Attendance.Group.OTHER_REPRESENTATIVE, "Other representative"),
    (Attendance.Group.OFFICER, "Officer"),
]
NARRATIVE_MAX = 50_000
RESOLUTION_MAX = 2_000


def capacity_of(person: Person, membership: Membership | None = None) -> str:
    """What the minutes print after a name unless the clerk says otherwise."""
    return (
        (membership.organisation if membership else "") or person.organisation or (person.job_title)
    )


class AttendanceForm(GovukFormMixin, forms.Form):
    """One radio group a member of the committee: present, apologies or absent."""

    def __init__(self, *args, memberships: list[Membership], current: dict[int, str], **kwargs):
        super().__init__(*args, **kwargs)
        self.memberships = memberships
        for membership in memberships:
            person = membership.person
            label = person.display_name
            if membership.role == Membership.Role.CHAIR:
                label += " (Chair)"
            field = forms.ChoiceField(
                label=label,
                choices=MEMBER_CHOICES,
                widget=forms.RadioSelect(attrs={"class": "govuk-radios__input"}),
                initial=PRESENT if current.get(person.pk) == CHAIR else current.get(person.pk),
                help_text=capacity_of(person, membership),
                error_messages={
                    "required": f"Say whether {person.display_name} was present, sent "
                    "apologies or was absent"
                },
            )
            self.fields[f"member_{person.pk}"] = field
        chair = next((pk for pk, choice in current.items() if choice == CHAIR), None)
        if chair is None:
            chair = next(
                (m.person.pk for m in memberships if m.role == Membership.Role.CHAIR), None
            )
        self.fields["chair"] = forms.ChoiceField(
            label="Chaired by",
            required=False,
            choices=[("", "Nobody named")]
            + [(str(m.person.pk), m.person.display_name) for m in memberships],
            initial=str(chair) if chair else "",
            help_text="Printed “(Chair)” after the name in the minutes.",
            widget=forms.Select(attrs={"class": "govuk-select"}),
        )
        self.fields["chair"].widget.attrs["aria-describedby"] = "id_chair_hint"

    def clean(self):
        data = super().clean()
        chair = data.get("chair")
        if chair and data.get(f"member_{chair}") not in (None, PRESENT):
            names = {str(m.person.pk): m.person.display_name for m in self.memberships}
            self.add_error(
                "chair",
                f"{names[chair]} chaired the meeting, so was present: mark them present or "
                "choose who chaired",
            )
        return data

    def member_rows(self):
        """(membership, bound field) in the committee's order."""
        return [(m, self[f"member_{m.person.pk}"]) for m in self.memberships]


class OtherAttendeeForm(GovukFormMixin, forms.Form):
    """Someone at the meeting who is not a member of the committee."""

    person = forms.ModelChoiceField(
        queryset=Person.objects.none(),
        required=False,
        label="Name",
        empty_label="Choose a person (or leave empty)",
        help_text="Leave empty to take someone off the list.",
    )
    group = forms.ChoiceField(
        label="Attended as",
        choices=OTHER_GROUPS,
        required=False,
        widget=forms.RadioSelect,
    )
    capacity = forms.CharField(
        label="Printed after the name",
        required=False,
        max_length=200,
        help_text="Leave empty for their organisation, e.g. “Coventry and Rugby CCG”.",
    )
    directorate = forms.CharField(
        label="Directorate (officers)",
        required=False,
        max_length=100,
        help_text="Officers are listed by directorate, e.g. “People”.",
    )

    def __init__(self, *args, people=None, people_choices=None, **kwargs):
        super().__init__(*args, **kwargs)
        if people is not None:
            self.fields["person"].queryset = people
        if people_choices is not None:
            # Read once for every row (the queryset still checks what is sent).
            self.fields["person"].choices = people_choices

    def clean(self):
        data = super().clean()
        person = data.get("person")
        if person and not data.get("group"):
            self.add_error(
                "group",
                f"Say whether {person.display_name} attended as a board member or substitute, "
                "another representative or an officer",
            )
        return data


def minute_version(narrative: str, resolutions: list[str]) -> str:
    """A short fingerprint of a minute's words: the page's autosave sends the one it last saw,
    so a draft never overwrites what was saved since (another tab, another clerk, or a Save
    that arrived first)."""
    text = "\x00".join([narrative, *resolutions])
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def person_label(person: Person) -> str:
    """Surname first, so a clerk finds a name by typing it."""
    name = f"{person.surname}, {person.forenames or person.honorific}".rstrip(", ")
    where = person.organisation or person.job_title
    return f"{name} ({where})" if where else name


class BaseOthersFormSet(forms.BaseFormSet):
    def __init__(self, *args, people=None, **kwargs):
        self.people = people
        self.people_choices = [("", OtherAttendeeForm.base_fields["person"].empty_label)] + [
            (person.pk, person_label(person)) for person in (people if people is not None else [])
        ]
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        return {
            **super().get_form_kwargs(index),
            "people": self.people,
            "people_choices": self.people_choices,
        }

    @property
    def empty_form(self):
        form = self.form(
            auto_id=self.auto_id,
            prefix=self.add_prefix("__prefix__"),
            empty_permitted=True,
            use_required_attribute=False,
            people=self.people,
            people_choices=self.people_choices,
            renderer=self.renderer,
        )
        self.add_fields(form, None)
        return form


OthersFormSet = forms.formset_factory(
    OtherAttendeeForm, formset=BaseOthersFormSet, extra=3, max_num=200, absolute_max=200
)


class MinuteItemForm(GovukFormMixin, forms.Form):
    """A minute: its words, and its resolutions one a box ("resolution_1", "resolution_2" ...,
    as many as the page sends, so a box added by the page's script needs no server)."""

    version = forms.CharField(required=False, widget=forms.HiddenInput, max_length=64)
    narrative = forms.CharField(
        label="Minute",
        required=False,
        max_length=NARRATIVE_MAX,
        widget=forms.Textarea(attrs={"rows": 14, "spellcheck": "true"}),
        help_text="Paragraphs separated by a blank line; a line starting “- ” is a bullet point.",
    )

    def __init__(self, *args, resolutions: list[str] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        resolutions = list(resolutions or [])
        sent = [
            int(match.group(1))
            for key in (self.data or {})
            if (match := re.fullmatch(r"resolution_(\d{1,3})", key))
        ]
        count = max([len(resolutions) + 1, *sent]) if self.is_bound else len(resolutions) + 1
        for n in range(1, count + 1):
            self.fields[f"resolution_{n}"] = forms.CharField(
                label=f"Resolution {n}",
                required=False,
                max_length=RESOLUTION_MAX,
                initial=resolutions[n - 1] if n <= len(resolutions) else "",
                widget=forms.Textarea(attrs={"rows": 3, "class": "govuk-textarea"}),
                error_messages={
                    "max_length": f"Resolution {n} must be {RESOLUTION_MAX:,} characters or "
                    "fewer: split it into two resolutions"
                },
            )
        self.fields["narrative"].error_messages["max_length"] = (
            f"The minute must be {NARRATIVE_MAX:,} characters or fewer"
        )

    def resolution_fields(self):
        return [self[name] for name in self.fields if name.startswith("resolution_")]

    def clean(self):
        data = super().clean()
        data["resolutions"] = [
            " ".join(str(data.get(name) or "").split())
            for name in self.fields
            if name.startswith("resolution_") and str(data.get(name) or "").strip()
        ]
        return data

    def values(self) -> dict:
        return {
            "narrative": self.cleaned_data["narrative"].replace("\r\n", "\n").strip(),
            "resolutions": self.cleaned_data["resolutions"],
        }


class ApproveForm(GovukFormMixin, forms.Form):
    at = forms.ModelChoiceField(
        queryset=Meeting.objects.none(),
        label="Agreed as a true record at the meeting of",
        empty_label="Choose the meeting",
        error_messages={"required": "Choose the later meeting that agreed the minutes"},
    )

    def __init__(self, *args, minutes: Minutes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["at"].queryset = Meeting.objects.filter(
            committee=minutes.meeting.committee, start__gt=minutes.meeting.start
        ).order_by("start")


INTEREST_MAX = 2_000


class DeclarationForm(GovukFormMixin, forms.Form):
    """A declaration of interest under a minute: who (those who attended, then the committee's
    other members), the kind, the interest, whether they left the room, and the entry of their
    published register it refers to (every entry of everyone listed, grouped by person: the
    service refuses another person's entry, so the page needs no script)."""

    person = forms.ModelChoiceField(
        queryset=Person.objects.none(),
        label="Who declared",
        empty_label="Choose a person",
        error_messages={"required": "Choose who declared the interest"},
    )
    kind = forms.ChoiceField(
        label="Kind of interest",
        choices=Declaration.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the kind of interest declared"},
    )
    interest = forms.CharField(
        label="The interest",
        max_length=INTEREST_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="The minutes print it after the kind of interest, e.g. “Owns a car park on "
        "Spon Street”.",
        error_messages={
            "required": "Enter the interest declared",
            "max_length": f"The interest must be {INTEREST_MAX:,} characters or fewer",
        },
    )
    left_room = forms.BooleanField(
        label="They left the room for this item",
        required=False,
        help_text="For the item's discussion and vote.",
    )
    register_entry = forms.ModelChoiceField(
        queryset=InterestEntry.objects.none(),
        required=False,
        label="Entry in their register of interests (optional)",
        empty_label="None",
        help_text="The minutes link to it. Only entries of their published register are listed.",
    )

    def __init__(self, *args, declarers, entries: dict, current=None, **kwargs):
        kwargs.setdefault("prefix", "declaration")
        super().__init__(*args, **kwargs)
        attended, members = list(declarers.attended), list(declarers.members)
        people = attended + members
        if current is not None and all(p.pk != current.person_id for p in people):
            # Named before the attendance was corrected: kept until the clerk changes it.
            attended.append(current.person)
            people.append(current.person)
        self.fields["person"].queryset = Person.objects.filter(pk__in=[p.pk for p in people])
        groups = [
            (label, [(p.pk, p.display_name) for p in group])
            for label, group in (
                ("At the meeting", attended),
                ("Members of the committee not recorded as attending", members),
            )
            if group
        ]
        self.fields["person"].choices = [("", self.fields["person"].empty_label), *groups]
        entries = {pk: list(rows) for pk, rows in entries.items()}
        linked = current.register_entry if current is not None else None
        if linked is not None and all(
            e.pk != linked.pk for e in entries.get(linked.version.person_id, [])
        ):
            entries.setdefault(linked.version.person_id, []).append(linked)
        self.fields["register_entry"].queryset = InterestEntry.objects.filter(
            pk__in=[e.pk for rows in entries.values() for e in rows]
        )
        self.fields["register_entry"].choices = [("", "None")] + [
            (
                p.display_name,
                [(e.pk, entry_label(e)) for e in entries[p.pk]],
            )
            for p in people
            if entries.get(p.pk)
        ]

    def values(self) -> dict:
        data = self.cleaned_data
        return {
            "person": data["person"],
            "kind": data["kind"],
            "interest": " ".join(data["interest"].split()),
            "left_room": data["left_room"],
            "register_entry": data["register_entry"],
        }


def entry_label(entry) -> str:
    """An entry of a register as the clerk picks it: its category and its words, shortened."""
    words = " ".join(entry.description.split())
    if len(words) > 80:
        words = words[:79] + "…"
    return f"{entry.get_category_display()}: {words}"
