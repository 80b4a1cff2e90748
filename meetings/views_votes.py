"""Recorded votes: the public list, a person's votes, and the clerk's page for recording a vote
on a resolution of a meeting's minutes. Reads start from ``visible_to(user)``; the write is
``meetings.votes.vote_record``."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from . import votes
from .govuk import GovukFormMixin
from .models import (
    Meeting,
    Membership,
    Person,
    RecordedVote,
    Resolution,
    VoteCast,
)
from .workspace import clerk_required

PAGE_SIZE = 25
OUTCOME_TAGS = {"carried": "govuk-tag--green", "lost": "govuk-tag--red"}


def _votes(user):
    return (
        RecordedVote.objects.visible_to(user)
        .select_related("resolution__minute_item__minutes__meeting__committee")
        .prefetch_related(Prefetch("casts", queryset=VoteCast.objects.select_related("person")))
        .order_by("-resolution__minute_item__minutes__meeting__start", "pk")
    )


def _shaped(vote_list) -> list[RecordedVote]:
    for vote in vote_list:
        vote.tag = OUTCOME_TAGS[vote.outcome]
        vote.count = vote.counts()
        vote.by_name = vote.names() if vote.names_recorded else None
        vote.meeting = vote.resolution.minute_item.minutes.meeting
    return vote_list


def vote_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(_votes(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    _shaped(page.object_list)
    return render(request, "meetings/votes_list.html", {"page": page, "query": ""})


def person_votes(request: HttpRequest, slug: str) -> HttpResponse:
    person = get_object_or_404(Person, slug=slug)
    casts = (
        VoteCast.objects.filter(
            person=person, vote__in=RecordedVote.objects.visible_to(request.user)
        )
        .select_related("vote__resolution__minute_item__minutes__meeting__committee")
        .order_by("-vote__resolution__minute_item__minutes__meeting__start")
    )
    page = Paginator(casts, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request, "meetings/votes_person.html", {"person": person, "page": page, "query": ""}
    )


# ---------------------------------------------------------------------------------------------
# The clerk's pages
# ---------------------------------------------------------------------------------------------

OPTION_CHOICES = [("", "Did not vote"), *VoteCast.Option.choices]


class VoteForm(GovukFormMixin, forms.Form):
    motion = forms.CharField(
        label="What was put to the vote (if not the resolution as recorded)",
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )
    outcome = forms.ChoiceField(
        label="Outcome", choices=RecordedVote.Outcome.choices, widget=forms.RadioSelect
    )
    is_budget_vote = forms.BooleanField(
        label="A budget decision (names must be recorded)", required=False
    )
    names_recorded = forms.ChoiceField(
        label="How the vote was recorded",
        choices=[("yes", "By name"), ("no", "Totals only")],
        widget=forms.RadioSelect,
        initial="yes",
    )
    for_count = forms.IntegerField(label="Total for", min_value=0, required=False)
    against_count = forms.IntegerField(label="Total against", min_value=0, required=False)
    abstain_count = forms.IntegerField(label="Total abstaining", min_value=0, required=False)

    def __init__(self, *args, people: list[Person], **kwargs):
        self.people = people
        super().__init__(*args, **kwargs)
        for person in people:
            self.fields[f"person_{person.pk}"] = forms.ChoiceField(
                label=person.display_name,
                choices=OPTION_CHOICES,
                required=False,
                widget=forms.Select(attrs={"class": "govuk-select"}),
            )

    def person_fields(self):
        return [self[f"person_{p.pk}"] for p in self.people]

    def clean(self):
        data = super().clean()
        if data.get("names_recorded") == "no":
            for name in ("for_count", "against_count", "abstain_count"):
                if data.get(name) is None:
                    self.add_error(name, f"Enter the {self.fields[name].label.lower()}")
        return data


def _people_for(meeting: Meeting) -> list[Person]:
    """Who may have voted: the board members recorded as present, else the committee's
    members on the day."""
    present = list(
        Person.objects.filter(
            attendance__minutes__meeting=meeting,
            attendance__group__in=["board_member", "other_representative"],
        )
        .distinct()
        .order_by("surname", "pk")
    )
    if present:
        return present
    day = timezone.localtime(meeting.start).date()
    memberships = Membership.objects.filter(committee=meeting.committee).select_related("person")
    return sorted(
        {m.person for m in memberships if m.is_current(day)}, key=lambda p: (p.surname, p.pk)
    )


@clerk_required
def meeting_votes(request: HttpRequest, slug: str) -> HttpResponse:
    meeting = get_object_or_404(Meeting.objects.select_related("committee"), slug=slug)
    resolutions = (
        Resolution.objects.filter(minute_item__minutes__meeting=meeting)
        .select_related("minute_item")
        .prefetch_related("votes")
        .order_by("minute_item__position", "position")
    )
    return render(
        request,
        "workspace/votes_meeting.html",
        {"meeting": meeting, "resolutions": resolutions},
    )


@clerk_required
def vote_new(request: HttpRequest, pk: int) -> HttpResponse:
    resolution = get_object_or_404(
        Resolution.objects.select_related("minute_item__minutes__meeting__committee"), pk=pk
    )
    meeting = resolution.minute_item.minutes.meeting
    people = _people_for(meeting)
    form = VoteForm(request.POST or None, people=people)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        by_name = data["names_recorded"] == "yes"
        casts = {p: data[f"person_{p.pk}"] for p in people} if by_name else None
        totals = (
            None if by_name else (data["for_count"], data["against_count"], data["abstain_count"])
        )
        try:
            votes.vote_record(
                resolution=resolution,
                by=request.user,
                outcome=data["outcome"],
                motion=data["motion"],
                is_budget_vote=data["is_budget_vote"],
                casts=casts,
                totals=totals,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "The vote is recorded.")
            return redirect("workspace-meeting-votes", slug=meeting.slug)
    return render(
        request,
        "workspace/votes_form.html",
        {"form": form, "resolution": resolution, "meeting": meeting},
    )
