from django.utils.functional import SimpleLazyObject

from . import roles
from .models import PortalSettings

MAIN_NAVIGATION = (
    ("home", "Home"),
    ("committee-list", "Committees"),
    ("meeting-list", "Meetings"),
    ("meeting-calendar", "Calendar"),
    ("decision-list", "Decisions"),
    ("plan-current", "Forward plan"),
)


def portal(request):
    """The council's details and the viewer's role, for the page chrome."""
    return {
        "portal": SimpleLazyObject(PortalSettings.load),
        "main_navigation": MAIN_NAVIGATION,
        "viewer_role": SimpleLazyObject(lambda: roles.role_of(request.user) or "public"),
        "viewer_works_on_meetings": lambda: roles.works_on_meetings(request.user),
    }
