"""Registering, the waitlist and its promotion, and the refusals that book nothing."""

import pytest
from django.core.exceptions import PermissionDenied
from django_scopes import scope, scopes_disabled

from communications.models import Notification
from events.models import Registration
from events.services import (
    EventConflict,
    EventError,
    event_cancel,
    event_update,
    registration_cancel,
    waitlist_position,
)
from tests import factories as f

from .conftest import at, statuses

S = Registration.Status


def extra_owners(hall, count):
    """More verified owners in the hall's building, one unit each."""
    people = []
    for n in range(count):
        unit = f.UnitFactory(building=hall.w.building, number=f"9{n:02d}")
        people.append(f.ResidencyFactory(unit=unit).user)
    return people


def test_registers_while_places_last_then_waitlists(hall):
    event = hall.event(capacity=4, max_party_size=3)
    first = hall.register(hall.w.owner, event, party_size=3)
    second = hall.register(hall.w.neighbour, event, party_size=2)
    assert (first.status, second.status) == (S.CONFIRMED, S.WAITLISTED)
    assert waitlist_position(second) == 1
    assert first.unit == hall.w.unit


def test_cancellation_promotes_waitlisted_parties_in_order_and_tells_them(hall):
    event = hall.event(capacity=3, max_party_size=3)
    a, b, c, d = extra_owners(hall, 4)
    hall.register(a, event, party_size=3)
    hall.register(b, event, party_size=2)
    hall.register(c, event, party_size=3)
    hall.register(d, event, party_size=1)
    assert [s for _, s, _ in statuses(event)] == [S.CONFIRMED] + [S.WAITLISTED] * 3
    mine = Registration.objects.get(event=event, user=a)
    registration_cancel(access=hall.access(a), registration=mine)
    # b (2) fits, c (3) does not fit the one place left, d (1) does: whole parties, in order.
    assert [s for _, s, _ in statuses(event)] == [
        S.CANCELLED, S.CONFIRMED, S.WAITLISTED, S.CONFIRMED
    ]
    with scopes_disabled():
        told = set(Notification.objects.filter(kind="event.promoted")
                   .values_list("recipient_id", flat=True))
    assert told == {b.pk, d.pk}
    assert waitlist_position(Registration.objects.get(event=event, user=c)) == 1


def test_raising_the_capacity_promotes_the_waitlist(hall):
    event = hall.event(capacity=1, max_party_size=1)
    hall.register(hall.w.owner, event)
    waiting = hall.register(hall.w.neighbour, event)
    event_update(access=hall.access(hall.w.manager), event=event, capacity=2)
    waiting.refresh_from_db()
    assert waiting.status == S.CONFIRMED


def test_full_event_without_waitlist_is_a_conflict_and_books_nothing(hall):
    event = hall.event(capacity=1, max_party_size=1)
    hall.register(hall.w.owner, event)
    with pytest.raises(EventConflict) as caught:
        hall.register(hall.w.neighbour, event, waitlist=False)
    assert caught.value.code == "full"
    assert Registration.objects.filter(event=event).count() == 1


@pytest.mark.parametrize(
    ("case", "code"),
    [("after_closing", "closed"), ("party_too_large", "party_size"), ("twice", "twice"),
     ("before_opening", "not_yet_open"), ("other_building", "audience"),
     ("draft", "not_open")],
)
def test_bad_registrations_are_refused_with_a_clear_message(hall, clock, case, code):
    fields = {"max_party_size": 2, "registration_closes_at": at(2026, 3, 12, 18, 0),
              "registration_opens_at": at(2026, 3, 9, 9, 0)}
    if case == "before_opening":
        fields["registration_opens_at"] = at(2026, 3, 11, 9, 0)
    if case == "other_building":
        fields["building"] = hall.w.other_building
        fields["property"] = hall.w.other_property
    event = hall.event(publish=case != "draft", **fields)
    party = 3 if case == "party_too_large" else 1
    if case == "twice":
        hall.register(hall.w.owner, event)
    if case == "after_closing":
        clock.move_to(at(2026, 3, 12, 18, 0), tick=False)
    before = Registration.objects.filter(event=event).count()
    with pytest.raises(EventError) as caught:
        hall.register(hall.w.owner, event, party_size=party)
    error = caught.value
    assert (error.code if hasattr(error, "code") else next(iter(error.error_dict))) == code
    assert " ".join(error.messages)
    assert Registration.objects.filter(event=event).count() == before


