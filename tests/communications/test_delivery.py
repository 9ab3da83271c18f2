"""The outbox: email and text messages sent once, in the recipient's language, retried with
back-off, and through a real Celery worker after the transaction commits."""

import datetime as dt
import queue
import uuid

import pytest
from celery.contrib.testing.worker import start_worker
from celery.signals import task_postrun
from django.core import mail
from django.db import connections, transaction
from django.utils import timezone
from django_scopes import scopes_disabled

from communications import delivery, tasks
from communications.models import Delivery, Notification
from communications.services import notify, preferences_save
from portal.celery import app

CONTEXT = {"number": 7, "title": "Kitchen tap drips", "status": "In progress", "text": ""}


def _notify(org, users, kind="ticket.status", **kwargs):
    with scopes_disabled():
        notify(organization=org, recipients=[u.pk for u in users], kind=kind, context=CONTEXT,
               url="/o/sunrise/requests/7/", **kwargs)
        return list(Notification.objects.filter(recipient__in=users).order_by("pk"))


def _send(notifications):
    return delivery.send_batch(
        organization_id=notifications[0].organization_id,
        first_notification_id=notifications[0].pk,
        last_notification_id=notifications[-1].pk,
    )


def _deliveries(user):
    with scopes_disabled():
        return list(Delivery.objects.filter(notification__recipient=user).order_by("channel"))


@pytest.mark.django_db
def test_email_is_sent_in_the_recipients_language_with_html_and_text(world):
    w = world.sunrise
    w.owner.language = "en"
    w.owner.save()
    w.household.language = "zh-hans"
    w.household.save()
    notifications = _notify(w.org, [w.owner, w.household])

    assert _send(notifications) == 2

    by_address = {message.to[0]: message for message in mail.outbox}
    english, chinese = by_address[w.owner.email], by_address[w.household.email]
    assert english.body.startswith(f"Hello {w.owner.full_name},")
    assert chinese.body.startswith(f"{w.household.full_name}，您好：")
    assert "http://" in english.body and "/o/sunrise/requests/7/" in english.body
    html, mimetype = english.alternatives[0]
    assert mimetype == "text/html" and "/o/sunrise/requests/7/" in html
    assert w.org.name in english.subject
    sent = _deliveries(w.owner)[0]
    assert (sent.status, sent.attempts) == (Delivery.Status.SENT, 1)
    assert sent.sent_at is not None


@pytest.mark.django_db
def test_sending_twice_sends_once(world):
    w = world.sunrise
    notifications = _notify(w.org, [w.owner])
    assert _send(notifications) == 1
    assert _send(notifications) == 0
    assert delivery.send_due() == 0
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_a_row_claimed_by_another_worker_is_not_sent_again(world):
    w = world.sunrise
    notifications = _notify(w.org, [w.owner])
    with scopes_disabled():
        # Another worker's conditional UPDATE took the row a moment ago.
        Delivery.objects.update(status=Delivery.Status.SENDING, claim=uuid.uuid4(),
                                claimed_at=timezone.now())
    assert _send(notifications) == 0
    assert mail.outbox == []


@pytest.mark.django_db
def test_a_row_whose_worker_died_is_sent_by_the_periodic_job(world, time_machine):
    w = world.sunrise
    _notify(w.org, [w.owner])
    with scopes_disabled():
        Delivery.objects.update(status=Delivery.Status.SENDING, claim=uuid.uuid4(),
                                claimed_at=timezone.now())
    time_machine.move_to(timezone.now() + delivery.STALE_CLAIM + dt.timedelta(minutes=1))
    assert delivery.send_due() == 1
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_urgent_messages_are_texted_once(world, sms_outbox):
    w = world.sunrise
    notifications = _notify(w.org, [w.owner], urgent=True)
    _send(notifications)
    _send(notifications)
    assert [sms.to for sms in sms_outbox] == [w.owner.phone]
    assert "/o/sunrise/requests/7/" in sms_outbox[0].body


