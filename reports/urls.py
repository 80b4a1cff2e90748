from django.urls import path

from . import views, views_disclosure, views_versions

urlpatterns = [
    path("documents/<int:pk>/download/", views.report_download, name="report-download"),
    path(
        "workspace/documents/<int:pk>/strip-hidden/",
        views_disclosure.strip_hidden,
        name="workspace-strip-hidden",
    ),
    path("meetings/<slug:slug>/packs/status/", views.pack_status, name="pack-status"),
    path("meetings/<slug:slug>/packs/<slug:kind>.pdf", views.pack_download, name="pack-download"),
    path(
        "meetings/<slug:slug>/packs/<slug:kind>/version-<int:version>.pdf",
        views_versions.pack_version_download,
        name="pack-version-download",
    ),
]
