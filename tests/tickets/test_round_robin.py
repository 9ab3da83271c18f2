"""Round-robin teams: each new ticket goes to the next member who may work on its property."""

import threading

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django_scopes import scope, scopes_disabled

from communications.models import Notification
from tests import factories as f
from tickets.models import Team, Ticket, TimelineEntry
from tickets.services import team_save
from tickets.services.round_robin import pick_next_member, team_assignment_set

from .conftest import make_desk


def _staff(w, name, **membership):
    membership.setdefault("properties", [w.property])
    return f.MembershipFactory(
        organization=w.org, user=f.UserFactory(full_name=name), role="staff", **membership
    ).user


def _round_robin(desk, members, name="维修"):
    manager = desk.access(desk.w.manager)
    team = team_save(access=manager, name=name, members=members)
    team_assignment_set(access=manager, team=team, assignment=Team.Assignment.ROUND_ROBIN)
    desk.repair.default_team = team
    desk.repair.save()
    return team


def _assignees(desk, count):
    return [desk.submit(title=f"Leak {n}").assignee_id for n in range(count)]


def test_new_tickets_go_to_members_in_turn_by_user_id(desk):
    a, b, c = (_staff(desk.w, name) for name in ("A", "B", "C"))
    _round_robin(desk, [c, a, b])
    assert _assignees(desk, 3) == sorted([a.pk, b.pk, c.pk])


def test_the_turn_wraps_round_after_the_last_member(desk):
    a, b = _staff(desk.w, "A"), _staff(desk.w, "B")
    team = _round_robin(desk, [a, b])
    assert _assignees(desk, 5) == [a.pk, b.pk, a.pk, b.pk, a.pk]
    team.refresh_from_db()
    assert team.last_assigned_user_id == a.pk


def test_members_who_cannot_work_on_the_property_are_skipped(desk):
    w = desk.w
    a = _staff(w, "A")
    inactive_membership, inactive_user = _staff(w, "Gone"), _staff(w, "Away")
    everywhere = _staff(w, "Everywhere", properties=[], all_properties=True)
    _round_robin(desk, [a, w.staff_out, inactive_membership, inactive_user, everywhere])
    with scopes_disabled():
        inactive_membership.memberships.update(is_active=False)
    inactive_user.is_active = False
    inactive_user.save()
    assigned = set(_assignees(desk, 4))
    assert assigned == {a.pk, everywhere.pk}


def test_a_ticket_nobody_may_take_stays_with_the_team(desk):
    team = _round_robin(desk, [desk.w.staff_out])
    ticket = desk.submit()
    assert (ticket.assignee_id, ticket.team_id) == (None, team.pk)
    assert pick_next_member(team, property_id=desk.w.property.pk) is None


def test_round_robin_assignment_is_on_the_timeline_and_tells_the_assignee(desk):
    a = _staff(desk.w, "A")
    team = _round_robin(desk, [a, desk.w.staff])
    ticket = desk.submit()
    first = min(a.pk, desk.w.staff.pk)
    assert ticket.assignee_id == first
    kinds = list(ticket.timeline.order_by("pk").values_list("kind", "actor_id", "data"))
    assert [kind for kind, _actor, _data in kinds] == ["created", "assignment"]
    _kind, actor, data = kinds[1]
    assert actor is None
    assert (data["assignee"], data["team"]) == (first, team.pk)
    with scopes_disabled():
        told = Notification.objects.filter(object_key=ticket.number)
        assert set(told.filter(kind="ticket.assigned").values_list("recipient_id", flat=True)) \
            == {first}
        # The other member is not told as one of the team; the assignee once, not twice.
        other = max(a.pk, desk.w.staff.pk)
        assert not told.filter(recipient_id=other).exists()
        assert told.filter(recipient_id=first).count() == 1
        assert told.filter(recipient_id=desk.w.household.pk, kind="ticket.created").exists()


def test_manual_teams_keep_new_tickets_unassigned(desk):
    manager = desk.access(desk.w.manager)
    team = team_save(access=manager, name="客服", members=[desk.w.staff])
    desk.repair.default_team = team
    desk.repair.save()
    ticket = desk.submit()
    assert (ticket.assignee_id, ticket.team_id) == (None, team.pk)
    assert not ticket.timeline.filter(kind=TimelineEntry.Kind.ASSIGNMENT).exists()
    team.refresh_from_db()
    assert team.last_assigned_user_id is None
    with scopes_disabled():
        assert Notification.objects.filter(
            object_key=ticket.number, recipient=desk.w.staff, kind="ticket.created"
        ).exists()


def test_only_managers_change_how_a_team_assigns(desk):
    team = team_save(access=desk.access(desk.w.manager), name="保安")
    with pytest.raises(PermissionDenied):
        team_assignment_set(
            access=desk.access(desk.w.staff), team=team, assignment="round_robin"
        )
    with pytest.raises(Exception, match="assignment"):
        team_assignment_set(access=desk.access(desk.w.manager), team=team, assignment="random")


@pytest.mark.django_db(transaction=True)
def test_concurrent_submissions_go_to_different_members(world, clock):
    if connection.vendor != "postgresql":
        pytest.skip("races need a database with concurrent writers (PostgreSQL)")
    w = world.sunrise
    with scope(organization=w.org):
        desk = make_desk(w)
        members = [_staff(w, name) for name in ("A", "B", "C", "D")]
        _round_robin(desk, members)
    barrier = threading.Barrier(4)
    errors = []

    def submit():
        try:
            with scope(organization=w.org):
                barrier.wait(timeout=10)
                desk.submit(title="Leak")
        except Exception as error:  # the test inspects it
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    with scope(organization=w.org):
        assigned = sorted(Ticket.objects.values_list("assignee_id", flat=True))
    assert assigned == sorted(member.pk for member in members)
