"""communications.notify: notifications in bulk, in each person's language, and the outbox
rows their preferences ask for."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_scopes import scopes_disabled

from communications.models import Delivery, Notification, NotificationPreference, Topic
from communications.services import notify, notify_batch, preferences_save
from tests import factories as f

pytestmark = pytest.mark.django_db

CONTEXT = {"number": 7, "title": "Kitchen tap drips", "status": "In progress", "text": "On it"}


def _notify(org, recipients, kind="ticket.status", **kwargs):
    kwargs.setdefault("context", CONTEXT)
    kwargs.setdefault("url", "/o/sunrise/requests/7/")
    with scopes_disabled():
        notify(organization=org, recipients=[u.pk for u in recipients], kind=kind, **kwargs)


def _notifications(user):
    with scopes_disabled():
        return list(Notification.objects.filter(recipient=user))


def _channels(user):
    with scopes_disabled():
        return sorted(
            Delivery.objects.filter(notification__recipient=user).values_list("channel", flat=True)
        )


def test_every_recipient_but_the_actor_gets_one_notification(world):
    w = world.sunrise
    _notify(w.org, [w.owner, w.household, w.staff], actor_id=w.staff.pk)
    assert len(_notifications(w.owner)) == 1
    assert len(_notifications(w.household)) == 1
    assert _notifications(w.staff) == []
    notification = _notifications(w.owner)[0]
    assert notification.organization == w.org
    assert notification.url == "/o/sunrise/requests/7/"
    assert notification.read_at is None


def test_titles_are_written_in_each_recipients_language(world):
    w = world.sunrise
    w.owner.language = "en"
    w.owner.save()
    w.household.language = "zh-hans"
    w.household.save()
    from tickets.models import Status

    _notify(w.org, [w.owner, w.household], context={**CONTEXT, "status": Status.IN_PROGRESS.label})
    assert "In progress" in _notifications(w.owner)[0].title
    assert "处理中" in _notifications(w.household)[0].title


def test_inactive_people_are_not_told(world):
    w = world.sunrise
    w.neighbour.is_active = False
    w.neighbour.save()
    _notify(w.org, [w.neighbour])
    assert _notifications(w.neighbour) == []


def test_the_number_of_queries_does_not_grow_with_the_recipients(world):
    w = world.sunrise
    with CaptureQueriesContext(connection) as one:
        _notify(w.org, [w.owner])
    many = [f.UserFactory() for _ in range(40)]
    with CaptureQueriesContext(connection) as forty:
        _notify(w.org, many)
    assert len(forty) == len(one)
    with scopes_disabled():
        assert Notification.objects.filter(recipient__in=many).count() == 40
        assert Delivery.objects.filter(notification__recipient__in=many).count() == 40


def test_a_batch_of_many_calls_costs_the_queries_of_one(world):
    w = world.sunrise
    with CaptureQueriesContext(connection) as single:
        _notify(w.org, [w.owner])
    with CaptureQueriesContext(connection) as batched:
        with notify_batch():
            for number in range(15):
                _notify(w.org, [w.owner, w.household], context={**CONTEXT, "number": number})
                _notify(w.org, [w.staff], kind="ticket.escalated", audience="staff")
    assert len(batched) == len(single)
    assert len(_notifications(w.household)) == 15
    assert len(_notifications(w.staff)) == 15


def test_owners_get_email_for_status_and_replies_by_default(world):
    w = world.sunrise
    _notify(w.org, [w.owner], kind="ticket.status")
    _notify(w.org, [w.owner], kind="ticket.comment")
    _notify(w.org, [w.owner], kind="ticket.updated", context={**CONTEXT, "change": "x"})
    assert _channels(w.owner) == ["email", "email"]  # the category change stays in-app


def test_staff_get_email_for_assignment_and_sms_for_escalation_by_default(world):
    w = world.sunrise
    _notify(w.org, [w.staff], kind="ticket.assigned", audience="staff")
    _notify(w.org, [w.staff], kind="ticket.comment", audience="staff")
    assert _channels(w.staff) == ["email"]
    _notify(w.org, [w.manager], kind="ticket.escalated", audience="staff")
    assert _channels(w.manager) == ["email", "sms"]


def test_no_text_message_without_a_phone_number(world):
    w = world.sunrise
    w.manager.phone = None
    w.manager.save()
    _notify(w.org, [w.manager], kind="ticket.escalated", audience="staff")
    assert _channels(w.manager) == ["email"]


def test_urgent_messages_add_a_text_message(world):
    w = world.sunrise
    _notify(w.org, [w.owner], kind="ticket.comment")
    _notify(w.org, [w.household], kind="ticket.comment", urgent=True)
    assert _channels(w.owner) == ["email"]
    assert _channels(w.household) == ["email", "sms"]
    assert _notifications(w.household)[0].urgent


def test_a_preference_turns_channels_off_and_on(world):
    w = world.sunrise
    preferences_save(user=w.owner, choices={Topic.TICKETS: (False, True)})
    _notify(w.org, [w.owner], kind="ticket.comment")
    assert _channels(w.owner) == []  # no email; SMS only for urgent ones
    _notify(w.org, [w.owner], kind="ticket.comment", urgent=True)
    assert _channels(w.owner) == ["sms"]


def test_an_organisations_preference_wins_over_the_general_one(world):
    w = world.sunrise
    NotificationPreference.objects.create(user=w.owner, topic=Topic.TICKETS, email=False)
    NotificationPreference.objects.create(
        user=w.owner, organization=w.org, topic=Topic.TICKETS, email=True
    )
    _notify(w.org, [w.owner], kind="ticket.updated", context={**CONTEXT, "change": "x"})
    assert _channels(w.owner) == ["email"]


def test_an_emergency_goes_out_on_every_channel_whatever_the_preferences(world):
    w = world.sunrise
    preferences_save(user=w.owner, choices={Topic.TICKETS: (False, False)})
    _notify(w.org, [w.owner], kind="ticket.comment", emergency=True)
    assert _channels(w.owner) == ["email", "sms"]


def test_quiet_hours_hold_email_until_morning_but_not_urgent_messages(world, time_machine):
    w = world.sunrise
    time_machine.move_to(dt.datetime(2026, 3, 10, 15, 30, tzinfo=dt.UTC), tick=False)  # 23:30

    preferences_save(user=w.owner, choices={}, quiet_start=dt.time(22), quiet_end=dt.time(7))
    _notify(w.org, [w.owner], kind="ticket.comment")
    _notify(w.org, [w.owner], kind="ticket.status", urgent=True)
    with scopes_disabled():
        held, urgent = Delivery.objects.filter(
            notification__recipient=w.owner, channel="email"
        ).order_by("notification__kind")
    # 07:00 the next morning in the organisation's time zone (Asia/Shanghai).
    assert timezone.localtime(held.not_before).strftime("%d %H:%M") == "11 07:00"
    assert urgent.not_before <= timezone.now()
