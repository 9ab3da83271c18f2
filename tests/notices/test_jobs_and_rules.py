"""Scheduled publishing exactly once, reminders once, emergencies on every channel, files,
disclosure immutability and overdue alerts, and the engagement metric."""

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django_scopes import scopes_disabled

from communications.models import Delivery, Notification
from notices.metrics import notice_engagement
from notices.models import (
    DisclosureAlert,
    DisclosureItem,
    DisclosurePublication,
    Notice,
    NoticeReceipt,
)
from notices.services import (
    NoticeError,
    notice_acknowledge,
    notice_publish,
    publish_due,
    remind_due,
)
from notices.services.disclosures import (
    disclosure_alert_overdue,
    disclosure_item_save,
    disclosure_publication_change,
    disclosure_publish,
)


def test_scheduled_notice_published_once_when_job_runs_twice(board):
    later = timezone.now() + dt.timedelta(hours=1)
    notice = notice_publish(access=board.access(board.w.manager), notice=board.draft(),
                            publish_at=later)
    assert publish_due(now=later - dt.timedelta(minutes=1)) == 0
    assert publish_due(now=later) == 1
    assert publish_due(now=later) == 0
    notice.refresh_from_db()
    assert notice.status == Notice.Status.PUBLISHED
    with scopes_disabled():
        assert Notification.objects.filter(kind="notice.published",
                                           recipient=board.w.owner).count() == 1
    assert NoticeReceipt.objects.filter(notice=notice, user=board.w.owner).count() == 1


def test_schedule_in_the_past_is_refused(board):
    notice = board.draft()
    with pytest.raises(NoticeError) as error:
        notice_publish(access=board.access(board.w.manager), notice=notice,
                       publish_at=timezone.now() - dt.timedelta(minutes=5))
    assert "publish_at" in error.value.error_dict
    notice.refresh_from_db()
    assert notice.status == Notice.Status.DRAFT


def test_empty_audience_is_refused(board):
    with pytest.raises(NoticeError) as error:
        board.draft(whole_organization=False, property_ids=[])
    assert "audience" in error.value.error_dict
    assert not Notice.objects.exists()


def test_emergency_goes_out_on_every_channel(board):
    board.w.owner.phone = "+8613800000001"
    with scopes_disabled():
        board.w.owner.save()
    notice = board.publish(category="emergency", title="Gas leak: leave building 1")
    receipt = NoticeReceipt.objects.get(notice=notice, user=board.w.owner)
    assert receipt.channel == "web,email,sms"
    with scopes_disabled():
        channels = set(Delivery.objects.filter(notification__recipient=board.w.owner)
                       .values_list("channel", flat=True))
    assert channels == {"email", "sms"}


def test_reminder_job_reminds_unacknowledged_once(board):
    deadline = timezone.now() + dt.timedelta(days=4)
    notice = board.publish(ack_required=True, ack_deadline=deadline,
                           building_ids=[board.w.building.pk])
    notice_acknowledge(access=board.access(board.w.owner), notice=notice)
    notice.refresh_from_db()
    assert notice.remind_at is not None
    assert remind_due(now=notice.remind_at - dt.timedelta(minutes=1)) == 0
    assert remind_due(now=notice.remind_at) == 2  # household and neighbour
    assert remind_due(now=notice.remind_at + dt.timedelta(hours=1)) == 0
    with scopes_disabled():
        reminded = set(Notification.objects.filter(kind="notice.reminder")
                       .values_list("recipient_id", flat=True))
    assert reminded == {board.w.household.pk, board.w.neighbour.pk}


def _png() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buffer, "PNG")
    return buffer.getvalue()


