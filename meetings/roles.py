"""The roles of DESIGN.md and what each may see: the one place that answers "who is this?".

Querysets ask these functions; nothing else looks at groups or flags.
"""

from django.contrib.auth.models import AnonymousUser, User

MEMBER = "member"
CLERK = "clerk"
ADMIN = "admin"
ROLES = (MEMBER, CLERK, ADMIN)

# Which models' staff pages (Django's admin) each staff role may open. The meeting content here
# (meetings, agenda items, papers, minutes and what hangs off them) is view-only there whatever
# the permission says, but for a few fields that cannot change who sees what: the ModelAdmins in
# meetings/admin.py and reports/admin.py refuse adding, changing and deleting what the workspace's
# services own, for admins and superusers too (a superuser holds every permission, and an
# existing group keeps those it was given). Clerks still edit committees, people, memberships and
# declarations of interest there.
CLERK_MODELS = {
    "meetings": [
        "committee",
        "person",
        "membership",
        "meeting",
        "agendaitem",
        "minutes",
        "attendance",
        "minuteitem",
        "resolution",
        "declaration",
    ],
    # The log of who downloaded which exempt paper: read-only in the staff pages.
    "reports": ["report", "reportpage", "downloadlog"],
}
ADMIN_EXTRA_MODELS = {
    "auth": ["user", "group"],
    # Deleting a lost phone's device makes its owner set up a new one at the next sign-in.
    "otp_totp": ["totpdevice"],
    "meetings": ["portalsettings"],
    "django_tasks_db": ["dbtaskresult"],
}


def _group_names(user: User | AnonymousUser) -> set[str]:
    if not user.is_authenticated or not user.is_active:
        return set()
    cached = getattr(user, "_role_names", None)
    if cached is None:
        cached = set(user.groups.values_list("name", flat=True))
        user._role_names = cached
    return cached


def role_of(user: User | AnonymousUser) -> str | None:
    """The strongest role a user holds: admin, clerk, member, or None for the public."""
    if user.is_authenticated and user.is_active and user.is_superuser:
        return ADMIN
    names = _group_names(user)
    for role in (ADMIN, CLERK, MEMBER):
        if role in names:
            return role
    return None


def requires_second_factor(user: User | AnonymousUser) -> bool:
    """Clerks, admins and anyone else with staff access sign in with a code as well."""
    if not user.is_authenticated or not user.is_active:
        return False
    return user.is_staff or role_of(user) in (CLERK, ADMIN)


def awaits_second_factor(user: User | AnonymousUser) -> bool:
    """Signed in with the password but not yet with the code: such a session is treated as the
    public's. A request's user carries ``is_verified`` (django-otp's middleware); a user loaded
    anywhere else (a task, a command) has no session to check."""
    is_verified = getattr(user, "is_verified", None)
    return is_verified is not None and requires_second_factor(user) and not is_verified()


def _acting_role(user: User | AnonymousUser) -> str | None:
    return None if awaits_second_factor(user) else role_of(user)


def sees_exempt(user: User | AnonymousUser) -> bool:
    """Members, clerks and admins may read exempt (private) papers of published meetings."""
    return _acting_role(user) is not None


def sees_unpublished(user: User | AnonymousUser) -> bool:
    """Only clerks and admins see what has not been published yet."""
    return _acting_role(user) in (CLERK, ADMIN)


def works_on_meetings(user: User | AnonymousUser) -> bool:
    """Clerks and admins build agendas, upload papers, publish and write minutes."""
    return _acting_role(user) in (CLERK, ADMIN)
