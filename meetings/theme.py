"""The council's colours as a stylesheet: GOV.UK Frontend's colour custom properties set from
the portal settings. A static file cannot know them and an inline style would break the
Content-Security-Policy, so this small view serves them; pages link it with the colours'
version in the address, so it is cached for a year and a change of colour is a new address."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_safe

from boardpapers.cache import depends_on

from . import colours
from .models import PortalSettings

YEAR = 365 * 24 * 3600


@depends_on()
@require_safe
def theme_css(request: HttpRequest) -> HttpResponse:
    portal = PortalSettings.load()
    values = colours.theme(portal.brand_colour, portal.link_colour)
    body = ":root{" + "".join(f"--govuk-{k}-colour:{v};" for k, v in values.items()) + "}\n"
    response = HttpResponse(body, content_type="text/css; charset=utf-8")
    if request.GET.get("v") == portal.theme_version:
        response["Cache-Control"] = f"public, max-age={YEAR}, immutable"
    else:
        response["Cache-Control"] = "public, max-age=300"
    return response
