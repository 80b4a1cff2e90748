"""Sign-in pages: the password (with its lockout), then the code for clerks and admins."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from axes.helpers import get_cool_off
from axes.models import AccessAttempt
from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.views import redirect_to_login
from django.db.models import Max
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache

from meetings import roles

from . import twofactor
from .forms import CodeForm


def _next_url(request: HttpRequest) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse(settings.LOGIN_REDIRECT_URL)


def second_step_url(name: str, next_url: str) -> str:
    return f"{reverse(name)}?{urlencode({'next': next_url})}" if next_url else reverse(name)


class SignInView(auth_views.LoginView):
    """Django's sign-in; a clerk or admin goes on to the code (or to set up their app)."""

    redirect_authenticated_user = True

    def get_success_url(self) -> str:
        url = super().get_success_url()
        if roles.requires_second_factor(self.request.user):
            return second_step_url("two-factor", url)
        return url


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Django's; a new password also lifts any lockout of that user name, so whoever proved
    they hold the account's e-mail is not kept waiting by an attacker's wrong guesses."""

    def form_valid(self, form):
        response = super().form_valid(form)
        axes_reset(username=form.user.get_username())
        return response


def _second_step_gate(request: HttpRequest) -> HttpResponse | None:
    """Where to send someone who should not be on the code pages, or None."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not roles.awaits_second_factor(request.user):
        return redirect(_next_url(request))
    return None


@never_cache
def verify(request: HttpRequest) -> HttpResponse:
    """The second step: the 6-digit code from the authenticator app."""
    if (gate := _second_step_gate(request)) is not None:
        return gate
    device = twofactor.confirmed_device(request.user)
    next_url = _next_url(request)
    if device is None:
        return redirect(second_step_url("two-factor-setup", next_url))
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        check = twofactor.code_check(device, form.cleaned_data["code"])
        if check.ok:
            twofactor.session_verify(request, device)
            return redirect(next_url)
        form.add_error("code", check.message)
    return render(request, "registration/two_factor_verify.html", {"form": form, "next": next_url})


@never_cache
def setup(request: HttpRequest) -> HttpResponse:
    """First sign-in of a clerk or admin: add the portal to an authenticator app, then prove it
    with a code. Until then the account reaches only what the public can."""
    if (gate := _second_step_gate(request)) is not None:
        return gate
    next_url = _next_url(request)
    if twofactor.confirmed_device(request.user) is not None:
        return redirect(second_step_url("two-factor", next_url))
    device = twofactor.device_for_setup(request.user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        check = twofactor.code_check(device, form.cleaned_data["code"])
        if check.ok:
            twofactor.device_confirm(device)
            twofactor.session_verify(request, device)
            messages.success(
                request,
                "Two-factor sign-in is set up. From now on you sign in with your password and a "
                "code from the app.",
            )
            return redirect(next_url)
        form.add_error("code", check.message)
    return render(
        request,
        "registration/two_factor_setup.html",
        {
            "form": form,
            "next": next_url,
            "qr_code": twofactor.qr_code_data_uri(device),
            "secret": twofactor.secret_text(device),
        },
    )


def locked_out(request: HttpRequest, original_response=None, credentials=None) -> HttpResponse:
    """django-axes' lockout answer: what happened and when this user may try again from here."""
    username = (credentials or {}).get("username") or request.POST.get("username", "")
    cool_off = get_cool_off(request)
    last = AccessAttempt.objects.filter(
        username=username, ip_address=getattr(request, "axes_ip_address", None)
    ).aggregate(last=Max("attempt_time"))["last"]
    # Rounded up to the minute the page shows, so trying at that minute works.
    retry_at = ((last or timezone.now()) + cool_off + dt.timedelta(seconds=59)).replace(
        second=0, microsecond=0
    )
    response = render(
        request,
        "registration/locked_out.html",
        {
            "username": username,
            "retry_at": retry_at,
            "minutes": int(cool_off.total_seconds() // 60),
            "failure_limit": settings.AXES_FAILURE_LIMIT,
        },
        status=429,
    )
    add_never_cache_headers(response)
    return response