@pytest.mark.django_db
def test_a_failing_gateway_is_retried_with_back_off_then_given_up(world, settings, time_machine):
    w = world.sunrise
    settings.SMS_BACKEND = "portal.sms.HttpGatewayBackend"
    settings.SMS_GATEWAY_URL = "http://127.0.0.1:1/sms"  # nothing listens: connection refused
    preferences_save(user=w.owner, choices={"tickets": (False, True)})
    notifications = _notify(w.org, [w.owner], kind="ticket.comment", urgent=True)

    assert _send(notifications) == 0
    row = _deliveries(w.owner)[0]
    assert (row.status, row.attempts) == (Delivery.Status.QUEUED, 1)
    assert "ConnectionRefusedError" in row.last_error or "URLError" in row.last_error
    assert row.not_before > timezone.now()
    assert delivery.send_due() == 0  # not yet due

    for _attempt in range(delivery.MAX_ATTEMPTS - 1):
        time_machine.move_to(_deliveries(w.owner)[0].not_before + dt.timedelta(seconds=1))
        delivery.send_due()
    row = _deliveries(w.owner)[0]
    assert (row.status, row.attempts) == (Delivery.Status.FAILED, delivery.MAX_ATTEMPTS)


@pytest.mark.django_db
def test_held_messages_go_out_when_quiet_hours_end(world, time_machine):
    w = world.sunrise
    time_machine.move_to(dt.datetime(2026, 3, 10, 15, 30, tzinfo=dt.UTC), tick=False)  # 23:30
    preferences_save(user=w.owner, choices={}, quiet_start=dt.time(22), quiet_end=dt.time(7))
    notifications = _notify(w.org, [w.owner])
    assert _send(notifications) == 0
    time_machine.move_to(dt.datetime(2026, 3, 10, 23, 1, tzinfo=dt.UTC), tick=False)  # 07:01
    assert delivery.send_due() == 1
    assert len(mail.outbox) == 1


# --- Through a real worker -----------------------------------------------------------------


@pytest.fixture
def finished_tasks():
    finished: queue.Queue = queue.Queue()

    def record(sender=None, **kwargs):
        connections.close_all()  # the worker thread's own connections
        finished.put(sender.name)

    task_postrun.connect(record, weak=False)
    yield finished
    task_postrun.disconnect(record)


@pytest.fixture(scope="module")
def worker():
    # A queue of our own on the shared broker: no other worker takes these tasks.
    own_queue = f"test-{uuid.uuid4().hex[:12]}"
    previous = app.conf.task_default_queue
    app.conf.task_default_queue = own_queue
    try:
        with start_worker(app, perform_ping_check=False, queues=[own_queue]) as running:
            yield running
    finally:
        app.conf.task_default_queue = previous


@pytest.mark.django_db(transaction=True)
def test_a_worker_emails_the_notification_after_the_commit(world, worker, finished_tasks):
    w = world.sunrise
    with transaction.atomic():
        _notify(w.org, [w.owner, w.household])
        assert mail.outbox == []  # nothing leaves before the commit

    assert finished_tasks.get(timeout=20) == tasks.send_deliveries.name
    assert sorted(m.to[0] for m in mail.outbox) == sorted([w.owner.email, w.household.email])
    assert {row.status for row in _deliveries(w.owner)} == {Delivery.Status.SENT}

    # The task delivered again (a lost acknowledgement) sends nothing more.
    first = _deliveries(w.owner)[0].notification
    tasks.send_deliveries.delay(w.org.pk, first.pk, first.pk)
    assert finished_tasks.get(timeout=20) == tasks.send_deliveries.name
    assert len(mail.outbox) == 2


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_notification_sends_nothing(world, worker, finished_tasks):
    w = world.sunrise

    class Abort(Exception):
        pass

    with pytest.raises(Abort), transaction.atomic():
        _notify(w.org, [w.owner])
        raise Abort
    with pytest.raises(queue.Empty):
        finished_tasks.get(timeout=1)
    assert mail.outbox == []


@pytest.mark.django_db(transaction=True)
def test_a_fan_out_larger_than_a_batch_is_sent_by_chained_tasks(
    world, worker, finished_tasks, monkeypatch
):
    w = world.sunrise
    monkeypatch.setattr(delivery, "BATCH", 2)
    people = [w.owner, w.household, w.neighbour, w.far_owner, w.unverified]
    with transaction.atomic():
        _notify(w.org, people)

    # 5 emails in batches of 2: the first task, and one more for each full batch, all
    # without the periodic sweep.
    ran = [finished_tasks.get(timeout=20) for _ in range(3)]
    assert ran == [tasks.send_deliveries.name] * 3
    assert sorted(m.to[0] for m in mail.outbox) == sorted(p.email for p in people)
    with pytest.raises(queue.Empty):
        finished_tasks.get(timeout=1)  # a batch of 1 ends the chain
