from django.urls import path

from . import views, views_privacy

app_name = "accounts"
urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("profile/", views.profile, name="profile"),
    path("privacy/", views_privacy.privacy, name="privacy"),
    path("privacy/export/", views_privacy.privacy_export, name="privacy-export"),
    path("language/", views.set_language, name="set-language"),
    path("password/change/", views.PasswordChangeView.as_view(), name="password-change"),
    path("password/reset/", views.PasswordResetView.as_view(), name="password-reset"),
    path(
        "password/reset/sent/", views.PasswordResetDoneView.as_view(),
        name="password-reset-done",
    ),
    path(
        "password/reset/<uidb64>/<token>/", views.PasswordResetConfirmView.as_view(),
        name="password-reset-confirm",
    ),
    path("invitation/<str:token>/", views.invitation_accept, name="invitation-accept"),
]
