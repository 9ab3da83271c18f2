"""The optional daily digest email: off by default, once a day at the person's morning, the
unread notifications of the last day, in the person's language."""

import datetime as dt
import uuid
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone
from django_scopes import scopes_disabled

from communications.digest import digest_send_due, digest_subscribe, next_morning
from communications.models import DigestSent, DigestSubscription, Notification
from communications.services import notify, preferences_save

SHANGHAI = ZoneInfo("Asia/Shanghai")
# 23:30 UTC on Monday = 07:30 Tuesday in Shanghai.
EVENING = dt.datetime(2026, 3, 2, 23, 30, tzinfo=dt.UTC)


@pytest.fixture
def subscribed(world, time_machine):
    time_machine.move_to(EVENING, tick=False)
    owner = world.sunrise.owner
    owner.email = owner.email or "owner@example.com"
    owner.language = "en"
    owner.save(update_fields=["email", "language"])
    with transaction.atomic():
        digest_subscribe(user=owner, enabled=True)
    return owner


def tell(world, number: int = 1):
    notify(organization=world.sunrise.org, recipients=[world.sunrise.owner.pk],
           kind="ticket.status", context={"number": number, "title": "Tap", "status": "Accepted"},
           url=f"/o/sunrise/requests/{number}/")


def test_the_digest_is_off_by_default(world, time_machine):
    time_machine.move_to(EVENING + dt.timedelta(hours=1), tick=False)
    tell(world)
    mail.outbox.clear()
    assert digest_send_due() == 0
    assert mail.outbox == []


def test_next_morning_is_eight_oclock_local_time():
    assert next_morning(EVENING, "Asia/Shanghai") == dt.datetime(2026, 3, 3, 8, tzinfo=SHANGHAI)
    at_nine = dt.datetime(2026, 3, 3, 1, tzinfo=dt.UTC)  # 09:00 in Shanghai
    assert next_morning(at_nine, "Asia/Shanghai") == dt.datetime(2026, 3, 4, 8, tzinfo=SHANGHAI)


def test_the_digest_goes_out_once_at_the_morning_even_when_the_job_runs_twice(
    world, subscribed, time_machine
):
    tell(world, 41)
    tell(world, 42)
    mail.outbox.clear()
    assert digest_send_due() == 0  # 07:30 local: not yet
    time_machine.move_to(EVENING + dt.timedelta(minutes=31), tick=False)  # 08:01 local
    assert digest_send_due() == 1
    assert digest_send_due() == 0
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [subscribed.email]
    assert "2" in message.subject
    html = message.alternatives[0][0]
    assert "#41" in message.body and "#42" in message.body
    assert "/o/sunrise/requests/42/" in html
    assert DigestSent.objects.get(user=subscribed).notifications == 2
    # Tomorrow morning comes round again.
    assert DigestSubscription.objects.get(user=subscribed).next_at == dt.datetime(
        2026, 3, 4, 8, tzinfo=SHANGHAI
    )


def test_a_second_job_that_finds_the_day_claimed_sends_nothing(world, subscribed, time_machine):
    """Two workers: the second one's claim of (person, day) conflicts and it sends nothing,
    even though it saw the subscription as due."""
    tell(world)
    time_machine.move_to(EVENING + dt.timedelta(minutes=31), tick=False)
    local_day = timezone.localtime(timezone.now(), SHANGHAI).date()
    DigestSent.objects.create(user=subscribed, day=local_day, run=uuid.uuid4())
    mail.outbox.clear()
    assert digest_send_due() == 0
    assert mail.outbox == []


def test_read_and_old_notifications_are_left_out_and_an_empty_day_sends_nothing(
    world, subscribed, time_machine
):
    tell(world, 1)
    time_machine.move_to(EVENING + dt.timedelta(days=1, minutes=31), tick=False)  # next day
    DigestSubscription.objects.filter(user=subscribed).update(next_at=timezone.now())
    tell(world, 2)
    with scopes_disabled():
        Notification.objects.filter(recipient=subscribed, object_key="", read_at=None,
                                    created_at=timezone.now()).update(read_at=timezone.now())
    mail.outbox.clear()
    assert digest_send_due() == 0
    assert mail.outbox == []


def test_the_digest_speaks_the_recipients_language(world, subscribed, time_machine):
    subscribed.language = "zh-hans"
    subscribed.save(update_fields=["language"])
    tell(world)
    time_machine.move_to(EVENING + dt.timedelta(minutes=31), tick=False)
    mail.outbox.clear()
    digest_send_due()
    assert "Hello" not in mail.outbox[0].body


def test_the_preference_turns_the_digest_on_and_off(world, time_machine):
    time_machine.move_to(EVENING, tick=False)
    owner = world.sunrise.owner
    preferences_save(user=owner, choices={}, daily_digest=True)
    assert DigestSubscription.objects.get(user=owner).time_zone == world.sunrise.org.time_zone
    preferences_save(user=owner, choices={}, daily_digest=False)
    assert not DigestSubscription.objects.filter(user=owner).exists()


def test_the_job_makes_a_constant_number_of_queries(
    world, subscribed, time_machine, django_assert_max_num_queries
):
    w = world.sunrise
    for person in (w.household, w.neighbour, w.far_owner):
        person.email = person.email or f"{person.pk}@example.com"
        person.save(update_fields=["email"])
        digest_subscribe(user=person, enabled=True)
        notify(organization=w.org, recipients=[person.pk], kind="ticket.status",
               context={"number": 1, "title": "Tap", "status": "Accepted"})
    tell(world)
    time_machine.move_to(EVENING + dt.timedelta(minutes=31), tick=False)
    with django_assert_max_num_queries(10):
        assert digest_send_due() == 4
