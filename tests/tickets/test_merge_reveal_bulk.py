"""Merging duplicates, revealing an owner's phone, bulk actions and canned placeholders:
the services behind the staff pages."""

import pytest

from portal.tenancy.models import PersonalDataAccess
from tickets.models import Status, Team, TimelineEntry
from tickets.services import TicketError
from tickets.services.bulk import tickets_bulk_assign, tickets_bulk_transition
from tickets.services.canned import canned_fill, canned_values
from tickets.services.merge import ticket_merge
from tickets.services.reveal import owner_phone_reveal, phone_masked


def test_merging_closes_the_duplicate_with_an_entry_on_both_tickets(desk):
    original = desk.submit(title="Lift stuck")
    duplicate = desk.submit(user=desk.w.neighbour, unit=desk.w.neighbour_unit, title="Lift!")
    merged = ticket_merge(access=desk.access(desk.w.staff), ticket=duplicate, into=original)
    assert (merged.status, merged.merged_into, merged.next_due_at) == (
        Status.CLOSED, original, None
    )
    assert merged.closed_at is not None
    on_duplicate = TimelineEntry.objects.get(ticket=duplicate, kind="merge")
    on_original = TimelineEntry.objects.get(ticket=original, kind="merge")
    assert on_duplicate.is_public and on_duplicate.data == {"into": original.number}
    assert f"#{original.number}" in on_duplicate.describe()
    # The other household does not learn about the duplicate's owner.
    assert not on_original.is_public and on_original.data == {"from": duplicate.number}
    assert desk.reload(original).status == Status.NEW


def test_the_duplicates_owner_is_told_about_the_merge(desk, live):
    original = desk.submit(title="Lift stuck")
    duplicate = desk.submit(user=desk.w.neighbour, unit=desk.w.neighbour_unit, title="Lift!")
    received = live(
        lambda: ticket_merge(access=desk.access(desk.w.staff), ticket=duplicate, into=original),
        [desk.w.neighbour, desk.w.owner],
    )
    assert received[desk.w.neighbour], "the duplicate's owner heard nothing"
    assert received[desk.w.owner] == []


@pytest.mark.parametrize("case", ["itself", "finished_target", "finished_duplicate"])
def test_merges_that_make_no_sense_are_refused(desk, case):
    staff = desk.access(desk.w.staff)
    duplicate, target = desk.submit(title="A"), desk.submit(title="B")
    if case == "itself":
        target = duplicate
    elif case == "finished_target":
        target = desk.drive(target, Status.CANCELLED)
    else:
        duplicate = desk.drive(duplicate, Status.RESOLVED)
    with pytest.raises(TicketError):
        ticket_merge(access=staff, ticket=duplicate, into=target)
    assert not TimelineEntry.objects.filter(kind="merge").exists()


def test_staff_outside_the_property_cannot_merge(desk):
    duplicate, target = desk.submit(title="A"), desk.submit(title="B")
    with pytest.raises(Exception):  # noqa: B017 — PermissionDenied or TicketError
        ticket_merge(access=desk.access(desk.w.staff_out), ticket=duplicate, into=target)
    assert desk.reload(duplicate).status == Status.NEW


def test_revealing_the_phone_returns_it_and_logs_who_saw_it(desk):
    ticket = desk.submit()
    phone = owner_phone_reveal(access=desk.access(desk.w.staff), ticket=ticket)
    assert phone == desk.w.owner.phone
    log = PersonalDataAccess.objects.get()
    assert (log.staff, log.subject, log.kind) == (
        desk.w.staff, desk.w.owner, PersonalDataAccess.Kind.PHONE
    )
    assert f"#{ticket.number}" in log.context


def test_nobody_but_the_handlers_can_reveal_the_phone(desk):
    ticket = desk.submit()
    for person in (desk.w.staff_out, desk.w.owner):
        with pytest.raises(Exception):  # noqa: B017 — PermissionDenied or TicketError
            owner_phone_reveal(access=desk.access(person), ticket=ticket)
    assert not PersonalDataAccess.objects.exists()


@pytest.mark.parametrize(("phone", "masked"), [
    ("13812348000", "138****8000"), ("+8613812348000", "+86138****8000"), ("1234", "****"),
    (None, ""),
])
def test_phone_masking(phone, masked):
    assert phone_masked(phone) == masked


def test_bulk_assign_goes_through_the_single_ticket_rules(desk):
    team = Team.objects.create(organization=desk.w.org, name="维修")
    first, second = desk.submit(title="1"), desk.submit(title="2")
    result = tickets_bulk_assign(access=desk.access(desk.w.manager), tickets=[first, second],
                                 assignee=desk.w.staff, team=team)
    assert result.done == [first.number, second.number] and result.failed == []
    result = tickets_bulk_assign(access=desk.access(desk.w.manager), tickets=[first],
                                 assignee=desk.w.staff_out)
    assert result.done == [] and result.failed[0][0] == first.number
    assert desk.reload(first).assignee == desk.w.staff


def test_bulk_transition_keeps_the_tickets_that_succeeded(desk):
    accepted = desk.drive(desk.submit(title="1"), Status.ACCEPTED)
    new = desk.submit(title="2")
    result = tickets_bulk_transition(access=desk.access(desk.w.staff), tickets=[accepted, new],
                                     to=Status.IN_PROGRESS)
    assert result.done == [accepted.number]
    assert [number for number, _why in result.failed] == [new.number]
    assert desk.reload(accepted).status == Status.IN_PROGRESS


def test_canned_placeholders_are_filled_from_the_ticket(desk):
    ticket = desk.submit()
    values = canned_values(ticket=ticket, staff=desk.w.staff)
    text = canned_fill(
        body="{owner_name}/{ticket_number}/{unit}/{staff_name}/{unknown}", values=values
    )
    assert text == (f"{desk.w.owner.full_name}/{ticket.number}/1-101/"
                    f"{desk.w.staff.full_name}/{{unknown}}")


def test_common_area_ticket_fills_the_unit_placeholder_with_nothing(desk):
    ticket = desk.submit(property=desk.w.property, asset=desk.w.asset)
    assert canned_values(ticket=ticket, staff=desk.w.staff)["unit"] == ""
