"""Pages under /o/<org_slug>/ (included by portal.urls)."""

from django.urls import path

from .views import disclosures, manage, owner

app_name = "notices"
N = "notices/"
M = "manage/notices/"
D = "disclosures/"
urlpatterns = [
    # Everyone's notices (owners: their feed; staff: the notices of their properties).
    path(N, owner.feed, name="feed"),
    path(f"{N}<int:pk>/", owner.detail, name="detail"),
    path(f"{N}<int:pk>/ack/", owner.acknowledge, name="ack"),
    path(f"{N}<int:pk>/files/<int:file_pk>/", owner.attachment, name="attachment"),
    # Managers and staff.
    path(M, manage.notice_list, name="manage"),
    path(f"{M}new/", manage.notice_new, name="new"),
    path(f"{M}<int:pk>/", manage.notice_edit, name="edit"),
    path(f"{M}<int:pk>/publish/", manage.notice_publish_view, name="publish"),
    path(f"{M}<int:pk>/archive/", manage.notice_archive_view, name="archive"),
    path(f"{M}<int:pk>/receipts/", manage.receipts, name="receipts"),
    path(f"{M}<int:pk>/receipts.csv", manage.receipts_csv, name="receipts-csv"),
    path(f"{M}<int:pk>/remind/", manage.remind, name="remind"),
    path(f"{M}<int:pk>/print/", manage.printable, name="print"),
    path(f"{M}<int:pk>/paper/", manage.paper, name="paper"),
    path(f"{M}<int:pk>/tickets/", manage.outage_tickets, name="outage-tickets"),
    path(f"{M}<int:pk>/tickets/answer/", manage.outage_answer, name="outage-answer"),
    # The disclosure register.
    path(D, disclosures.register, name="disclosures"),
    path(f"{D}<int:pk>/", disclosures.publication, name="disclosure"),
    path(f"{D}<int:pk>/ask/", disclosures.ask, name="disclosure-ask"),
    path(f"{D}files/<int:file_pk>/", disclosures.ledger, name="disclosure-file"),
    path(f"manage/{D}", disclosures.manage, name="disclosure-manage"),
    path(f"manage/{D}items/<int:pk>/publish/", disclosures.publish, name="disclosure-publish"),
]
