"""Outage tickets answered at once, owners' questions about disclosures, and the API."""

import datetime as dt

import pytest
from django.utils import timezone

from notices.models import DisclosureInquiry, Notice, NoticeReceipt, OutageTicketLink
from notices.services import NoticeError
from notices.services.disclosures import (
    disclosure_inquire,
    disclosure_item_save,
    disclosure_publish,
)
from notices.services.outages import outage_answer_all, outage_link_tickets
from tickets.models import Category, Ticket, TimelineEntry
from tickets.services import categories_ensure_defaults, sla_ensure_defaults, ticket_submit

API = "/api/v1/orgs/sunrise"


@pytest.fixture
def desk(board):
    categories_ensure_defaults(organization=board.w.org)
    sla_ensure_defaults(organization=board.w.org)
    return Category.objects.get(organization=board.w.org, kind="repair")


def _ticket(board, category, user, unit, title="No water"):
    return ticket_submit(access=board.access(user), category=category, title=title, unit=unit)


def test_staff_link_outage_tickets_and_answer_them_all(board, desk):
    w = board.w
    notice = board.publish(category="outage", building_ids=[w.building.pk])
    first = _ticket(board, desk, w.owner, w.unit)
    second = _ticket(board, desk, w.neighbour, w.neighbour_unit, "Tap dry")
    far = _ticket(board, desk, w.far_owner, w.far_unit, "Also dry")
    staff = board.access(w.staff)
    with pytest.raises(NoticeError):  # far's ticket is outside the staff member's property
        outage_link_tickets(access=staff, notice=notice, numbers=[first.number, far.number])
    assert not OutageTicketLink.objects.exists()
    assert outage_link_tickets(access=staff, notice=notice,
                               numbers=[first.number, second.number]) == 2
    assert outage_link_tickets(access=staff, notice=notice, numbers=[first.number]) == 0
    assert outage_answer_all(access=staff, notice=notice,
                             body="Water is back since 14:10.") == 2
    for ticket in (first, second):
        ticket.refresh_from_db()
        assert ticket.first_responded_at is not None
        assert TimelineEntry.objects.filter(ticket=ticket, kind="comment",
                                            body="Water is back since 14:10.").exists()


def test_owner_question_about_a_disclosure_opens_a_linked_ticket(board, desk):
    w = board.w
    manager = board.access(w.manager)
    item = disclosure_item_save(access=manager, kind="fees", title="Fees", schedule="yearly",
                                next_due_on=timezone.localdate(), property_id=w.property.pk)
    publication = disclosure_publish(access=manager, item=item, period="2026", body="2.8/m²")
    inquiry = disclosure_inquire(access=board.access(w.owner), publication=publication,
                                 category=desk, title="Why 2.8?", description="It was 2.6.")
    ticket = Ticket.objects.get(pk=inquiry.ticket_id)
    assert ticket.requester == w.owner and ticket.property_id == w.property.pk
    assert ticket.first_response_due_at is not None  # its own SLA
    assert "Fees" in ticket.description
    assert DisclosureInquiry.objects.filter(publication=publication).count() == 1


def test_owner_asks_through_the_page(board, desk, login):
    w = board.w
    manager = board.access(w.manager)
    item = disclosure_item_save(access=manager, kind="fund_use", title="Fund use",
                                schedule="quarterly", next_due_on=timezone.localdate())
    publication = disclosure_publish(access=manager, item=item, period="2026 Q3", body="x")
    client = login(w.owner)
    answer = client.post(f"/o/sunrise/disclosures/{publication.pk}/ask/",
                         {"title": "Receipts please", "description": "Show invoices"})
    assert answer.status_code == 302
    assert DisclosureInquiry.objects.filter(publication=publication).exists()


def test_api_owner_lists_reads_and_acknowledges(board, login):
    w = board.w
    notice = board.publish(ack_required=True, building_ids=[w.building.pk],
                           ack_deadline=timezone.now() + dt.timedelta(days=1))
    client = login(w.owner)
    listed = client.get(f"{API}/notices/").json()
    assert [n["id"] for n in listed["results"]] == [notice.pk]
    assert listed["results"][0]["read_at"] is None
    detail = client.get(f"{API}/notices/{notice.pk}/").json()
    assert detail["read_at"] is not None and "<strong>off</strong>" in detail["body_html"]
    acked = client.post(f"{API}/notices/{notice.pk}/ack/").json()
    assert acked["acknowledged_at"] is not None
    assert login(w.far_owner).get(f"{API}/notices/{notice.pk}/").status_code == 404


def test_api_manager_creates_publishes_and_reads_receipts(board, login):
    w = board.w
    client = login(w.manager)
    made = client.post(f"{API}/notices/", {"title": "Fire drill", "body": "Friday",
                                           "category": "safety",
                                           "buildings": [w.building.pk], "publish": True},
                       content_type="application/json")
    assert made.status_code == 201, made.content
    notice = Notice.objects.get(pk=made.json()["id"])
    assert notice.status == "published"
    receipts = client.get(f"{API}/notices/{notice.pk}/receipts/").json()["results"]
    assert {r["name"] for r in receipts} == {"Owner sunrise", "Household sunrise",
                                             "Neighbour sunrise"}
    bad = client.post(f"{API}/notices/", {"title": "x", "body": "<script>x</script>",
                                          "whole_organization": True},
                      content_type="application/json")
    assert bad.status_code == 400 and "body" in bad.json()
    foreign = client.post(f"{API}/notices/", {"title": "x", "body": "y",
                                              "buildings": [board.w.building.pk + 10_000]},
                          content_type="application/json")
    assert foreign.status_code == 400
    assert NoticeReceipt.objects.filter(notice__title="x").count() == 0


def test_api_disclosures_list(board, login):
    w = board.w
    manager = board.access(w.manager)
    item = disclosure_item_save(access=manager, kind="fees", title="Fees", schedule="yearly",
                                next_due_on=timezone.localdate(),
                                property_id=w.other_property.pk)
    disclosure_publish(access=manager, item=item, period="2026", body="2.8/m²")
    assert len(login(w.far_owner).get(f"{API}/disclosures/").json()["results"]) == 1
    assert login(w.owner).get(f"{API}/disclosures/").json()["results"] == []
