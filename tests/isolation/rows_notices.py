"""Notices and the disclosure register (notices app), pages and API.

Each row's notice is published by the sunrise manager to ``{building}`` (in ``{property}``,
the staff member's scope) inside the row's own transaction: its recipients are owner,
household and neighbour; staff_out and far_owner must get 404. The disclosure item belongs to
``{property}``.
"""

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from notices.models import (
    DisclosureItem,
    DisclosurePublication,
    Notice,
    NoticeAttachment,
    NoticeReceipt,
)
from notices.services import notice_create, notice_publish
from notices.services.disclosures import disclosure_item_save, disclosure_publish
from portal.tenancy.access import compute_access
from tickets.models import Ticket
from tickets.services import categories_ensure_defaults, sla_ensure_defaults

from .matrix import ALL_MEMBERS, MANAGERS, STAFF_ROLES, Row

P = "/o/{org}/notices"
M = "/o/{org}/manage/notices"
D = "/o/{org}/disclosures"
API = "/api/v1/orgs/{org}"
RECIPIENTS = frozenset({"owner", "household", "neighbour"})
SEE_NOTICE = STAFF_ROLES | RECIPIENTS


def _manager(world):
    return compute_access(world.sunrise.manager, world.sunrise.org)


def _draft(world, **extra):
    s = world.sunrise
    return notice_create(
        access=_manager(world), title="Matrix notice", body="Water off **tomorrow**.",
        category="outage", building_ids=[s.building.pk], ack_required=True,
        ack_deadline=timezone.now() + dt.timedelta(days=3), **extra,
    )


def _notice(world):
    return notice_publish(access=_manager(world), notice=_draft(world)).pk


def _notice_with_file(world):
    pdf = SimpleUploadedFile("plan.pdf", b"%PDF-1.4\n% matrix\n", content_type="application/pdf")
    notice = notice_publish(access=_manager(world), notice=_draft(world, uploads=[pdf]))
    return notice.pk


def _file(world):
    return NoticeAttachment.objects.get(notice_id=_notice_with_file(world)).pk


def _notices(world):
    return sorted(Notice.objects.filter(organization=world.sunrise.org).values_list(
        "pk", "status", "title", "version"))


def _receipts(world):
    return sorted(NoticeReceipt.objects.filter(organization=world.sunrise.org).values_list(
        "pk", "read_at", "acknowledged_at", "paper_delivered_at", "reminded_at"))


def _item(world):
    s = world.sunrise
    return disclosure_item_save(
        access=_manager(world), kind="fees", title="Matrix fees", schedule="quarterly",
        next_due_on=timezone.localdate(), property_id=s.property.pk).pk


def _publication(world):
    item = DisclosureItem.objects.get(pk=_item(world))
    ledger = SimpleUploadedFile("ledger.pdf", b"%PDF-1.4\n% ledger\n")
    return disclosure_publish(access=_manager(world), item=item, period="2026 Q3",
                              body="| fee | rate |\n|---|---|\n| service | 2.5 |",
                              uploads=[ledger]).pk


def _ledger(world):
    publication = DisclosurePublication.objects.get(pk=_publication(world))
    return publication.attachments.get().pk


def _ask_ready(world):
    categories_ensure_defaults(organization=world.sunrise.org)
    sla_ensure_defaults(organization=world.sunrise.org)
    return _publication(world)


def _tickets(world):
    return Ticket.objects.filter(organization=world.sunrise.org).count()


def _publications(world):
    return DisclosurePublication.objects.filter(organization=world.sunrise.org).count()


NOTICE = {"notice": _notice}
DRAFT = {"notice": lambda world: _draft(world).pk}