def test_party_size_message_names_the_limit(hall):
    event = hall.event(max_party_size=2)
    with pytest.raises(EventError) as caught:
        hall.register(hall.w.owner, event, party_size=5)
    assert caught.value.message_dict == {"party_size": ["At most 2 people per registration."]}


def test_another_organisations_event_cannot_be_booked(hall, world):
    with scope(organization=world.harbor.org):
        from .conftest import Hall

        harbor_event = Hall(world.harbor).event()
    with pytest.raises(PermissionDenied):
        hall.register(hall.w.owner, harbor_event)
    with scopes_disabled():
        assert not Registration.objects.filter(event=harbor_event).exists()


def test_household_member_registers_separately_and_owner_cannot_double(hall):
    event = hall.event()
    hall.register(hall.w.owner, event)
    hall.register(hall.w.household, event)
    with pytest.raises(EventError):
        hall.register(hall.w.owner, event)
    assert Registration.objects.filter(event=event, status=S.CONFIRMED).count() == 2


def test_after_cancelling_one_may_register_again(hall):
    event = hall.event()
    mine = hall.register(hall.w.owner, event)
    registration_cancel(access=hall.access(hall.w.owner), registration=mine)
    with pytest.raises(EventConflict):
        registration_cancel(access=hall.access(hall.w.owner), registration=mine)
    again = hall.register(hall.w.owner, event)
    assert again.status == S.CONFIRMED


def test_a_neighbour_cannot_cancel_someone_elses_registration(hall):
    event = hall.event()
    mine = hall.register(hall.w.owner, event)
    with pytest.raises(PermissionDenied):
        registration_cancel(access=hall.access(hall.w.neighbour), registration=mine)


def test_change_of_time_or_place_and_cancellation_tell_everyone_registered(hall):
    event = hall.event(capacity=1, max_party_size=1)
    hall.register(hall.w.owner, event)
    hall.register(hall.w.neighbour, event)  # waitlisted: told as well
    manager = hall.access(hall.w.manager)
    event_update(access=manager, event=event, description="Bring brushes")
    with scopes_disabled():
        assert not Notification.objects.filter(kind="event.changed").exists()
    event_update(access=manager, event=event, place="Clubhouse, 3rd floor")
    event_cancel(access=manager, event=event)
    with scopes_disabled():
        changed = Notification.objects.filter(kind="event.changed")
        cancelled = Notification.objects.filter(kind="event.cancelled")
        assert set(changed.values_list("recipient_id", flat=True)) == {
            hall.w.owner.pk, hall.w.neighbour.pk}
        assert set(cancelled.values_list("recipient_id", flat=True)) == {
            hall.w.owner.pk, hall.w.neighbour.pk}
        assert "Clubhouse, 3rd floor" in changed.first().body


def test_only_managers_change_events_and_staff_out_of_scope_cannot(hall):
    event = hall.event()
    for user in (hall.w.staff, hall.w.owner):
        with pytest.raises(PermissionDenied):
            event_update(access=hall.access(user), event=event, title="Hijacked")


def test_event_rules_are_checked(hall):
    with pytest.raises(EventError) as caught:
        hall.event(ends_at=at(2026, 3, 14, 14, 0))
    assert "ends_at" in caught.value.message_dict
    with pytest.raises(EventError) as caught:
        hall.event(building=hall.w.other_building, property=hall.w.property)
    assert "building" in caught.value.message_dict
