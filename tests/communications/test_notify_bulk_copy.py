"""communications.bulk: notifications and outbox rows written with COPY on PostgreSQL (ids
taken from the sequence first) are the rows bulk_create writes elsewhere, and notify() keeps
its promises on both: nothing on rollback, one task per organisation whose id range finds
exactly the rows due now, and that task sends them."""

import datetime as dt

import pytest
from celery.signals import task_prerun
from django.core import mail
from django.db import connection, transaction
from django.utils import timezone
from django_scopes import scopes_disabled

from communications import bulk, recipients
from communications.models import Delivery, Notification, QuietHours, Topic
from communications.services import notify, preferences_save
from tests import factories as f

pytestmark = pytest.mark.django_db

CONTEXT = {"number": 7, "title": "Kitchen tap drips", "status": "In progress", "text": ""}
NOTIFICATION_FIELDS = ["organization_id", "recipient_id", "actor_id", "kind", "title", "body",
                       "url", "object_type", "object_key", "urgent", "created_at", "read_at"]
DELIVERY_FIELDS = ["organization_id", "channel", "status", "attempts", "last_error",
                   "not_before", "claim", "claimed_at", "sent_at", "created_at"]


def _rows(org, people, now):
    later = now + dt.timedelta(hours=8)
    notifications = [
        (org.pk, person.pk, people[0].pk if n else None, "ticket.status", f"Title {n}",
         f"Body {n}", "/o/x/", "tickets.ticket", str(n), n == 1, now)
        for n, person in enumerate(people)
    ]
    outbox = [(0, org.pk, "email", now, now), (0, org.pk, "sms", now, now),
              (2, org.pk, "email", later, now)]
    return notifications, outbox


def _written(ids):
    with scopes_disabled():
        notifications = list(Notification.objects.filter(pk__in=ids).order_by("pk")
                             .values_list(*NOTIFICATION_FIELDS))
        deliveries = sorted(
            (ids.index(notification_id), *rest) for notification_id, *rest in
            Delivery.objects.filter(notification_id__in=ids)
            .values_list("notification_id", *DELIVERY_FIELDS))
    return notifications, deliveries


@pytest.mark.skipif(connection.vendor != "postgresql", reason="COPY is PostgreSQL's")
def test_copy_writes_the_rows_bulk_create_writes(world):
    w = world.sunrise
    people = [w.owner, w.household, w.neighbour]
    now = timezone.now()
    notifications, outbox = _rows(w.org, people, now)

    copied = bulk._copy(notifications, outbox)
    created = bulk._bulk_create(notifications, outbox)

    assert len(set(copied) | set(created)) == 6
    assert _written(copied) == _written(created)
    notification_rows, delivery_rows = _written(copied)
    assert [row[1] for row in notification_rows] == [p.pk for p in people]
    assert [row[:3] for row in delivery_rows] == [
        (0, w.org.pk, "email"), (0, w.org.pk, "sms"), (2, w.org.pk, "email")]
    assert all(row[3:6] == ("queued", 0, "") for row in delivery_rows)


def test_ids_come_from_the_sequence_so_later_rows_follow(world):
    w = world.sunrise
    people = [f.UserFactory() for _ in range(25)]
    with scopes_disabled():
        before = Notification.objects.count()
        notify(organization=w.org, recipients=[p.pk for p in people], kind="ticket.status",
               context=CONTEXT)
        ids = list(Notification.objects.filter(recipient__in=people).values_list("pk", flat=True))
        assert Notification.objects.count() == before + 25
        assert Delivery.objects.filter(notification_id__in=ids, channel="email").count() == 25
        after = Notification.objects.create(organization=w.org, recipient=w.owner,
                                            kind="ticket.status", title="next")
    assert len(set(ids)) == 25 and after.pk > max(ids)


@pytest.fixture
def eager_tasks(settings):
    """Tasks run in-process when queued (Celery's own switch); yields (name, args) of each.

    Through Django's settings, which Celery reads: assigning ``app.conf`` directly would
    outlive the test and shadow every later test's ``CELERY_TASK_ALWAYS_EAGER``."""
    started = []

    def record(sender=None, args=(), **kwargs):
        started.append((sender.name, tuple(args)))

    settings.CELERY_TASK_ALWAYS_EAGER = True
    task_prerun.connect(record)
    yield started
    task_prerun.disconnect(record)


