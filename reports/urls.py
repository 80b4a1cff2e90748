from django.urls import path

from . import views

urlpatterns = [
    path("documents/<int:pk>/download/", views.report_download, name="report-download"),
]
