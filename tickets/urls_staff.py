"""Staff pages, mounted at /o/<org_slug>/tickets/ (namespace "tickets")."""

from django.urls import path

from .views import staff
from .views.staff.presence import ticket_presence

urlpatterns = [
    path("", staff.queue, name="queue"),
    path("bulk/", staff.queue_bulk, name="queue-bulk"),
    path("new/", staff.file_for_owner, name="file-for-owner"),
    path("<int:number>/", staff.ticket_detail, name="ticket-detail"),
    path("<int:number>/accept/", staff.ticket_accept_view, name="ticket-accept"),
    path("<int:number>/transition/", staff.ticket_transition_view, name="ticket-transition"),
    path("<int:number>/assign/", staff.ticket_assign_view, name="ticket-assign"),
    path("<int:number>/priority/", staff.ticket_priority_view, name="ticket-priority"),
    path("<int:number>/category/", staff.ticket_category_view, name="ticket-category"),
    path("<int:number>/comment/", staff.ticket_comment_view, name="ticket-comment"),
    path("<int:number>/merge/", staff.ticket_merge_view, name="ticket-merge"),
    path("<int:number>/presence/", ticket_presence, name="ticket-presence"),
    path("<int:number>/reveal-phone/", staff.ticket_reveal_phone_view,
         name="ticket-reveal-phone"),
]
