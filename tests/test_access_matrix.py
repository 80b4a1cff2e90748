"""Every URL the resolver knows, requested as anonymous, member, clerk and admin.

A new route without an expected answer here fails ``test_every_route_has_an_expected_answer``:
whoever adds a page must say who may see it. Later issues extend ROUTES.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from meetings import roles
from meetings.models import AgendaItem, Declaration, Meeting, MinuteItem, Minutes, Person
from reports.services import report_create
from tests.alerts.routes import routes as alert_routes
from tests.hardening.routes import routes as hardening_routes
from tests.interests.routes import routes as interest_routes
from tests.moderngov.routes import routes as moderngov_routes
from tests.plans.routes import routes as plan_routes
from tests.reports.pack_routes import pack_routes

ROLES = ("anonymous", "member", "clerk", "admin")


def all_routes() -> list[str]:
    """Names of every URL pattern ("admin:index"); unnamed ones as "<namespace>:pattern"."""

    def walk(patterns, ns=""):
        for p in patterns:
            if isinstance(p, URLResolver):
                yield from walk(p.url_patterns, f"{ns}{p.namespace}:" if p.namespace else ns)
            elif isinstance(p, URLPattern):
                yield ns + (p.name or f"<unnamed {p.pattern}>")

    return sorted(set(walk(get_resolver().url_patterns)))


@dataclass
class World:
    """The rows each case requests: seed data plus a draft meeting and an exempt paper."""

    seed: Meeting
    draft: Meeting
    public_report: int
    exempt_report: int
    private_item_report: int
    draft_report: int
    minutes_meeting: Meeting
    unpublished_minutes_meeting: Meeting
    person: Person
    item: int


@pytest.fixture
def world(db, make_pdf) -> World:
    seed = Meeting.objects.get(slug="2014-09-22-health-and-well-being-board")
    draft = Meeting.objects.filter(status=Meeting.Status.DRAFT).first()
    item4 = AgendaItem.objects.get(meeting=seed, number="4", parent=None)
    exempt = report_create(
        agenda_item=item4, data=make_pdf("exempt appendix"), title="Exempt appendix",
        is_exempt=True,
    )  # fmt: skip
    private_item = AgendaItem.objects.create(
        meeting=seed, number="8", position=99, title="Land at Earl Street", part="private",
        exemption_paragraph=3, public_description="Commercial terms of a sale.",
    )  # fmt: skip
    private_report = report_create(
        agenda_item=private_item, data=make_pdf("heads of terms"), title="Heads of terms"
    )
    draft_item = AgendaItem.objects.filter(meeting=draft).first()
    draft_report = report_create(
        agenda_item=draft_item, data=make_pdf("draft work programme"), title="Work programme"
    )
    public = item4.reports.filter(is_exempt=False).first()
    # Every admin page needs a row of each model to open.
    minute_item = MinuteItem.objects.first()
    from reports.models import DownloadLog

    DownloadLog.objects.create(username="x", kind="report", what="x")
    Declaration.objects.create(
        minute_item=minute_item, person=Person.objects.first(), interest="Employed by the CCG"
    )
    from django_tasks_db.models import DBTaskResult

    DBTaskResult.objects.create(
        args_kwargs={"args": [], "kwargs": {}},
        task_path="reports.tasks.example",
        backend_name="default",
        enqueued_at=timezone.now(),
        run_after=timezone.now() - dt.timedelta(seconds=1),
    )
    july = Meeting.objects.get(slug="2014-07-07-health-and-well-being-board")
    unpublished = Meeting.objects.filter(status="published", minutes__isnull=True).exclude(
        pk=seed.pk
    )[0]
    Minutes.objects.create(meeting=unpublished)  # a clerk's draft, not yet published
    return World(
        minutes_meeting=july,
        unpublished_minutes_meeting=unpublished,
        person=Person.objects.get(surname="Gingell"),
        item=item4.pk,
        seed=seed,
        draft=draft,
        public_report=public.pk,
        exempt_report=exempt.pk,
        private_item_report=private_report.pk,
        draft_report=draft_report.pk,
    )


def everyone(status: int) -> dict[str, int]:
    return dict.fromkeys(ROLES, status)


STAFF_ONLY = {"anonymous": 302, "member": 302, "clerk": 200, "admin": 200}
NOT_ALLOWED = 405


@dataclass
class Case:
    url: Callable[[World], str]
    expect: dict[str, int]
    label: str = ""


CLERKS_ONLY = {"anonymous": 404, "member": 404, "clerk": 200, "admin": 200}
MEMBERS_UP = {"anonymous": 404, "member": 200, "clerk": 200, "admin": 200}


def public(name: str, query: str = "") -> list[Case]:
    return [Case(lambda w: reverse(name) + query, everyone(200))]


WORKSPACE = {"anonymous": 302, "member": 403, "clerk": 200, "admin": 200}


def workspace(name: str, args=lambda w: [], expect=WORKSPACE) -> list[Case]:
    return [Case(lambda w: reverse(name, args=args(w)), expect)]


# The portal's own routes: each with the cases that matter.
ROUTES: dict[str, list[Case]] = {
    "workspace": workspace("workspace"),
    "workspace-meeting-new": workspace("workspace-meeting-new"),
    "workspace-audit": workspace("workspace-audit"),
    "workspace-agenda": workspace("workspace-agenda", lambda w: [w.seed.slug])
    + workspace("workspace-agenda", lambda w: [w.draft.slug]),
    "workspace-item-add": workspace("workspace-item-add", lambda w: [w.seed.slug]),
    "workspace-item-edit": workspace("workspace-item-edit", lambda w: [w.item]),
    "workspace-item-move": workspace(
        "workspace-item-move", lambda w: [w.item], {**WORKSPACE, "clerk": 405, "admin": 405}
    ),
    "workspace-item-delete": workspace("workspace-item-delete", lambda w: [w.item]),
    "workspace-upload": workspace("workspace-upload", lambda w: [w.item]),
    "workspace-publish": workspace("workspace-publish", lambda w: [w.draft.slug]),
    "workspace-supplement": workspace("workspace-supplement", lambda w: [w.seed.slug]),
    "workspace-status": workspace(
        "workspace-status", lambda w: [w.seed.slug], {**WORKSPACE, "clerk": 405, "admin": 405}
    ),
    "workspace-cancel": workspace("workspace-cancel", lambda w: [w.seed.slug]),
    "workspace-postpone": workspace("workspace-postpone", lambda w: [w.seed.slug]),
    "workspace-preview": workspace("workspace-preview", lambda w: [w.draft.slug, "agenda-pack"]),
    "workspace-summonses": workspace("workspace-summonses", lambda w: [w.seed.slug]),
    "workspace-withdraw": workspace("workspace-withdraw", lambda w: [w.public_report]),
    "workspace-thumbnail": workspace("workspace-thumbnail", lambda w: [w.public_report]),
    "workspace-strip-hidden": workspace(
        "workspace-strip-hidden",
        lambda w: [w.public_report],
        {**WORKSPACE, "clerk": 405, "admin": 405},
    ),
    "workspace-minutes": workspace("workspace-minutes", lambda w: [w.minutes_meeting.slug])
    + workspace("workspace-minutes", lambda w: [w.seed.slug]),
    "workspace-minutes-publish": workspace(
        "workspace-minutes-publish",
        lambda w: [w.minutes_meeting.slug],
        {**WORKSPACE, "clerk": 405, "admin": 405},
    ),
    "workspace-minutes-approve": workspace(
        "workspace-minutes-approve",
        lambda w: [w.minutes_meeting.slug],
        {**WORKSPACE, "clerk": 405, "admin": 405},
    ),
    "workspace-minute-item": workspace(
        "workspace-minute-item",
        lambda w: [MinuteItem.objects.filter(minutes__meeting=w.minutes_meeting).first().pk],
    ),
    "workspace-minutes-attendance": workspace(
        "workspace-minutes-attendance", lambda w: [w.minutes_meeting.slug]
    )
    + workspace(
        "workspace-minutes-attendance",
        lambda w: [w.seed.slug],
        {**WORKSPACE, "clerk": 404, "admin": 404},
    ),
    "workspace-minute-autosave": workspace(
        "workspace-minute-autosave",
        lambda w: [MinuteItem.objects.filter(minutes__meeting=w.minutes_meeting).first().pk],
        {**WORKSPACE, "clerk": 405, "admin": 405},
    ),
    "workspace-declaration-add": workspace(
        "workspace-declaration-add",
        lambda w: [MinuteItem.objects.filter(minutes__meeting=w.minutes_meeting).first().pk],
        {**WORKSPACE, "clerk": 405, "admin": 405},
    ),
    "workspace-declaration-change": workspace(
        "workspace-declaration-change", lambda w: [Declaration.objects.order_by("pk").first().pk]
    ),
    "workspace-declaration-remove": workspace(
        "workspace-declaration-remove", lambda w: [Declaration.objects.order_by("pk").first().pk]
    ),
    "accessibility": public("accessibility"),
    # A signed-in person's own meetings; the public are asked to sign in.
    "my-meetings": [
        Case(
            lambda w: reverse("my-meetings"),
            {"anonymous": 302, "member": 200, "clerk": 200, "admin": 200},
        )
    ],
    "password_reset": public("password_reset"),
    "password_reset_done": public("password_reset_done"),
    "password_reset_complete": public("password_reset_complete"),
    "password_reset_confirm": [
        Case(
            lambda w: reverse("password_reset_confirm", args=["MQ", "not-a-token"]),
            everyone(200),
            "a link that is not valid",
        )
    ],
    "committee-list": public("committee-list"),
    "committee-detail": [
        Case(lambda w: reverse("committee-detail", args=[w.seed.committee.slug]), everyone(200)),
        Case(lambda w: reverse("committee-detail", args=["no-such"]), everyone(404), "unknown"),
    ],
    "committee-ics": [
        Case(lambda w: reverse("committee-ics", args=[w.seed.committee.slug]), everyone(200))
    ],
    "calendar-ics": public("calendar-ics"),
    "meeting-list": public("meeting-list", "?committee=health-and-well-being-board"),
    "meeting-calendar": public("meeting-calendar", "?month=2014-09"),
    "meeting-ics": [
        Case(lambda w: reverse("meeting-ics", args=[w.seed.slug]), everyone(200)),
        Case(lambda w: reverse("meeting-ics", args=[w.draft.slug]), CLERKS_ONLY, "draft"),
    ],
    "minutes-detail": [
        Case(lambda w: reverse("minutes-detail", args=[w.minutes_meeting.slug]), everyone(200)),
        Case(
            lambda w: reverse("minutes-detail", args=[w.unpublished_minutes_meeting.slug]),
            CLERKS_ONLY,
            "unpublished minutes",
        ),
        Case(lambda w: reverse("minutes-detail", args=[w.seed.slug]), everyone(404), "none"),
    ],
    "decision-list": public("decision-list", "?committee=health-and-well-being-board"),
    "person-detail": [
        Case(lambda w: reverse("person-detail", args=[w.person.slug]), everyone(200))
    ],
    "document-detail": [
        Case(lambda w: reverse("document-detail", args=[w.public_report]), everyone(200)),
        Case(lambda w: reverse("document-detail", args=[w.exempt_report]), MEMBERS_UP, "exempt"),
        Case(
            lambda w: reverse("document-detail", args=[w.private_item_report]),
            MEMBERS_UP,
            "private item",
        ),
        Case(lambda w: reverse("document-detail", args=[w.draft_report]), CLERKS_ONLY, "draft"),
    ],
    "search": public("search", "?q=better+care"),
    "papers-feed": public("papers-feed"),
    "django.contrib.sitemaps.views.sitemap": [Case(lambda w: "/sitemap.xml", everyone(200))],
    "api-committee-list": public("api-committee-list"),
    "api-committee-detail": [
        Case(
            lambda w: reverse("api-committee-detail", args=[w.seed.committee.slug]),
            everyone(200),
        ),
        Case(lambda w: reverse("api-committee-detail", args=["no-such"]), everyone(404)),
    ],
    "api-meeting-list": public("api-meeting-list", "?date_from=2014-01-01"),
    "api-meeting-detail": [
        Case(lambda w: reverse("api-meeting-detail", args=[w.seed.slug]), everyone(200)),
        Case(lambda w: reverse("api-meeting-detail", args=[w.draft.slug]), CLERKS_ONLY, "draft"),
    ],
    "api-person-list": public("api-person-list"),
    "api-person-detail": [
        Case(lambda w: reverse("api-person-detail", args=[w.person.slug]), everyone(200))
    ],
    "api-decision-list": public("api-decision-list"),
    "api-openapi": public("api-openapi"),
    "theme-css": public("theme-css"),
    "home": [Case(lambda w: reverse("home"), everyone(200))],
    "login": [
        Case(
            lambda w: reverse("login"),
            {"anonymous": 200, "member": 302, "clerk": 302, "admin": 302},
        )
    ],
    "logout": [Case(lambda w: reverse("logout"), everyone(NOT_ALLOWED), "GET is refused")],
    "meeting-detail": [
        Case(lambda w: w.seed.get_absolute_url(), everyone(200), "published"),
        Case(lambda w: w.draft.get_absolute_url(), CLERKS_ONLY, "draft"),
    ],
    "report-download": [
        Case(lambda w: reverse("report-download", args=[w.public_report]), everyone(200), "public"),
        Case(
            lambda w: reverse("report-download", args=[w.exempt_report]),
            {"anonymous": 404, "member": 200, "clerk": 200, "admin": 200},
            "exempt report",
        ),
        Case(
            lambda w: reverse("report-download", args=[w.private_item_report]),
            {"anonymous": 404, "member": 200, "clerk": 200, "admin": 200},
            "report of a private item",
        ),
        Case(
            lambda w: reverse("report-download", args=[w.draft_report]),
            {"anonymous": 404, "member": 404, "clerk": 200, "admin": 200},
            "report of a draft meeting",
        ),
    ],
}


ROUTES.update(pack_routes(Case))
ROUTES.update(moderngov_routes(Case))
ROUTES.update(hardening_routes(Case))
ROUTES.update(plan_routes(Case))
ROUTES.update(interest_routes(Case))
ROUTES.update(alert_routes(Case))


# The staff pages show these but never add them, nor delete anything of a published meeting:
# the workspace's services own them (DESIGN.md, "Staff pages never change what the services own").
STAFF_VIEW_ONLY = {
    ("meetings", "meeting"), ("meetings", "agendaitem"), ("meetings", "minutes"),
    ("meetings", "minuteitem"), ("meetings", "resolution"), ("meetings", "attendance"),
    ("meetings", "declaration"), ("reports", "report"),
}  # fmt: skip


def _admin_model_expectation(app_label: str, model: str, action: str) -> dict[str, int]:
    """Staff pages for a model: the public and members are sent to sign in; clerks may work on
    meeting models; admins also on users, groups, portal settings and tasks."""
    clerk_ok = model in roles.CLERK_MODELS.get(app_label, [])
    admin_ok = clerk_ok or model in roles.ADMIN_EXTRA_MODELS.get(app_label, [])
    expect = {"anonymous": 302, "member": 302}
    expect["clerk"] = 200 if clerk_ok else 403
    expect["admin"] = 200 if admin_ok else 403
    if (app_label, model) == ("meetings", "portalsettings") and action in ("add", "delete"):
        # Exactly one settings row: it cannot be added twice or deleted.
        expect["admin"] = 403
    if (app_label, model) in STAFF_VIEW_ONLY and action in ("add", "delete"):
        # Meeting content is added and removed in the workspace, through its services; the
        # first row of each belongs to a published meeting (deleting a draft meeting's rows:
        # tests/hardening/test_staff_pages.py).
        expect["clerk"] = expect["admin"] = 403
    if action == "object-redirect":
        return everyone(302)
    return expect


def admin_cases(name: str) -> list[Case]:
    """Cases for one route of Django's admin, worked out from the model and action it serves."""
    short = name.removeprefix("admin:")
    fixed = {
        "index": [Case(lambda w: reverse("admin:index"), STAFF_ONLY)],
        "login": [
            Case(
                lambda w: reverse("admin:login"),
                {"anonymous": 200, "member": 200, "clerk": 302, "admin": 302},
            )
        ],
        "logout": [
            Case(
                lambda w: reverse("admin:logout"),
                {"anonymous": 302, "member": 302, "clerk": NOT_ALLOWED, "admin": NOT_ALLOWED},
            )
        ],
        "password_change": [Case(lambda w: reverse("admin:password_change"), STAFF_ONLY)],
        "password_change_done": [Case(lambda w: reverse("admin:password_change_done"), STAFF_ONLY)],
        "jsi18n": [Case(lambda w: reverse("admin:jsi18n"), STAFF_ONLY)],
        "autocomplete": [
            Case(
                lambda w: (
                    reverse("admin:autocomplete")
                    + "?app_label=meetings&model_name=meeting&field_name=committee"
                ),
                STAFF_ONLY,
            )
        ],
        "view_on_site": [
            Case(
                lambda w: reverse(
                    "admin:view_on_site",
                    args=[ContentType.objects.get_for_model(Meeting).pk, w.seed.pk],
                ),
                everyone(302),
            )
        ],
        "app_list": [
            Case(lambda w: reverse("admin:app_list", args=["meetings"]), STAFF_ONLY, "meetings"),
            Case(
                lambda w: reverse("admin:app_list", args=["auth"]),
                {"anonymous": 302, "member": 302, "clerk": 404, "admin": 200},
                "auth",
            ),
        ],
        "<unnamed (?P<url>.*)$>": [
            Case(
                lambda w: "/staff/no-such-page/",
                {"anonymous": 302, "member": 302, "clerk": 404, "admin": 404},
            )
        ],
        "<unnamed <path:object_id>/>": [
            Case(
                lambda w, m=model: (
                    reverse(f"admin:{m._meta.app_label}_{m._meta.model_name}_changelist")
                    + f"{m._default_manager.order_by('pk').first().pk}/"
                ),
                everyone(302),
                model._meta.label,
            )
            for model in admin.site._registry
        ],
    }
    if short in fixed:
        return fixed[short]
    for model in admin.site._registry:
        prefix = f"{model._meta.app_label}_{model._meta.model_name}_"
        if short.startswith(prefix):
            action = short.removeprefix(prefix)
            expect = _admin_model_expectation(model._meta.app_label, model._meta.model_name, action)
            if action in ("changelist", "add"):
                return [Case(lambda w, n=name: reverse(n), expect)]
            if action in ("change", "delete", "history", "password_change"):
                return [
                    Case(
                        lambda w, n=name, m=model: reverse(
                            n, args=[m._default_manager.order_by("pk").first().pk]
                        ),
                        expect,
                    )
                ]
    return []


