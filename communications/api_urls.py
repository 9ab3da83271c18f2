"""Included by portal/api/urls.py as ``path("notifications/", include(...))``."""

from django.urls import path

from . import api

urlpatterns = [
    path("", api.NotificationListView.as_view(), name="notification-list"),
    path("read-all/", api.NotificationReadAllView.as_view(), name="notification-read-all"),
    path("<int:pk>/read/", api.NotificationReadView.as_view(), name="notification-read"),
]
