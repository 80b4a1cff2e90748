from django.contrib.sitemaps.views import sitemap
from django.urls import path

from . import (
    api,
    api_interests,
    api_plans,
    api_votes,
    feeds_plans,
    member,
    theme,
    views,
    views_alerts,
    views_interests,
    views_plans,
    views_votes,
    workspace,
    workspace_interests,
    workspace_minutes,
    workspace_plans,
    workspace_publish,
)
from .feeds import PapersFeed
from .sitemaps import SITEMAPS

urlpatterns = [
    path("", views.home, name="home"),
    path("theme.css", theme.theme_css, name="theme-css"),
    path("committees/", views.committee_list, name="committee-list"),
    path("committees/<slug:slug>/", views.committee_detail, name="committee-detail"),
    path("committees/<slug:slug>/calendar.ics", views.calendar_committee, name="committee-ics"),
    path("meetings/", views.meeting_list, name="meeting-list"),
    path("meetings/calendar/", views.meeting_calendar, name="meeting-calendar"),
    path("meetings/calendar.ics", views.calendar_all, name="calendar-ics"),
    path("meetings/<slug:slug>/", views.meeting_detail, name="meeting-detail"),
    path("meetings/<slug:slug>/minutes/", views.minutes_detail, name="minutes-detail"),
    path("meetings/<slug:slug>/calendar.ics", views.meeting_ics, name="meeting-ics"),
    path("decisions/", views.decision_list, name="decision-list"),
    path("people/<slug:slug>/", views.person_detail, name="person-detail"),
    path("documents/<int:pk>/", views.document_detail, name="document-detail"),
    path("accessibility/", views.accessibility, name="accessibility"),
    path("my-meetings/", member.my_meetings, name="my-meetings"),
    path("search/", views.search, name="search"),
    # E-mail alerts: anyone follows a committee, person, plan entry or search (meetings.alerts).
    path("alerts/", views_alerts.follow, name="alerts-follow"),
    path("alerts/check-your-email/", views_alerts.check_email, name="alerts-check-email"),
    path("alerts/confirm/<str:token>/", views_alerts.confirm, name="alerts-confirm"),
    path("alerts/unsubscribe/<str:token>/", views_alerts.unsubscribe, name="alerts-unsubscribe"),
    path("alerts/delete-my-address/", views_alerts.manage, name="alerts-manage"),
    path("alerts/delete/<str:token>/", views_alerts.delete, name="alerts-delete"),
    path("feeds/papers/", PapersFeed(), name="papers-feed"),
    path(
        "sitemap.xml",
        sitemap,
        {"sitemaps": SITEMAPS},
        name="django.contrib.sitemaps.views.sitemap",
    ),
    path("api/committees/", api.committee_list, name="api-committee-list"),
    path("api/committees/<slug:slug>/", api.committee_detail, name="api-committee-detail"),
    path("api/meetings/", api.meeting_list, name="api-meeting-list"),
    path("api/meetings/<slug:slug>/", api.meeting_detail, name="api-meeting-detail"),
    path("api/people/", api.person_list, name="api-person-list"),
    path("api/people/<slug:slug>/", api.person_detail, name="api-person-detail"),
    path("api/decisions/", api.decision_list, name="api-decision-list"),
    path("api/openapi.json", api.openapi, name="api-openapi"),
    # The clerk's workspace.
    path("workspace/", workspace.dashboard, name="workspace"),
    path("workspace/meetings/new/", workspace.meeting_new, name="workspace-meeting-new"),
    path("workspace/meetings/<slug:slug>/", workspace.agenda, name="workspace-agenda"),
    path(
        "workspace/meetings/<slug:slug>/items/new/", workspace.item_add, name="workspace-item-add"
    ),
    path("workspace/items/<int:pk>/", workspace.item_edit, name="workspace-item-edit"),
    path("workspace/items/<int:pk>/move/", workspace.item_move, name="workspace-item-move"),
    path("workspace/items/<int:pk>/delete/", workspace.item_delete, name="workspace-item-delete"),
    path("workspace/items/<int:pk>/upload/", workspace.upload, name="workspace-upload"),
    path(
        "workspace/documents/<int:pk>/thumbnail.png",
        workspace.thumbnail,
        name="workspace-thumbnail",
    ),
    path("workspace/audit/", workspace.audit_log, name="workspace-audit"),
    path(
        "workspace/meetings/<slug:slug>/publish/",
        workspace_publish.publish,
        name="workspace-publish",
    ),
    path(
        "workspace/meetings/<slug:slug>/supplement/",
        workspace_publish.supplement,
        name="workspace-supplement",
    ),
    path(
        "workspace/meetings/<slug:slug>/status/",
        workspace_publish.set_status,
        name="workspace-status",
    ),
    path(
        "workspace/meetings/<slug:slug>/preview/<slug:kind>.pdf",
        workspace_publish.preview,
        name="workspace-preview",
    ),
    path(
        "workspace/meetings/<slug:slug>/summonses/",
        workspace_publish.summonses,
        name="workspace-summonses",
    ),
    path(
        "workspace/documents/<int:pk>/withdraw/",
        workspace_publish.withdraw,
        name="workspace-withdraw",
    ),
    path(
        "workspace/meetings/<slug:slug>/cancel/",
        workspace_publish.cancel,
        name="workspace-cancel",
    ),
    path(
        "workspace/meetings/<slug:slug>/postpone/",
        workspace_publish.postpone,
        name="workspace-postpone",
    ),
    path(
        "workspace/meetings/<slug:slug>/minutes/",
        workspace_minutes.minutes_edit,
        name="workspace-minutes",
    ),
    path(
        "workspace/meetings/<slug:slug>/minutes/attendance/",
        workspace_minutes.minutes_attendance,
        name="workspace-minutes-attendance",
    ),
    path(
        "workspace/meetings/<slug:slug>/minutes/publish/",
        workspace_minutes.minutes_publish,
        name="workspace-minutes-publish",
    ),
    path(
        "workspace/meetings/<slug:slug>/minutes/approve/",
        workspace_minutes.minutes_approve,
        name="workspace-minutes-approve",
    ),
    path(
        "workspace/minutes/<int:pk>/",
        workspace_minutes.minute_item_edit,
        name="workspace-minute-item",
    ),
    path(
        "workspace/minutes/<int:pk>/autosave/",
        workspace_minutes.minute_item_autosave,
        name="workspace-minute-autosave",
    ),
    # Declarations of interest under a minute (meetings.declarations).
    path(
        "workspace/minutes/<int:pk>/declarations/add/",
        workspace_minutes.declaration_add,
        name="workspace-declaration-add",
    ),
    path(
        "workspace/declarations/<int:pk>/",
        workspace_minutes.declaration_change,
        name="workspace-declaration-change",
    ),
    path(
        "workspace/declarations/<int:pk>/remove/",
        workspace_minutes.declaration_remove,
        name="workspace-declaration-remove",
    ),
]

