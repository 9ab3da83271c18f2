"""Owners' request pages, under /o/<org_slug>/requests/ (namespace "tickets")."""

from django.urls import path

from .views import attachments, owner

urlpatterns = [
    path("", owner.request_list, name="request-list"),
    path("new/", owner.request_new, name="request-new"),
    path("faq/", owner.faq_suggest, name="faq-suggest"),
    path("<int:number>/", owner.request_detail, name="request-detail"),
    path("<int:number>/reply/", owner.request_reply, name="request-reply"),
    path("<int:number>/cancel/", owner.request_cancel, name="request-cancel"),
    path("<int:number>/close/", owner.request_close, name="request-close"),
    path("<int:number>/reopen/", owner.request_reopen, name="request-reopen"),
    path("<int:number>/rate/", owner.request_rate, name="request-rate"),
    # Shared with the staff pages: every ticket attachment is served here, access-checked.
    path("attachments/<int:pk>/", attachments.attachment_download, name="attachment"),
    path(
        "attachments/<int:pk>/thumbnail/", attachments.attachment_thumbnail,
        name="attachment-thumb",
    ),
]
