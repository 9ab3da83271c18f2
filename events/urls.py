"""Pages under /o/<org_slug>/ (included by portal.urls): owners' events under events/,
managers' and staff's under manage/events/."""

from django.urls import path

from .views import feedback, files, manage, owner

app_name = "events"
urlpatterns = [
    path("events/", owner.event_list, name="list"),
    path("events/calendar/", owner.event_calendar, name="calendar"),
    path("events/<int:pk>/", owner.event_detail, name="detail"),
    path("events/<int:pk>/register/", owner.event_register, name="register"),
    path("events/<int:pk>/unregister/", owner.event_unregister, name="unregister"),
    path("events/<int:pk>/cover/", files.event_cover, name="cover"),
    path("events/<int:pk>/event.ics", files.event_ics, name="ics"),
    path("events/feed/", files.feed_page, name="feed"),
    path("events/feed/new/", files.feed_new, name="feed-new"),
    path("events/feed/revoke/", files.feed_delete, name="feed-revoke"),
    path("events/feed/<str:token>.ics", files.feed_ics, name="feed-ics"),
    path("manage/events/", manage.manage_list, name="manage-list"),
    path("manage/events/new/", manage.manage_new, name="manage-new"),
    path("manage/events/<int:pk>/", manage.manage_detail, name="manage-detail"),
    path("manage/events/<int:pk>/edit/", manage.manage_edit, name="manage-edit"),
    path("manage/events/<int:pk>/publish/", manage.manage_publish, name="manage-publish"),
    path("manage/events/<int:pk>/cancel/", manage.manage_cancel, name="manage-cancel"),
    path("manage/events/<int:pk>/check-in/", manage.manage_checkin, name="manage-checkin"),
    path("manage/events/<int:pk>/registrations.csv", manage.manage_export,
         name="manage-export"),
    path("manage/events/<int:pk>/feedback/", feedback.feedback_add, name="manage-feedback"),
    path("manage/events/<int:pk>/feedback/remove/", feedback.feedback_remove,
         name="manage-feedback-remove"),
]
