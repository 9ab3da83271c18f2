"""Filing tickets: owners for their own homes, staff for owners who phone or walk in."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django_scopes import scope

from tickets.models import Category, Channel, SlaPolicy, Status, Ticket, TimelineEntry
from tickets.services import (
    TicketError,
    categories_ensure_defaults,
    sla_ensure_defaults,
    ticket_file_for_owner,
    ticket_submit,
)

from .conftest import at, make_desk


def test_default_categories_are_created_once_in_the_organisations_language(desk):
    names = list(Category.objects.filter(organization=desk.w.org).values_list("name", "kind"))
    assert names == [
        ("报修", "repair"), ("投诉", "complaint"), ("咨询", "inquiry"), ("建议", "suggestion"),
        ("表扬", "praise"),
    ]
    assert categories_ensure_defaults(organization=desk.w.org) == []
    sla_ensure_defaults(organization=desk.w.org)
    assert SlaPolicy.objects.filter(organization=desk.w.org).count() == 2


def test_a_submitted_ticket_gets_its_policy_due_times_and_first_check(desk):
    ticket = desk.submit()
    assert ticket.number == 1
    assert ticket.status == Status.NEW and ticket.channel == Channel.WEB
    assert ticket.property == desk.w.property and ticket.requester == desk.w.owner
    assert ticket.policy.is_default
    # Normal priority: first response in 240 business minutes, resolution in three 9-hour days.
    assert ticket.first_response_due_at == at(2026, 3, 10, 14)
    assert ticket.resolution_due_at == at(2026, 3, 13, 10)
    assert ticket.next_due_at == at(2026, 3, 10, 14)
    # The first thing to happen: 75 % of the first-response target.
    assert ticket.next_sla_check_at == at(2026, 3, 10, 13)
    created = TimelineEntry.objects.get(ticket=ticket)
    assert (created.kind, created.is_public, created.actor) == ("created", True, desk.w.owner)


def test_urgent_tickets_run_around_the_clock(desk, clock):
    clock.move_to(at(2026, 3, 14, 22), tick=False)  # a Saturday night
    ticket = desk.submit(priority="urgent", title="Water pouring through the ceiling")
    assert ticket.policy.calendar.is_24x7
    assert ticket.first_response_due_at == at(2026, 3, 14, 22, 30)
    assert ticket.resolution_due_at == at(2026, 3, 15, 2)


def test_numbers_are_sequential_per_organisation(world, clock):
    with scope(organization=world.sunrise.org):
        sunrise = make_desk(world.sunrise)
        assert [sunrise.submit().number for _ in range(3)] == [1, 2, 3]
    with scope(organization=world.harbor.org):
        harbor = make_desk(world.harbor)
        assert harbor.submit().number == 1


def test_an_owner_may_report_a_common_area_or_equipment_of_their_property(desk):
    hall = desk.submit(property=desk.w.property, title="Lobby light out")
    lift = desk.submit(asset=desk.w.asset, title="Lift stuck on 3")
    assert (hall.unit, hall.property) == (None, desk.w.property)
    assert (lift.asset, lift.property) == (desk.w.asset, desk.w.property)


@pytest.mark.parametrize(
    ("location", "field"),
    [
        (lambda w: {"unit": w.neighbour_unit}, "unit"),
        (lambda w: {"unit": w.far_unit}, "unit"),
        (lambda w: {"property": w.other_property}, "property"),
        (lambda w: {"unit": w.unit, "asset": w.asset.__class__.objects.create(
            organization=w.org, property=w.other_property, name="Pump")}, "asset"),
        (lambda w: {}, "unit"),
    ],
    ids=["neighbours-unit", "far-unit", "other-property", "asset-elsewhere", "nowhere"],
)
def test_an_owner_cannot_file_for_a_place_that_is_not_theirs(desk, location, field):
    with pytest.raises(TicketError) as refused:
        ticket_submit(
            access=desk.access(desk.w.owner), category=desk.repair, title="Leak",
            **location(desk.w),
        )
    assert field in refused.value.message_dict
    assert not Ticket.objects.exists()


def test_a_category_of_another_organisation_or_an_inactive_one_is_refused(world, desk):
    with scope(organization=world.harbor.org):
        foreign = make_desk(world.harbor).repair
    desk.complaint.is_active = False
    desk.complaint.save()
    for category in (foreign, desk.complaint):
        with pytest.raises(TicketError) as refused:
            desk.submit(category=category)
        assert "category" in refused.value.message_dict


def test_title_is_required(desk):
    with pytest.raises(TicketError) as refused:
        desk.submit(title="   ")
    assert "title" in refused.value.message_dict


def test_people_without_a_verified_residency_cannot_submit(desk):
    for person in (desk.w.unverified, desk.w.staff):
        with pytest.raises(PermissionDenied):
            desk.submit(user=person)


def test_the_ticket_goes_to_the_categorys_default_team(desk):
    from tickets.models import Team

    team = Team.objects.create(organization=desk.w.org, name="维修", lead=desk.w.staff)
    desk.repair.default_team = team
    desk.repair.save()
    assert desk.submit().team == team


def test_staff_file_for_an_owner_who_phoned(desk):
    ticket = ticket_file_for_owner(
        access=desk.access(desk.w.staff), requester=desk.w.owner, channel=Channel.PHONE,
        category=desk.repair, title="No hot water", unit=desk.w.unit,
        preferred_visit_time="after 18:00",
    )
    assert (ticket.requester, ticket.filed_by, ticket.channel) == (
        desk.w.owner, desk.w.staff, "phone"
    )
    created = TimelineEntry.objects.get(ticket=ticket)
    assert created.actor == desk.w.staff and created.data == {"channel": "phone", "proxy": True}


def test_proxy_filing_checks_channel_owner_and_scope(desk):
    staff = desk.access(desk.w.staff)
    common = {"category": desk.repair, "title": "No hot water"}
    with pytest.raises(TicketError) as refused:
        ticket_file_for_owner(
            access=staff, requester=desk.w.owner, channel=Channel.WEB, unit=desk.w.unit, **common
        )
    assert "channel" in refused.value.message_dict
    with pytest.raises(TicketError) as refused:  # not this owner's unit
        ticket_file_for_owner(
            access=staff, requester=desk.w.owner, channel="phone", unit=desk.w.neighbour_unit,
            **common,
        )
    assert "unit" in refused.value.message_dict
    with pytest.raises(TicketError) as refused:  # outside the staff member's scope
        ticket_file_for_owner(
            access=desk.access(desk.w.staff_out), requester=desk.w.owner, channel="phone",
            unit=desk.w.unit, **common,
        )
    assert "unit" in refused.value.message_dict
    with pytest.raises(TicketError) as refused:
        ticket_file_for_owner(
            access=staff, requester=desk.w.unverified, channel="phone",
            unit=desk.w.neighbour_unit, **common,
        )
    assert "requester" in refused.value.message_dict
    with pytest.raises(PermissionDenied):
        ticket_file_for_owner(
            access=desk.access(desk.w.owner), requester=desk.w.owner, channel="phone",
            unit=desk.w.unit, **common,
        )
    assert not Ticket.objects.exists()


def test_a_specific_policy_wins_over_the_default(desk):
    default = SlaPolicy.objects.get(organization=desk.w.org, is_default=True)
    complaints = SlaPolicy.objects.create(
        organization=desk.w.org, name="Complaints", calendar=default.calendar,
        category=desk.complaint,
        **{f"{timer}_{p}_minutes": 60 for timer in ("first_response", "resolution")
           for p in ("urgent", "high", "normal", "low")},
    )
    ticket = desk.submit(category=desk.complaint, title="Noise at night")
    assert ticket.policy == complaints
    assert ticket.resolution_due_at - ticket.created_at == dt.timedelta(hours=1)