def test_attachments_checked_by_content(board):
    good = [SimpleUploadedFile("plan.pdf", b"%PDF-1.4\n..."),
            SimpleUploadedFile("photo.png", _png())]
    notice = board.draft(uploads=good)
    assert sorted(notice.attachments.values_list("content_type", flat=True)) == [
        "application/pdf", "image/png"]
    disguised = SimpleUploadedFile("notice.pdf", b"<html><script>alert(1)</script></html>")
    with pytest.raises(NoticeError) as error:
        board.draft(title="Disguised", uploads=[disguised])
    assert "attachments" in error.value.error_dict
    big = SimpleUploadedFile("big.pdf", b"%PDF-" + b"0" * (10 * 1024 * 1024 + 10))
    with pytest.raises(NoticeError):
        board.draft(title="Big", uploads=[big])
    assert list(Notice.objects.values_list("title", flat=True)) == [notice.title]


def _item(board, **fields):
    fields.setdefault("next_due_on", timezone.localdate() - dt.timedelta(days=1))
    return disclosure_item_save(access=board.access(board.w.manager), kind="fund_use",
                                title="Maintenance fund use", schedule="quarterly", **fields)


def test_disclosure_is_immutable_and_corrections_are_versions(board):
    item = _item(board)
    manager = board.access(board.w.manager)
    first = disclosure_publish(access=manager, item=item, period="2026 Q3", body="Spent 1000")
    with pytest.raises(NoticeError):  # the same period again is not a silent overwrite
        disclosure_publish(access=manager, item=item, period="2026 Q3", body="Spent 900")
    with pytest.raises(NoticeError):
        disclosure_publication_change(publication=first, body="Spent 900")
    with pytest.raises(NoticeError) as error:  # a correction must say what changed
        disclosure_publish(access=manager, item=item, period="", body="Spent 900",
                           corrects=first)
    assert "change_note" in error.value.error_dict
    fixed = disclosure_publish(access=manager, item=item, period="", body="Spent 900",
                               corrects=first, change_note="Invoice counted twice")
    assert (fixed.version, fixed.period, fixed.corrects_id) == (2, "2026 Q3", first.pk)
    first.refresh_from_db()
    assert first.body == "Spent 1000"
    item.refresh_from_db()
    assert item.next_due_on > timezone.localdate()


def test_ledgers_must_be_xlsx_or_pdf(board):
    import openpyxl

    workbook = openpyxl.Workbook()
    buffer = io.BytesIO()
    workbook.save(buffer)
    item = _item(board)
    manager = board.access(board.w.manager)
    publication = disclosure_publish(
        access=manager, item=item, period="2026 Q2", body="Ledger attached",
        uploads=[SimpleUploadedFile("ledger.xlsx", buffer.getvalue())])
    assert publication.attachments.get().extension == ".xlsx"
    with pytest.raises(NoticeError):
        disclosure_publish(access=manager, item=item, period="2026 Q1", body="x",
                           uploads=[SimpleUploadedFile("ledger.xlsx", b"PK\x03\x04nope")])
    assert DisclosurePublication.objects.count() == 1


def test_overdue_alert_once_per_due_day(board):
    _item(board)
    assert disclosure_alert_overdue() == 1
    assert disclosure_alert_overdue() == 0
    with scopes_disabled():
        told = set(Notification.objects.filter(kind="disclosure.overdue")
                   .values_list("recipient_id", flat=True))
    assert told == {board.w.manager.pk, board.w.admin.pk}
    assert DisclosureAlert.objects.count() == 1
    assert DisclosureItem.objects.count() == 1


def test_engagement_metric(board, django_assert_max_num_queries):
    w = board.w
    notice = board.publish(ack_required=True, building_ids=[w.building.pk])
    board.publish(property_ids=[w.other_property.pk])
    notice_acknowledge(access=board.access(w.owner), notice=notice)
    today = timezone.localdate()
    with django_assert_max_num_queries(2):
        numbers = notice_engagement(organization=w.org, property_ids=None, start=today,
                                    end=today)
    assert numbers == {"notices": 2, "recipients": 4, "read": 1, "acknowledged": 1,
                       "ack_required": 3}
    scoped = notice_engagement(organization=w.org, property_ids=[w.other_property.pk],
                               start=today, end=today)
    assert scoped == {"notices": 1, "recipients": 1, "read": 0, "acknowledged": 0,
                      "ack_required": 0}
