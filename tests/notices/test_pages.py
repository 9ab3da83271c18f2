"""The notice pages as owners, staff and managers use them, with their query budgets."""

import datetime as dt

from django.utils import timezone
from django_scopes import scope

from notices.models import Notice, NoticeReceipt, NoticeVersion
from notices.services import notice_update

FEED = "/o/sunrise/notices/"


def test_owner_feed_pinned_first_unread_marked_and_constant_queries(
        board, login, django_assert_max_num_queries):
    w = board.w
    for n in range(3):
        board.publish(title=f"Routine {n}")
    board.publish(title="Lift repair", pinned=True)
    client = login(w.owner)
    client.get(FEED)  # warm the session
    with django_assert_max_num_queries(12):
        page = client.get(FEED)
    text = page.content.decode()
    assert text.index("Lift repair") < text.index("Routine 2")
    assert "Unread" in text
    for n in range(10):
        board.publish(title=f"More {n}")
    with django_assert_max_num_queries(12):
        client.get(FEED)
    assert 'data-live-refresh="notice. notification.created"' in text


def test_feed_filters_and_search(board, login):
    board.publish(title="Water off", category="outage")
    board.publish(title="Garden party", category="event", body="Come along")
    client = login(board.w.owner)
    assert "Garden party" not in client.get(FEED + "?category=outage").content.decode()
    page = client.get(FEED + "?q=along").content.decode()
    assert "Garden party" in page and "Water off" not in page


def test_first_view_marks_read_and_acknowledge(board, login):
    w = board.w
    notice = board.publish(ack_required=True,
                           ack_deadline=timezone.now() + dt.timedelta(days=2))
    client = login(w.owner)
    page = client.get(f"{FEED}{notice.pk}/")
    assert page.status_code == 200 and "Acknowledge" in page.content.decode()
    receipt = NoticeReceipt.objects.get(notice=notice, user=w.owner)
    assert receipt.read_at is not None
    first_read = receipt.read_at
    client.get(f"{FEED}{notice.pk}/")
    receipt.refresh_from_db()
    assert receipt.read_at == first_read
    assert client.post(f"{FEED}{notice.pk}/ack/").status_code == 302
    receipt.refresh_from_db()
    assert receipt.acknowledged_at is not None


def test_editing_published_notice_makes_a_version_and_owner_sees_updated(board, login):
    w = board.w
    notice = board.publish(title="Water off Thursday")
    client = login(w.owner)
    client.get(f"{FEED}{notice.pk}/")
    notice_update(access=board.access(w.manager), notice=notice, title="Water off Friday",
                  body=notice.body, category=notice.category, whole_organization=True,
                  change_note="Moved to Friday")
    notice.refresh_from_db()
    assert notice.version == 2
    assert list(NoticeVersion.objects.filter(notice=notice).values_list(
        "number", "title")) == [(2, "Water off Friday"), (1, "Water off Thursday")]
    assert "Updated" in client.get(FEED).content.decode()
    assert "updated after you read it" in client.get(f"{FEED}{notice.pk}/").content.decode()


def test_manager_creates_and_publishes_through_the_form(world, login):
    w = world.sunrise
    client = login(w.manager)
    answer = client.post("/o/sunrise/manage/notices/new/", {
        "title": "Fire drill", "body": "Friday 10:00", "category": "safety",
        "buildings": [w.building.pk], "action": "publish"})
    assert answer.status_code == 302
    with scope(organization=w.org):
        notice = Notice.objects.get(title="Fire drill")
        assert notice.status == "published"
        assert NoticeReceipt.objects.filter(notice=notice).count() == 3


def test_form_refuses_past_schedule_and_empty_audience(world, login):
    w = world.sunrise
    client = login(w.manager)
    page = client.post("/o/sunrise/manage/notices/new/", {
        "title": "Nobody", "body": "x", "category": "general", "action": "publish"})
    assert page.status_code == 200
    assert "Choose who the notice is for" in page.content.decode()
    past = (timezone.localtime(timezone.now(), timezone.get_fixed_timezone(480))
            - dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    client.post("/o/sunrise/manage/notices/new/", {
        "title": "Late", "body": "x", "category": "general", "whole_organization": "on",
        "action": "schedule", "publish_at": past})
    with scope(organization=w.org):
        late = Notice.objects.get(title="Late")
        assert late.status == "draft"  # saved, not published
        assert not NoticeReceipt.objects.filter(notice=late).exists()
        assert not Notice.objects.filter(title="Nobody").exists()


def test_receipts_page_rates_csv_and_print(board, login, django_assert_max_num_queries):
    w = board.w
    notice = board.publish(ack_required=True, building_ids=[w.building.pk])
    login(w.owner).get(f"{FEED}{notice.pk}/")
    client = login(w.manager)
    base = f"/o/sunrise/manage/notices/{notice.pk}"
    client.get(f"{base}/receipts/")
    with django_assert_max_num_queries(12):
        page = client.get(f"{base}/receipts/")
    assert "1 of 3 read (33 %)" in page.content.decode()
    csv = client.get(f"{base}/receipts.csv")
    content = b"".join(csv.streaming_content) if csv.streaming else csv.content
    assert content.startswith("\ufeff".encode())
    assert "Owner sunrise" in content.decode("utf-8-sig")
    staff = login(w.staff)
    printed = staff.get(f"{base}/print/").content.decode()
    assert "Neighbour sunrise" in printed and "Owner sunrise" not in printed  # read online
    receipt = NoticeReceipt.objects.get(notice=notice, user=w.neighbour)
    staff.post(f"{base}/paper/", {"receipt": [receipt.pk]})
    receipt.refresh_from_db()
    assert receipt.paper_delivered_at is not None and receipt.paper_delivered_by == w.staff


def test_home_sections(board, login):
    board.publish(title="Pinned hello", pinned=True)
    assert "Pinned hello" in login(board.w.owner).get("/o/sunrise/").content.decode()
    board.draft(title="Draft for later")
    assert "Draft for later" in login(board.w.manager).get("/o/sunrise/").content.decode()
