"""/notifications/: per person, not per organisation (portal/urls.py includes this)."""

from django.urls import path

from . import views

app_name = "communications"
urlpatterns = [
    path("", views.notification_list, name="list"),
    path("bell/", views.bell, name="bell"),
    path("read-all/", views.notification_read_all, name="read-all"),
    path("<int:pk>/read/", views.notification_read, name="read"),
    path("preferences/", views.preferences, name="preferences"),
]
