from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from boardpapers.accounts import views as account_views

urlpatterns = [
    path("", include("meetings.urls")),
    path("", include("reports.urls")),
    path("", include("meetings.moderngov.urls")),
    path("sign-in/", account_views.SignInView.as_view(), name="login"),
    path("sign-in/code/", account_views.verify, name="two-factor"),
    path("sign-in/set-up-code/", account_views.setup, name="two-factor-setup"),
    path("sign-out/", auth_views.LogoutView.as_view(), name="logout"),
    path("password-reset/", account_views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "password-reset/<uidb64>/<token>/",
        account_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password-reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("staff/", admin.site.urls),
]
