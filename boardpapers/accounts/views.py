"""Sign-in pages: the password (with its lockout), then the code for clerks and admins."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode, urlsplit, urlunsplit

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
from django.urls import Resolver404, get_script_prefix, resolve, reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache

from meetings import roles

from . import twofactor
from .forms import CodeForm, PasswordResetForm, SetPasswordForm, SignInForm

# Pages never returned to after signing in: the sign-in steps themselves (a loop) and signing
# out (POST only).
NOT_RETURNED_TO = {
    "login",
    "logout",
    "two-factor",
    "two-factor-setup",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
}


def _answers_get(view) -> bool:
    """Whether a view answers GET: a class-based view with a ``get``, or a function view not
    limited by ``require_http_methods`` (``require_POST``) to other methods. The decorators
    keep the view they wrap as ``__wrapped__``; Django's keeps the allowed methods in its
    closure."""
    view_class = getattr(view, "view_class", None)
    if view_class is not None:
        return "get" in view_class.http_method_names and hasattr(view_class, "get")
    while view is not None:
        code = getattr(view, "__code__", None)
        if code is not None and "request_method_list" in code.co_freevars:
            cell = view.__closure__[code.co_freevars.index("request_method_list")]
            if "GET" not in cell.cell_contents:
                return False
        view = getattr(view, "__wrapped__", None)
    return True


def safe_next(request: HttpRequest, candidate: str) -> str:
    """``candidate`` if it is a page of this site that can be opened (a GET), else "".

    Never another site (``https://evil.example``, ``//evil.example``, ``/\\evil.example``,
    ``javascript:``), never a page that does not exist or answers POST only (signing out), and
    never a sign-in step. Returned as a path, so the redirect stays on this host."""
    if not candidate or not url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return ""
    parts = urlsplit(candidate)
    prefix = get_script_prefix()  # "/", or where the site is mounted
    if not parts.path.startswith(prefix):
        return ""
    try:
        match = resolve("/" + parts.path.removeprefix(prefix))
    except Resolver404:
        return ""
    if match.url_name in NOT_RETURNED_TO or not _answers_get(match.func):
        return ""
    return urlunsplit(("", "", parts.path, parts.query, ""))


def _requested_next(request: HttpRequest) -> str:
    return safe_next(request, request.POST.get("next") or request.GET.get("next") or "")


def _landing(request: HttpRequest) -> str:
    """Where to go after signing in with no page to return to: a clerk or admin to the
    workspace, everyone else to the home page."""
    if roles.works_on_meetings(request.user):
        return reverse("workspace")
    return reverse(settings.LOGIN_REDIRECT_URL)


def _next_url(request: HttpRequest) -> str:
    return _requested_next(request) or _landing(request)


def second_step_url(name: str, next_url: str) -> str:
    return f"{reverse(name)}?{urlencode({'next': next_url})}" if next_url else reverse(name)


class SignInView(auth_views.LoginView):
    """Django's sign-in, returning to the page the person came from (``?next=``, which the
    header's "Sign in" link carries); a clerk or admin goes on to the code first (or to set up
    their app), and from there to that page, or to the workspace."""

    form_class = SignInForm
    redirect_authenticated_user = True

    def get_redirect_url(self) -> str:
        return _requested_next(self.request)

    def get_success_url(self) -> str:
        url = self.get_redirect_url()
        if roles.requires_second_factor(self.request.user):
            return second_step_url("two-factor", url)
        return url or _landing(self.request)


class PasswordResetView(auth_views.PasswordResetView):
    """Django's, in GOV.UK Frontend's markup."""

    form_class = PasswordResetForm


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Django's; a new password also lifts any lockout of that user name, so whoever proved
    they hold the account's e-mail is not kept waiting by an attacker's wrong guesses."""

    form_class = SetPasswordForm

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
    next_url = _requested_next(request)
    if device is None:
        return redirect(second_step_url("two-factor-setup", next_url))
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        check = twofactor.code_check(device, form.cleaned_data["code"])
        if check.ok:
            twofactor.session_verify(request, device)
            return redirect(next_url or _landing(request))
        form.add_error("code", check.message)
    return render(request, "registration/two_factor_verify.html", {"form": form, "next": next_url})


@never_cache
def setup(request: HttpRequest) -> HttpResponse:
    """First sign-in of a clerk or admin: add the portal to an authenticator app, then prove it
    with a code. Until then the account reaches only what the public can."""
    if (gate := _second_step_gate(request)) is not None:
        return gate
    next_url = _requested_next(request)
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
            return redirect(next_url or _landing(request))
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