# The forward plan, its notices and decision records (views_plans, workspace_plans, api_plans,
# feeds_plans).
urlpatterns += [
    path("forward-plan/", views_plans.plan_current, name="plan-current"),
    path("forward-plan/<int:pk>/", views_plans.plan_entry_detail, name="plan-entry-detail"),
    path("forward-plan/notices/", views_plans.notice_list, name="plan-notices"),
    path(
        "forward-plan/special-urgency/",
        views_plans.special_urgency_report,
        name="plan-special-urgency",
    ),
    path("forward-plan/calendar.ics", feeds_plans.plan_ics, name="plan-ics"),
    path("feeds/forward-plan/", feeds_plans.PlanFeed(), name="plan-feed"),
    path("decisions/records/", views_plans.decision_record_list, name="decision-record-list"),
    path(
        "decisions/records/<int:pk>/",
        views_plans.decision_record_detail,
        name="decision-record-detail",
    ),
    path("decisions/register/", views_plans.decisions_register, name="decisions-register"),
    path("feeds/decision-records/", feeds_plans.DecisionRecordFeed(), name="decision-records-feed"),
    path("api/forward-plan/", api_plans.plan_entry_list, name="api-plan-entry-list"),
    path("api/forward-plan/<int:pk>/", api_plans.plan_entry_detail, name="api-plan-entry-detail"),
    path("api/notices/", api_plans.notice_list, name="api-notice-list"),
    path("api/decision-records/", api_plans.decision_record_list, name="api-decision-record-list"),
    path(
        "api/decision-records/<int:pk>/",
        api_plans.decision_record_detail,
        name="api-decision-record-detail",
    ),
    path("workspace/forward-plan/", workspace_plans.index, name="workspace-plans"),
    path(
        "workspace/forward-plan/new/",
        workspace_plans.entry_new,
        name="workspace-plan-entry-new",
    ),
    path(
        "workspace/forward-plan/<int:pk>/",
        workspace_plans.entry_edit,
        name="workspace-plan-entry",
    ),
    path(
        "workspace/forward-plan/<int:pk>/publish/",
        workspace_plans.entry_publish,
        name="workspace-plan-entry-publish",
    ),
    path(
        "workspace/forward-plan/<int:pk>/agenda-item/",
        workspace_plans.entry_link,
        name="workspace-plan-entry-link",
    ),
    path(
        "workspace/forward-plan/<int:pk>/notices/new/",
        workspace_plans.notice_new,
        name="workspace-notice-new",
    ),
    path(
        "workspace/notices/<int:pk>/publish/",
        workspace_plans.notice_publish,
        name="workspace-notice-publish",
    ),
    path(
        "workspace/decision-records/new/",
        workspace_plans.record_new,
        name="workspace-decision-record-new",
    ),
    path(
        "workspace/decision-records/<int:pk>/",
        workspace_plans.record_edit,
        name="workspace-decision-record",
    ),
    path(
        "workspace/decision-records/<int:pk>/publish/",
        workspace_plans.record_publish,
        name="workspace-decision-record-publish",
    ),
    path(
        "workspace/decision-records/<int:pk>/call-in/",
        workspace_plans.record_call_in,
        name="workspace-decision-record-call-in",
    ),
    path(
        "workspace/decision-records/<int:pk>/effective/",
        workspace_plans.record_effective,
        name="workspace-decision-record-effective",
    ),
]

