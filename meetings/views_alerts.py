"""E-mail alerts' pages: follow something, confirm, unsubscribe (one click, RFC 8058), delete an
address. Anyone may use them, signed in or not; the services are in ``meetings.alerts``."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from . import alerts
from .govuk import GovukFormMixin
from .models import AlertSubscription, Passage
from .search.filters import SearchFilter


def _base_url(request: HttpRequest) -> str:
    return f"{request.scheme}://{request.get_host()}"


def _bad_link(request: HttpRequest, error: ValidationError) -> HttpResponse:
    """A tampered or expired link: said clearly, nothing changed."""
    return render(
        request, "meetings/alerts_bad_link.html", {"error": error.messages[0]}, status=400
    )


def _filters_valid(filters: dict) -> bool:
    """A saved search's filters as the search page checks them."""
    data = QueryDict(mutable=True)
    for name, value in filters.items():
        data.setlist(name, str(value).split(",") if name == "kind" else [value])
    return SearchFilter(data, queryset=Passage.objects.none()).is_valid()


class FollowForm(GovukFormMixin, forms.Form):
    email = forms.CharField(
        label="Your e-mail address",
        max_length=254,
        help_text="We use it only to send these alerts. You can delete it at any time.",
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
        error_messages={"required": "Enter your e-mail address"},
    )
    frequency = forms.ChoiceField(
        label="How often do you want e-mails?",
        choices=[
            (AlertSubscription.Frequency.IMMEDIATE, "As it happens: one e-mail for each update"),
            (AlertSubscription.Frequency.DAILY, "A daily digest: one e-mail a day at most"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how often you want e-mails."},
    )

    def clean_email(self):
        try:
            return alerts.clean_email(self.cleaned_data["email"])
        except ValidationError as e:
            raise forms.ValidationError(e.messages[0]) from None


class DeleteForm(GovukFormMixin, forms.Form):
    email = forms.CharField(
        label="Your e-mail address",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
        error_messages={"required": "Enter your e-mail address"},
    )

    clean_email = FollowForm.clean_email


@require_http_methods(["GET", "POST"])
def follow(request: HttpRequest) -> HttpResponse:
    """Get e-mail alerts about what the parameters name (``committee``, ``person``, ``plan``,
    or ``q`` with the search's filters); with none, say how to choose."""
    source = request.POST if request.method == "POST" else request.GET
    target = alerts.target_from(source)
    if target is None:
        status = 404 if any(source.get(k) for k in ("committee", "person", "plan")) else 200
        return render(request, "meetings/alerts_choose.html", status=status)
    if target.kind == AlertSubscription.Kind.SEARCH and not _filters_valid(target.filters):
        bad = ValidationError("This search's filters are not valid: search again, then follow it.")
        return _bad_link(request, bad)
    form = FollowForm(request.POST or None, initial={"frequency": "immediate"})
    if request.method == "POST" and form.is_valid():
        alerts.subscribe(
            email=form.cleaned_data["email"],
            target=target,
            frequency=form.cleaned_data["frequency"],
            base_url=_base_url(request),
        )
        return redirect("alerts-check-email")
    return render(
        request,
        "meetings/alerts_follow.html",
        {"form": form, "target": target, "params": target.as_params()},
    )


def check_email(request: HttpRequest) -> HttpResponse:
    return render(request, "meetings/alerts_check_email.html")


@require_http_methods(["GET", "POST"])
def confirm(request: HttpRequest, token: str) -> HttpResponse:
    """The confirmation link: GET shows the button (a mail scanner's fetch changes nothing),
    POST confirms."""
    try:
        alerts.confirmation(token)
    except ValidationError as e:
        return _bad_link(request, e)
    if request.method == "POST":
        sub = alerts.confirm(token=token)
        return render(
            request, "meetings/alerts_confirmed.html", {"target": alerts.target_of(sub), "sub": sub}
        )
    return render(request, "meetings/alerts_confirm.html", {"token": token})


# RFC 8058: a mail client's one-click POST carries no CSRF token; the signed token is the proof.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    try:
        subs = alerts.unsubscription(token)
    except ValidationError as e:
        return _bad_link(request, e)
    if request.method == "POST":
        alerts.unsubscribe(token=token)
        return render(request, "meetings/alerts_unsubscribed.html")
    return render(
        request,
        "meetings/alerts_unsubscribe.html",
        {"token": token, "targets": [alerts.target_of(s) for s in subs]},
    )


@require_http_methods(["GET", "POST"])
def manage(request: HttpRequest) -> HttpResponse:
    """Delete my address: a signed link is sent to it (the page says the same whether or not it
    is stored)."""
    form = DeleteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        alerts.request_deletion(email=form.cleaned_data["email"], base_url=_base_url(request))
        messages.success(
            request,
            f"If {form.cleaned_data['email']} gets e-mail alerts from us, we have sent it a link "
            "to delete it. The link works for 2 days.",
        )
        return redirect("alerts-manage")
    return render(request, "meetings/alerts_manage.html", {"form": form})


@require_http_methods(["GET", "POST"])
def delete(request: HttpRequest, token: str) -> HttpResponse:
    try:
        address = alerts.deletion_address(token)
    except ValidationError as e:
        return _bad_link(request, e)
    if request.method == "POST":
        alerts.delete_address(token=token)
        messages.success(request, "Your address and everything it followed have been deleted.")
        return redirect(reverse("alerts-manage"))
    return render(request, "meetings/alerts_delete.html", {"address": address, "token": token})