ROWS = [
    # --- Residents' pages ------------------------------------------------------------------
    Row("notices-feed", "GET", f"{P}/", allowed=ALL_MEMBERS, extra=NOTICE),
    Row("notices-detail", "GET", f"{P}/{{notice}}/", allowed=SEE_NOTICE, extra=NOTICE),
    Row("notices-ack", "POST", f"{P}/{{notice}}/ack/", allowed=RECIPIENTS, ok=302,
        extra=NOTICE, changed=_receipts),
    Row("notices-attachment", "GET", f"{P}/{{notice}}/files/{{file}}/", allowed=SEE_NOTICE,
        extra={"notice": lambda world: NoticeAttachment.objects.get(pk=_file(world)).notice_id,
               "file": lambda world: NoticeAttachment.objects.get().pk}),
    # --- Managers and staff ----------------------------------------------------------------
    Row("notices-manage-list", "GET", f"{M}/", allowed=MANAGERS, extra=NOTICE),
    Row("notices-manage-new-form", "GET", f"{M}/new/", allowed=MANAGERS),
    Row("notices-manage-new", "POST", f"{M}/new/", allowed=MANAGERS, ok=302,
        data={"title": "Matrix new", "body": "Hello", "category": "general",
              "whole_organization": "on", "action": "save"}, changed=_notices),
    Row("notices-manage-edit", "POST", f"{M}/{{notice}}/", allowed=MANAGERS, ok=302,
        data={"title": "Matrix edited", "body": "Hello again", "category": "general",
              "whole_organization": "on", "action": "save"}, extra=NOTICE, changed=_notices),
    Row("notices-manage-publish", "POST", f"{M}/{{notice}}/publish/", allowed=MANAGERS,
        ok=302, extra=DRAFT, changed=_notices),
    Row("notices-manage-archive", "POST", f"{M}/{{notice}}/archive/", allowed=MANAGERS,
        ok=302, extra=NOTICE, changed=_notices),
    Row("notices-manage-receipts", "GET", f"{M}/{{notice}}/receipts/", allowed=MANAGERS,
        extra=NOTICE),
    Row("notices-manage-receipts-csv", "GET", f"{M}/{{notice}}/receipts.csv",
        allowed=MANAGERS, extra=NOTICE),
    Row("notices-manage-remind", "POST", f"{M}/{{notice}}/remind/", allowed=MANAGERS,
        ok=302, extra=NOTICE, changed=_receipts),
    Row("notices-print", "GET", f"{M}/{{notice}}/print/", allowed=STAFF_ROLES, extra=NOTICE),
    Row("notices-paper", "POST", f"{M}/{{notice}}/paper/", allowed=STAFF_ROLES, ok=302,
        data={"receipt": "{receipt}"},
        extra={"notice": _notice,
               "receipt": lambda world: NoticeReceipt.objects.filter(
                   user=world.sunrise.owner).get().pk},
        changed=_receipts),
    Row("notices-outage-tickets", "GET", f"{M}/{{notice}}/tickets/", allowed=STAFF_ROLES,
        extra=NOTICE),
    Row("notices-outage-answer", "POST", f"{M}/{{notice}}/tickets/answer/",
        allowed=STAFF_ROLES, ok=302, data={"body": "Water is back."}, extra=NOTICE,
        changed=_tickets),
    # --- Disclosure register ---------------------------------------------------------------
    Row("disclosures-register", "GET", f"{D}/", allowed=ALL_MEMBERS,
        extra={"publication": _publication}),
    Row("disclosures-publication", "GET", f"{D}/{{publication}}/",
        allowed=STAFF_ROLES | RECIPIENTS, extra={"publication": _publication}),
    Row("disclosures-ask", "POST", f"{D}/{{publication}}/ask/", allowed=RECIPIENTS, ok=302,
        data={"title": "Why did the fee rise?", "description": "Please explain."},
        extra={"publication": _ask_ready}, changed=_tickets),
    Row("disclosures-ledger", "GET", f"{D}/files/{{ledger}}/",
        allowed=STAFF_ROLES | RECIPIENTS, extra={"ledger": _ledger}),
    Row("disclosures-manage", "GET", "/o/{org}/manage/disclosures/", allowed=MANAGERS),
    Row("disclosures-publish", "POST", "/o/{org}/manage/disclosures/items/{item}/publish/",
        allowed=MANAGERS, ok=302, data={"period": "2026 Q4", "body": "Figures"},
        extra={"item": _item}, changed=_publications),
    # --- API -------------------------------------------------------------------------------
    Row("api-notices-list", "GET", f"{API}/notices/", allowed=ALL_MEMBERS, api=True,
        extra=NOTICE),
    Row("api-notices-create", "POST", f"{API}/notices/", allowed=MANAGERS, api=True, ok=201,
        data={"title": "From the app", "body": "Hello", "whole_organization": True},
        changed=_notices),
    Row("api-notice-detail", "GET", f"{API}/notices/{{notice}}/", allowed=SEE_NOTICE,
        api=True, extra=NOTICE),
    Row("api-notice-update", "PATCH", f"{API}/notices/{{notice}}/", allowed=MANAGERS,
        api=True, data={"title": "Changed", "body": "New text", "whole_organization": True},
        extra=NOTICE, changed=_notices),
    Row("api-notice-ack", "POST", f"{API}/notices/{{notice}}/ack/", allowed=RECIPIENTS,
        api=True, extra=NOTICE, changed=_receipts),
    Row("api-notice-receipts", "GET", f"{API}/notices/{{notice}}/receipts/",
        allowed=MANAGERS, api=True, extra=NOTICE),
    Row("api-disclosures", "GET", f"{API}/disclosures/", allowed=ALL_MEMBERS, api=True,
        extra={"publication": _publication}),
]