# Recorded votes (views_votes, api_votes).
urlpatterns += [
    path("decisions/votes/", views_votes.vote_list, name="vote-list"),
    path("people/<slug:slug>/votes/", views_votes.person_votes, name="person-votes"),
    path("api/votes/", api_votes.vote_list, name="api-vote-list"),
    path(
        "workspace/meetings/<slug:slug>/votes/",
        views_votes.meeting_votes,
        name="workspace-meeting-votes",
    ),
    path("workspace/resolutions/<int:pk>/vote/", views_votes.vote_new, name="workspace-vote-new"),
]

# Registers of interests (views_interests, workspace_interests, api_interests).
urlpatterns += [
    path("interests/", views_interests.register_index, name="interests-index"),
    path("interests/<slug:slug>/", views_interests.person_register, name="interests-person"),
    path(
        "interests/<slug:slug>/versions/<int:pk>/",
        views_interests.register_version,
        name="interests-version",
    ),
    path("my-interests/", views_interests.my_register, name="my-interests"),
    path(
        "my-interests/entries/<int:pk>/remove/",
        views_interests.my_entry_remove,
        name="my-interests-remove",
    ),
    path("my-interests/submit/", views_interests.my_submit, name="my-interests-submit"),
    path("api/interests/", api_interests.register_list, name="api-interests-list"),
    path("api/interests/<slug:slug>/", api_interests.person_register, name="api-interests-person"),
    path("workspace/interests/", workspace_interests.interests_index, name="workspace-interests"),
    path(
        "workspace/interests/<int:pk>/",
        workspace_interests.interests_review,
        name="workspace-interests-review",
    ),
]
