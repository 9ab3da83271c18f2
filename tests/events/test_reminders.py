"""Reminders 24 h and 2 h before, each sent once; a moved event is reminded again."""

import datetime as dt

from django_scopes import scopes_disabled

from communications.models import Notification
from events.models import Event, Reminder
from events.services import event_update, registration_cancel, reminders_send_due

from .conftest import at


def reminded(kind="event.reminder"):
    with scopes_disabled():
        return sorted(Notification.objects.filter(kind=kind)
                      .values_list("recipient_id", flat=True))


def test_each_reminder_is_sent_once_even_when_the_job_runs_twice(hall, clock):
    event = hall.event()  # Saturday 14 March 15:00
    hall.register(hall.w.owner, event)
    hall.register(hall.w.neighbour, event)
    assert reminders_send_due() == 0  # Tuesday: nothing due
    clock.move_to(at(2026, 3, 13, 15, 0), tick=False)
    assert reminders_send_due() == 2
    assert reminders_send_due() == 0
    clock.move_to(at(2026, 3, 14, 13, 1), tick=False)
    assert reminders_send_due() == 2
    assert reminders_send_due() == 0
    clock.move_to(at(2026, 3, 14, 16, 0), tick=False)
    assert reminders_send_due() == 0
    assert len(reminded()) == 4
    assert set(Reminder.objects.values_list("offset_minutes", flat=True)) == {1440, 120}
    assert Event.objects.get(pk=event.pk).next_reminder_at is None


def test_a_late_job_sends_only_the_nearest_reminder(hall, clock):
    event = hall.event()
    hall.register(hall.w.owner, event)
    clock.move_to(at(2026, 3, 14, 14, 0), tick=False)
    assert reminders_send_due() == 1
    assert list(Reminder.objects.values_list("offset_minutes", flat=True)) == [120]


def test_offsets_are_configurable_per_event_and_in_settings(hall, clock, settings):
    settings.EVENTS_REMINDERS = [60]
    default = hall.event(title="Default")
    own = hall.event(title="Own", reminder_offsets=[30])
    assert default.next_reminder_at == default.starts_at - dt.timedelta(minutes=60)
    assert own.next_reminder_at == own.starts_at - dt.timedelta(minutes=30)


def test_cancelled_registrations_and_waitlist_get_no_reminder(hall, clock):
    event = hall.event(capacity=1, max_party_size=1)
    mine = hall.register(hall.w.owner, event)
    hall.register(hall.w.neighbour, event)  # waitlisted
    hall.register(hall.w.household, event)  # waitlisted
    registration_cancel(access=hall.access(hall.w.owner), registration=mine)  # neighbour in
    clock.move_to(at(2026, 3, 13, 15, 0), tick=False)
    assert reminders_send_due() == 1
    assert reminded() == [hall.w.neighbour.pk]


def test_moving_the_event_sends_the_reminders_again_for_the_new_time(hall, clock):
    event = hall.event()
    hall.register(hall.w.owner, event)
    clock.move_to(at(2026, 3, 13, 15, 0), tick=False)
    assert reminders_send_due() == 1
    event_update(access=hall.access(hall.w.manager), event=event,
                 starts_at=at(2026, 3, 15, 15, 0), ends_at=at(2026, 3, 15, 16, 0))
    assert reminders_send_due() == 0
    clock.move_to(at(2026, 3, 14, 15, 0), tick=False)
    assert reminders_send_due() == 1
    assert len(reminded()) == 2
    assert len(reminded("event.changed")) == 1