def test_a_rolled_back_notify_writes_and_sends_nothing(
    world, eager_tasks, django_capture_on_commit_callbacks
):
    w = world.sunrise
    people = [f.UserFactory() for _ in range(5)]
    with scopes_disabled():
        before = (Notification.objects.count(), Delivery.objects.count())
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError), transaction.atomic():
            notify(organization=w.org, recipients=[p.pk for p in people],
                   kind="ticket.status", context=CONTEXT)
            raise RuntimeError("the caller fails after notify")
    assert eager_tasks == []
    assert mail.outbox == []
    with scopes_disabled():
        assert (Notification.objects.count(), Delivery.objects.count()) == before


def test_the_task_range_finds_the_due_rows_and_sends_them(
    world, time_machine, eager_tasks, django_capture_on_commit_callbacks
):
    w = world.sunrise
    # 23:30 in Asia/Shanghai: the person with quiet hours waits until 07:00.
    time_machine.move_to(dt.datetime(2026, 3, 10, 15, 30, tzinfo=dt.UTC), tick=False)
    awake = [f.UserFactory() for _ in range(4)]
    asleep = f.UserFactory()
    QuietHours.objects.create(user=asleep, start=dt.time(22), end=dt.time(7))
    recipients = [*awake, asleep]

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with transaction.atomic():
            notify(organization=w.org, recipients=[p.pk for p in recipients],
                   kind="ticket.status", context=CONTEXT)
            notify(organization=world.harbor.org, recipients=[awake[0].pk],
                   kind="ticket.status", context=CONTEXT)

    # One delivery task per organisation, its range covering the rows due now only.
    assert len(callbacks) >= 2
    with scopes_disabled():
        ranges = {
            org: (min(ids), max(ids)) for org in (w.org.pk, world.harbor.org.pk)
            if (ids := list(Notification.objects.filter(
                organization_id=org, recipient__in=awake).values_list("pk", flat=True)))
        }
    assert sorted(args for name, args in eager_tasks) == sorted(
        (org, *bounds) for org, bounds in ranges.items())
    assert {name for name, args in eager_tasks} == {"communications.tasks.send_deliveries"}
    assert sorted(message.to[0] for message in mail.outbox) == sorted(
        [p.email for p in awake] + [awake[0].email])
    with scopes_disabled():
        held = Delivery.objects.get(notification__recipient=asleep)
        sent = Delivery.objects.filter(notification__recipient__in=awake)
        assert sorted(sent.values_list("status", flat=True)) == ["sent"] * 5
    assert held.status == "queued"
    assert timezone.localtime(held.not_before).strftime("%d %H:%M") == "11 07:00"


def test_outside_channels_reads_people_and_their_preferences_like_notify(world):
    w = world.sunrise
    quiet, default, gone, no_phone = (f.UserFactory() for _ in range(4))
    no_phone.phone = ""
    no_phone.save()
    gone.is_active = False
    gone.save()
    preferences_save(user=quiet, organization=w.org, choices={Topic.NOTICES: (False, True)})
    ids = [quiet.pk, default.pk, gone.pk, no_phone.pk]

    found = recipients.people(ids)
    assert set(found) == {quiet.pk, default.pk, no_phone.pk}
    assert found[quiet.pk].has_preferences and not found[default.pk].has_preferences
    assert recipients.outside_channels(
        user_ids=ids, organization_id=w.org.pk, kind="notice.published", audience="resident",
        urgent=True,
    ) == {quiet.pk: {"sms"}, default.pk: {"email", "sms"}, no_phone.pk: {"email"}}
    assert recipients.outside_channels(
        user_ids=ids, organization_id=world.harbor.org.pk,
        kind="notice.published", audience="resident",
    ) == {quiet.pk: {"email"}, default.pk: {"email"}, no_phone.pk: {"email"}}
