"""Registers of interests: the public register (every member, when each last updated theirs), a
member's register (the approved version, with earlier approved versions listed), an earlier
version, and the member's own page in the portal where they keep theirs up to date.

Reads start from ``InterestVersion.objects.visible_to(user)``; what a sensitive entry shows is
``visibility.interest_details_shown``; the writes are ``meetings.interests``."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Max, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from . import govuk, interests, visibility
from .govuk import GovukFormMixin
from .member import person_of
from .models import (
    Declaration,
    InterestCategory,
    InterestEntry,
    InterestVersion,
    Membership,
    Person,
)
from .models.interests import PARTNER_CATEGORIES

DEMO_NOTICE = "Demonstration data: made up. These are not the registers of real people."


def shaped(entries, audience: int, *, own: bool = False) -> list[InterestEntry]:
    """Each entry with ``shown``: whether its details may be read (section 32)."""
    entries = list(entries)
    for entry in entries:
        entry.shown = visibility.interest_details_shown(entry, audience, own=own)
    return entries


def grouped(entries) -> list[tuple[str, list[InterestEntry]]]:
    """Entries under their categories, in the Regulations' order (categories with none left
    out)."""
    groups = []
    for value, label in InterestCategory.choices:
        rows = [e for e in entries if e.category == value]
        if rows:
            groups.append((label, rows))
    return groups


def _people():
    """Who the register lists: members with a current membership or a published register."""
    today = timezone.localdate()
    current = Membership.objects.filter(
        Q(start_date__isnull=True) | Q(start_date__lte=today),
        Q(end_date__isnull=True) | Q(end_date__gte=today),
    ).values("person")
    approved = InterestVersion.objects.filter(state=InterestVersion.State.APPROVED)
    return (
        Person.objects.filter(Q(pk__in=current) | Q(pk__in=approved.values("person")))
        .annotate(
            last_updated=Max(
                "interest_versions__decided_at",
                filter=Q(interest_versions__state=InterestVersion.State.APPROVED),
            )
        )
        .order_by("surname", "forenames", "pk")
    )


def register_index(request: HttpRequest) -> HttpResponse:
    people = list(_people())
    demo = InterestVersion.objects.filter(is_demo=True, state="approved").exists()
    return render(
        request,
        "meetings/interests_index.html",
        {"people": people, "demo_notice": DEMO_NOTICE if demo else ""},
    )


def _register_context(request, person: Person, version: InterestVersion | None) -> dict:
    audience = visibility.audience_of(request.user)
    entries = shaped(version.entries.all(), audience) if version else []
    return {
        "person": person,
        "version": version,
        "groups": grouped(entries),
        "audience_is_clerk": audience >= visibility.CLERKS,
        "demo_notice": DEMO_NOTICE if version and version.is_demo else "",
    }


def person_register(request: HttpRequest, slug: str) -> HttpResponse:
    person = get_object_or_404(Person, slug=slug)
    approved = list(person.interest_versions.approved())
    context = _register_context(request, person, approved[0] if approved else None)
    context["earlier"] = approved[1:]
    context["declarations"] = person_declarations(request.user, person)
    return render(request, "meetings/interests_person.html", context)


def register_version(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    person = get_object_or_404(Person, slug=slug)
    version = get_object_or_404(
        InterestVersion.objects.visible_to(request.user), pk=pk, person=person
    )
    context = _register_context(request, person, version)
    current = interests.current_version(person)
    context["is_current"] = current is not None and current.pk == version.pk
    return render(request, "meetings/interests_version.html", context)


def person_declarations(user, person: Person) -> list[Declaration]:
    """A person's declarations at meetings, in the minutes the user may read, newest first,
    each with the register entry it refers to (``entry_shown``: section 32 again)."""
    audience = visibility.audience_of(user)
    rows = list(
        Declaration.objects.visible_to(user)
        .filter(person=person)
        .select_related(
            "minute_item__minutes__meeting__committee", "agenda_item", "register_entry__version"
        )
        .order_by("-minute_item__minutes__meeting__start", "pk")
    )
    for row in rows:
        entry = row.register_entry
        row.entry_shown = bool(
            entry
            and entry.version.state == InterestVersion.State.APPROVED
            and visibility.interest_details_shown(entry, audience)
        )
        row.entry_withheld = bool(
            entry and entry.version.state == InterestVersion.State.APPROVED and not row.entry_shown
        )
    return rows


# ---------------------------------------------------------------------------------------------
# The member's own page
# ---------------------------------------------------------------------------------------------


class InterestEntryForm(GovukFormMixin, forms.Form):
    category = forms.ChoiceField(
        label="Category",
        choices=InterestCategory.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the category of the interest"},
    )
    held_by = forms.ChoiceField(
        label="Whose interest is it?",
        choices=InterestEntry.HeldBy.choices,
        widget=forms.RadioSelect,
        initial=InterestEntry.HeldBy.MEMBER,
        help_text="Your spouse's or partner's disclosable pecuniary interests are registered "
        "too (all but sponsorship); the register says 'member or partner' and does not name "
        "them.",
        error_messages={"required": "Select whose interest it is"},
    )
    description = forms.CharField(
        label="Details",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text="For example the employer and job, the address of the land, the body.",
        error_messages={"required": "Enter the details of the interest"},
    )
    start_date = govuk.DateField(
        label="Date it started", required=False, help_text="For example, 27 3 2024"
    )
    end_date = govuk.DateField(
        label="Date it ended", required=False, help_text="Leave blank if it continues"
    )
    sensitive = forms.BooleanField(
        label="Withhold the details: disclosing them could lead to violence or intimidation "
        "(Localism Act 2011 section 32)",
        required=False,
    )

    def clean(self):
        data = super().clean()
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", "The date it ended must be on or after the date it started")
        held_by, category = data.get("held_by"), data.get("category")
        if (
            held_by == InterestEntry.HeldBy.MEMBER_OR_PARTNER
            and category
            and category not in PARTNER_CATEGORIES
        ):
            self.add_error(
                "held_by",
                "Only a disclosable pecuniary interest other than sponsorship can be your "
                "partner's: select 'Member'",
            )
        return data


def _own_person(request: HttpRequest) -> Person:
    person = person_of(request.user)
    if person is None:
        raise PermissionDenied("Your account is not linked to a member of the council.")
    return person


def _my_context(request, person: Person, form) -> dict:
    open_version = interests.open_version(person)
    current = interests.current_version(person)
    latest = person.interest_versions.order_by("-created_at", "-pk").first()
    shown = open_version or current
    return {
        "person": person,
        "form": form,
        "open_version": open_version,
        "current": current,
        "returned": latest if latest and latest.state == InterestVersion.State.RETURNED else None,
        "shown_version": shown,
        "groups": grouped(shaped(shown.entries.all(), visibility.PUBLIC, own=True))
        if shown
        else [],
        "editable": open_version is None or open_version.state == InterestVersion.State.DRAFT,
        "versions": person.interest_versions.order_by("-created_at", "-pk"),
    }


@login_required
def my_register(request: HttpRequest) -> HttpResponse:
    person = _own_person(request)
    form = InterestEntryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            interests.interest_entry_add(person=person, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "The interest is added to your draft.")
            return redirect("my-interests")
    return render(request, "meetings/interests_mine.html", _my_context(request, person, form))


@login_required
@require_POST
def my_entry_remove(request: HttpRequest, pk: int) -> HttpResponse:
    person = _own_person(request)
    entry = InterestEntry.objects.filter(pk=pk, version__person=person).first()
    if entry is None:
        raise Http404("No such interest in your register.")
    try:
        interests.interest_entry_remove(person=person, entry=entry, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "The interest is taken off your draft.")
    return redirect("my-interests")


@login_required
@require_POST
def my_submit(request: HttpRequest) -> HttpResponse:
    person = _own_person(request)
    try:
        interests.interest_submit(person=person, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Your register is sent to the clerk for approval.")
    return redirect("my-interests")
