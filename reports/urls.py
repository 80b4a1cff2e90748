from django.urls import path

from . import views

urlpatterns = [
    path("documents/<int:pk>/download/", views.report_download, name="report-download"),
    path("meetings/<slug:slug>/packs/status/", views.pack_status, name="pack-status"),
    path("meetings/<slug:slug>/packs/<slug:kind>.pdf", views.pack_download, name="pack-download"),
]
