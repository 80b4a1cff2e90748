"""The clerk's pages for registers of interests: registers awaiting approval, who is overdue
(28 days from taking office), and one submitted version to approve or return with a reason.
The writes are ``meetings.interests``."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from . import interests, visibility
from .govuk import GovukFormMixin
from .models import InterestVersion
from .views_interests import grouped, shaped
from .workspace import clerk_required


class ReturnForm(GovukFormMixin, forms.Form):
    reason = forms.CharField(
        label="Why are you returning it?",
        help_text="The member reads this on their register page.",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        error_messages={"required": "Enter why the register is being returned"},
    )


@clerk_required
def interests_index(request: HttpRequest) -> HttpResponse:
    awaiting = (
        InterestVersion.objects.filter(state=InterestVersion.State.AWAITING)
        .select_related("person")
        .order_by("submitted_at", "pk")
    )
    return render(
        request,
        "workspace/interests_index.html",
        {
            "awaiting": awaiting,
            "overdue": interests.overdue_registrations(),
            "days": interests.REGISTER_WITHIN_DAYS,
        },
    )


@clerk_required
def interests_review(request: HttpRequest, pk: int) -> HttpResponse:
    version = get_object_or_404(InterestVersion.objects.select_related("person"), pk=pk)
    form = ReturnForm()
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "approve":
                interests.interest_approve(version=version, by=request.user)
                messages.success(
                    request, f"The register of {version.person.display_name} is approved."
                )
                return redirect("workspace-interests")
            form = ReturnForm(request.POST)
            if form.is_valid():
                interests.interest_return(
                    version=version, by=request.user, reason=form.cleaned_data["reason"]
                )
                messages.success(
                    request,
                    f"The register of {version.person.display_name} is returned to them.",
                )
                return redirect("workspace-interests")
        except ValidationError as error:
            form.add_error(None, error)
    current = interests.current_version(version.person)
    return render(
        request,
        "workspace/interests_review.html",
        {
            "version": version,
            "form": form,
            "groups": grouped(shaped(version.entries.all(), visibility.CLERKS)),
            "current": current,
            "current_groups": grouped(shaped(current.entries.all(), visibility.CLERKS))
            if current and current.pk != version.pk
            else [],
        },
    )