def cases_for(name: str) -> list[Case]:
    if name.startswith("admin:"):
        return admin_cases(name)
    return ROUTES.get(name, [])


def test_every_route_has_an_expected_answer():
    missing = [name for name in all_routes() if not cases_for(name)]
    assert missing == [], f"Say who may see these routes in tests/test_access_matrix.py: {missing}"


@pytest.mark.parametrize("name", all_routes())
def test_route_answers_each_role_as_expected(name, world, client_as):
    clients = {role: client_as(role) for role in ROLES}
    failures = []
    for case in cases_for(name):
        url = case.url(world)
        for role in ROLES:
            response = clients[role].get(url)
            if response.status_code != case.expect[role]:
                failures.append(
                    f"{role} GET {url} ({case.label or name}): {response.status_code}, "
                    f"expected {case.expect[role]}"
                )
    assert failures == []


def test_roles_are_groups_with_the_permissions_of_design_md(db):
    clerk = Group.objects.get(name="clerk")
    admin_group = Group.objects.get(name="admin")
    assert not Group.objects.get(name="member").permissions.exists()
    assert clerk.permissions.filter(codename="change_meeting").exists()
    assert not clerk.permissions.filter(codename="change_user").exists()
    assert admin_group.permissions.filter(codename="change_user").exists()
    assert admin_group.permissions.filter(codename="change_portalsettings").exists()
    assert apps.is_installed("django_tasks_db")
