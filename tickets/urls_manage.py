"""Managers' ticket settings, mounted at /o/<org_slug>/manage/tickets/ (namespace "tickets")."""

from django.urls import path

from .views import manage as m
from .views import manage_follow_ups as follow_ups

urlpatterns = [
    path("", m.settings_index, name="settings"),
    path("teams/", m.team_list, name="manage-teams"),
    path("teams/new/", m.team_create, name="manage-team-create"),
    path("teams/<int:pk>/", m.team_edit, name="manage-team-edit"),
    path("categories/", m.category_list, name="manage-categories"),
    path("categories/new/", m.category_create, name="manage-category-create"),
    path("categories/<int:pk>/", m.category_edit, name="manage-category-edit"),
    path("policies/", m.policy_list, name="manage-policies"),
    path("policies/new/", m.policy_create, name="manage-policy-create"),
    path("policies/<int:pk>/", m.policy_edit, name="manage-policy-edit"),
    path("calendars/", m.calendar_list, name="manage-calendars"),
    path("calendars/new/", m.calendar_create, name="manage-calendar-create"),
    path("calendars/<int:pk>/", m.calendar_edit, name="manage-calendar-edit"),
    path("calendars/<int:pk>/exceptions/", m.calendar_exception_add,
         name="manage-calendar-exception-add"),
    path("calendars/<int:pk>/exceptions/remove/", m.calendar_exception_delete,
         name="manage-calendar-exception-remove"),
    path("faq/", m.faq_list, name="manage-faq"),
    path("faq/new/", m.faq_create, name="manage-faq-create"),
    path("faq/<int:pk>/", m.faq_edit, name="manage-faq-edit"),
    path("faq/<int:pk>/delete/", m.faq_delete, name="manage-faq-delete"),
    path("canned/", m.canned_list, name="manage-canned"),
    path("canned/new/", m.canned_create, name="manage-canned-create"),
    path("canned/<int:pk>/", m.canned_edit, name="manage-canned-edit"),
    path("canned/<int:pk>/delete/", m.canned_delete, name="manage-canned-delete"),
    path("follow-ups/", follow_ups.follow_up_list, name="manage-follow-ups"),
    path("follow-ups/<int:pk>/done/", follow_ups.follow_up_done, name="manage-follow-up-done"),
]
