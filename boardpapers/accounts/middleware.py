from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from meetings import roles

from .views import second_step_url


class SecondFactorMiddleware:
    """Sends a clerk or admin who has not entered their code yet from the workspace, the staff
    pages and the sign-in page to the code page. Everything else they may open answers as it
    would the public, because meetings.roles counts such a session as the public's."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        path = request.path_info
        guarded = (reverse("workspace"), reverse("admin:index"))
        is_sign_in = path == reverse("login")
        if (is_sign_in or path.startswith(guarded)) and roles.awaits_second_factor(request.user):
            next_url = request.GET.get("next", "") if is_sign_in else request.get_full_path()
            return redirect(second_step_url("two-factor", next_url))
        return self.get_response(request)
