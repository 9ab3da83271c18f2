"""The staff queue, the staff ticket page and proxy filing, through the pages."""

import threading

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_scopes import scope

from portal.generations import clear_process_memory
from tickets.models import CannedResponse, Channel, Priority, Status, Team, Ticket, TimelineEntry
from tickets.services import ticket_accept, ticket_comment

from .conftest import make_desk


def queue_url(w, **params):
    base = reverse("tickets:queue", args=[w.org.slug])
    if params:
        from urllib.parse import urlencode

        base += "?" + urlencode(params)
    return base


def page_url(w, ticket, action=""):
    name = f"tickets:ticket-{action}" if action else "tickets:ticket-detail"
    return reverse(name, args=[w.org.slug, ticket.number])


def numbers_on(response) -> set[int]:
    return {ticket.number for ticket in response.context["page"].object_list}


# --- The queue ---------------------------------------------------------------------------------


def test_staff_see_only_tickets_of_the_properties_they_cover(desk, login):
    mine = desk.submit()
    far = desk.submit(user=desk.w.far_owner, unit=desk.w.far_unit, title="Gate is stuck")
    assert numbers_on(login(desk.w.staff).get(queue_url(desk.w))) == {mine.number}
    assert numbers_on(login(desk.w.staff_out).get(queue_url(desk.w))) == {far.number}
    assert numbers_on(login(desk.w.manager).get(queue_url(desk.w))) == {mine.number, far.number}


def test_staff_out_of_scope_get_404_on_the_ticket_page(desk, login):
    ticket = desk.submit()
    assert login(desk.w.staff_out).get(page_url(desk.w, ticket)).status_code == 404
    assert login(desk.w.owner).get(page_url(desk.w, ticket)).status_code == 404
    assert login(desk.w.staff).get(page_url(desk.w, ticket)).status_code == 200


def test_residents_and_other_organisations_get_404_on_the_queue(desk, login, world):
    assert login(desk.w.owner).get(queue_url(desk.w)).status_code == 404
    assert login(world.harbor.staff).get(queue_url(desk.w)).status_code == 404


def test_queue_views_show_their_counts(desk, login):
    accepted = desk.drive(desk.submit(), Status.ACCEPTED)  # assigned to staff
    desk.submit(title="Second")
    response = login(desk.w.staff).get(queue_url(desk.w))
    tabs = {key: count for key, _label, count in response.context["tabs"]}
    assert tabs["mine"] == 1 and tabs["unassigned"] == 1 and tabs["open"] == 2
    mine = login(desk.w.staff).get(queue_url(desk.w, view="mine"))
    assert numbers_on(mine) == {accepted.number}
    assert "My tickets" in mine.content.decode()


def test_queue_pages_take_their_length_from_the_tab_count_unless_filtered(desk, login):
    for index in range(52):
        desk.submit(title=f"Ticket {index}")
    desk.submit(priority=Priority.URGENT, title="Water everywhere")
    client = login(desk.w.staff)
    second = client.get(queue_url(desk.w, page=2)).context["page"]
    assert second.paginator.count == 53 and len(second.object_list) == 3
    # A filter narrows the list below the tab's count: the page counts it for itself.
    urgent = client.get(queue_url(desk.w, priority=Priority.URGENT)).context["page"]
    assert urgent.paginator.count == 1 and urgent.paginator.num_pages == 1
    # The sort order alone leaves the count alone.
    newest = client.get(queue_url(desk.w, sort="newest", page=2)).context["page"]
    assert newest.paginator.count == 53 and len(newest.object_list) == 3


def test_queue_filters_by_category_priority_and_status(desk, login):
    repair = desk.submit(priority=Priority.HIGH)
    complaint = desk.submit(category=desk.complaint, title="Noise at night")
    accepted = desk.drive(desk.submit(title="Third"), Status.ACCEPTED)
    client = login(desk.w.staff)
    assert numbers_on(client.get(queue_url(desk.w, category=desk.complaint.pk))) == {
        complaint.number
    }
    assert numbers_on(client.get(queue_url(desk.w, priority="high"))) == {repair.number}
    assert numbers_on(client.get(queue_url(desk.w, status="accepted"))) == {accepted.number}
    assert numbers_on(client.get(queue_url(desk.w, property=desk.w.property.pk))) == {
        repair.number, complaint.number, accepted.number
    }


def test_refiltering_keeps_the_filters_a_dashboard_link_chose(desk, login):
    """A dashboard number links to the queue with filters the form does not show (breached,
    age…); the filter form carries them as hidden inputs, so choosing a priority keeps them."""
    desk.submit()
    response = login(desk.w.staff).get(queue_url(desk.w, breached="resolution", age="7+"))
    html = response.content.decode()
    form = html[html.index('role="search"'):]
    form = form[:form.index("</form>")]
    assert '<input type="hidden" name="breached" value="resolution"' in form
    assert '<input type="hidden" name="age" value="7+"' in form
    assert 'name="rating"' not in form  # only the ones in use
    assert response.context["filters"].form.is_valid()


def test_queue_filter_refuses_a_property_outside_the_scope(desk, login):
    desk.submit()
    response = login(desk.w.staff).get(queue_url(desk.w, property=desk.w.other_property.pk))
    assert response.status_code == 200
    assert "property" in response.context["filters"].form.errors


@pytest.mark.parametrize("search", ["#{number}", "{number}", "Owner sunrise", "1-101", "tap"])
def test_queue_search_by_number_owner_unit_or_text(desk, login, search):
    ticket = desk.submit(title="Kitchen tap drips")
    desk.submit(user=desk.w.neighbour, unit=desk.w.neighbour_unit, title="Window cracked")
    response = login(desk.w.staff).get(
        queue_url(desk.w, q=search.format(number=ticket.number))
    )
    assert numbers_on(response) == {ticket.number}


def test_queue_search_by_phone_digits(desk, login):
    ticket = desk.submit()
    digits = desk.w.owner.phone[-8:]
    response = login(desk.w.staff).get(queue_url(desk.w, q=f"{digits[:4]} {digits[4:]}"))
    assert numbers_on(response) == {ticket.number}


def test_queue_rows_show_the_countdown_in_colour_and_in_words(desk, login, clock):
    desk.submit()
    content = login(desk.w.staff).get(queue_url(desk.w)).content.decode()
    assert "left" in content and "On time" in content
    clock.shift(60 * 60 * 24 * 10)  # ten days later every target is missed
    content = login(desk.w.staff).get(queue_url(desk.w)).content.decode()
    assert "overdue by" in content and "Overdue" in content and "text-bg-danger" in content


def test_recurring_tickets_are_marked(desk, login):
    ticket = desk.submit()
    Ticket.objects.filter(pk=ticket.pk).update(is_recurring=True)
    assert "Recurring" in login(desk.w.staff).get(queue_url(desk.w)).content.decode()


def test_queue_is_sorted_by_nearest_due_time(desk, login):
    normal = desk.submit()
    urgent = desk.submit(priority=Priority.URGENT, title="Water everywhere")
    response = login(desk.w.staff).get(queue_url(desk.w))
    order = [ticket.number for ticket in response.context["page"].object_list]
    assert order == [urgent.number, normal.number]


def _queue_queries(client, w) -> int:
    clear_process_memory()  # the budget is a cold request's
    with CaptureQueriesContext(connection) as queries:
        assert client.get(queue_url(w)).status_code == 200
    return len(queries)


def test_the_queue_runs_the_same_number_of_queries_for_5_and_50_tickets(
    desk, login, django_assert_num_queries
):
    team = Team.objects.create(organization=desk.w.org, name="维修")
    for index in range(5):
        desk.submit(title=f"Ticket {index}")
    client = login(desk.w.manager)
    Ticket.objects.update(team=team, assignee=desk.w.staff, is_recurring=True)
    five = _queue_queries(client, desk.w)
    for index in range(45):
        desk.submit(title=f"More {index}")
    Ticket.objects.update(team=team, assignee=desk.w.staff)
    with django_assert_num_queries(five):
        response = client.get(queue_url(desk.w))
    assert len(response.context["page"].object_list) == 50


# --- Bulk actions ------------------------------------------------------------------------------


def test_bulk_assign_gives_every_ticked_ticket_to_the_person(desk, login):
    tickets = [desk.submit(title=f"T{i}") for i in range(3)]
    response = login(desk.w.manager).post(
        reverse("tickets:queue-bulk", args=[desk.w.org.slug]),
        {"tickets": [t.number for t in tickets[:2]], "action": "assign",
         "assignee": desk.w.staff.pk},
        follow=True,
    )
    assert "2 tickets changed." in response.content.decode()
    assignees = dict(Ticket.objects.values_list("number", "assignee_id"))
    assert assignees == {
        tickets[0].number: desk.w.staff.pk, tickets[1].number: desk.w.staff.pk,
        tickets[2].number: None,
    }


def test_bulk_status_change_reports_each_refused_ticket(desk, login):
    new = desk.submit(title="New one")
    accepted = desk.drive(desk.submit(title="Accepted one"), Status.ACCEPTED)
    response = login(desk.w.staff).post(
        reverse("tickets:queue-bulk", args=[desk.w.org.slug]),
        {"tickets": [new.number, accepted.number], "action": "status", "to": "in_progress"},
        follow=True,
    )
    content = response.content.decode()
    assert "1 ticket changed." in content
    assert f"Ticket #{new.number} was not changed" in content
    assert desk.reload(accepted).status == Status.IN_PROGRESS
    assert desk.reload(new).status == Status.NEW


def test_bulk_actions_ignore_tickets_outside_the_scope(desk, login):
    far = desk.submit(user=desk.w.far_owner, unit=desk.w.far_unit)
    response = login(desk.w.staff).post(
        reverse("tickets:queue-bulk", args=[desk.w.org.slug]),
        {"tickets": [far.number], "action": "status", "to": "accepted"}, follow=True,
    )
    assert "1 ticket was not found." in response.content.decode()
    assert desk.reload(far).status == Status.NEW


# --- The ticket page ---------------------------------------------------------------------------


def test_the_ticket_page_sets_internal_notes_apart_from_public_replies(desk, login):
    ticket = desk.submit()
    staff = desk.access(desk.w.staff)
    ticket_comment(access=staff, ticket=ticket, body="We come at three.")
    ticket_comment(access=staff, ticket=ticket, body="Needs the big ladder.", internal=True)
    content = login(desk.w.staff).get(page_url(desk.w, ticket)).content.decode()
    assert "We come at three." in content and "Needs the big ladder." in content
    note = content.index("Needs the big ladder.")
    reply = content.index("We come at three.")
    # The note is marked as such (style and words); the reply before it is not.
    assert "Internal note" in content[reply:note] and "timeline-note" in content[reply:note]
    assert "Internal note" not in content[:reply]


def test_the_ticket_page_offers_only_allowed_transitions(desk, login):
    ticket = desk.submit()
    response = login(desk.w.staff).get(page_url(desk.w, ticket))
    assert response.context["can_accept"] and response.context["transitions"] == []
    ticket = desk.drive(ticket, Status.IN_PROGRESS)
    response = login(desk.w.staff).get(page_url(desk.w, ticket))
    assert {to for to, _label in response.context["transitions"]} == {
        Status.WAITING_ON_OWNER, Status.RESOLVED
    }


def test_accept_button_accepts_and_a_second_accept_is_told_who_won(desk, login):
    ticket = desk.submit()
    response = login(desk.w.manager).post(page_url(desk.w, ticket, "accept"), follow=True)
    assert "You accepted ticket" in response.content.decode()
    response = login(desk.w.staff).post(page_url(desk.w, ticket, "accept"), follow=True)
    assert f"has already been accepted by {desk.w.manager.full_name}" in (
        response.content.decode()
    )
    assert desk.reload(ticket).assignee == desk.w.manager


def test_transition_to_waiting_needs_a_reason_shown_beside_the_field(desk, login):
    ticket = desk.drive(desk.submit(), Status.IN_PROGRESS)
    client = login(desk.w.staff)
    response = client.post(page_url(desk.w, ticket, "transition"), {"to": "waiting_on_owner"})
    assert response.status_code == 400
    assert "reason" in response.context["transition_form"].errors
    assert desk.reload(ticket).status == Status.IN_PROGRESS
    response = client.post(
        page_url(desk.w, ticket, "transition"),
        {"to": "waiting_on_owner", "reason": "Which tap?"},
    )
    assert response.status_code == 302
    assert desk.reload(ticket).status == Status.WAITING_ON_OWNER


def test_an_illegal_transition_is_refused_with_a_message(desk, login):
    ticket = desk.submit()
    response = login(desk.w.staff).post(page_url(desk.w, ticket, "transition"), {"to": "closed"})
    assert response.status_code == 400
    assert "cannot become" in response.content.decode()


def test_assign_priority_and_category_from_the_page(desk, login):
    ticket = desk.submit()
    team = Team.objects.create(organization=desk.w.org, name="维修")
    client = login(desk.w.manager)
    due_before = ticket.resolution_due_at
    assert client.post(page_url(desk.w, ticket, "assign"),
                       {"assignee": desk.w.staff.pk, "team": team.pk}).status_code == 302
    assert client.post(page_url(desk.w, ticket, "priority"),
                       {"priority": "urgent", "reason": "Water leak"}).status_code == 302
    assert client.post(page_url(desk.w, ticket, "category"),
                       {"category": desk.complaint.pk}).status_code == 302
    ticket = desk.reload(ticket)
    assert (ticket.assignee, ticket.team, ticket.priority, ticket.category) == (
        desk.w.staff, team, "urgent", desk.complaint
    )
    assert ticket.resolution_due_at != due_before
    kinds = set(TimelineEntry.objects.filter(ticket=ticket).values_list("kind", flat=True))
    assert {"assignment", "priority", "category"} <= kinds


def test_assigning_someone_out_of_scope_shows_a_field_error(desk, login):
    ticket = desk.submit()
    response = login(desk.w.manager).post(
        page_url(desk.w, ticket, "assign"), {"assignee": desk.w.staff_out.pk}
    )
    assert response.status_code == 400
    assert "assignee" in response.context["assign_form"].errors
    assert desk.reload(ticket).assignee is None


def test_reply_and_internal_note_from_the_page(desk, login):
    ticket = desk.submit()
    client = login(desk.w.staff)
    client.post(page_url(desk.w, ticket, "comment"), {"body": "On our way."})
    client.post(page_url(desk.w, ticket, "comment"), {"body": "Check valve", "internal": "on"})
    entries = list(TimelineEntry.objects.filter(ticket=ticket, kind__in=["comment",
                                                                          "internal_note"])
                   .values_list("body", "is_public"))
    assert entries == [("On our way.", True), ("Check valve", False)]
    assert desk.reload(ticket).first_responded_at is not None
    response = client.post(page_url(desk.w, ticket, "comment"), {"body": "  "})
    assert response.status_code == 400


def test_a_canned_response_is_inserted_with_its_placeholders_filled(desk, login):
    ticket = desk.submit()
    canned = CannedResponse.objects.create(
        organization=desk.w.org, title="Visit",
        body="Dear {owner_name}, about #{ticket_number} in {unit}: {staff_name} comes. {odd}",
    )
    client = login(desk.w.staff)
    response = client.get(page_url(desk.w, ticket), {"canned": canned.pk})
    expected = (f"Dear {desk.w.owner.full_name}, about #{ticket.number} in 1-101: "
                f"{desk.w.staff.full_name} comes. {{odd}}")
    assert response.context["comment_form"].initial["body"] == expected
    assert response.context["canned_bodies"][str(canned.pk)] == expected


def test_the_owners_phone_is_masked_until_revealed(desk, login):
    ticket = desk.submit()
    phone = desk.w.owner.phone
    client = login(desk.w.staff)
    content = client.get(page_url(desk.w, ticket)).content.decode()
    assert phone not in content and f"{phone[:-8]}****{phone[-4:]}" in content
    response = client.post(page_url(desk.w, ticket, "reveal-phone"))
    assert response.status_code == 200 and phone in response.content.decode()
    fragment = client.post(page_url(desk.w, ticket, "reveal-phone"), headers={"HX-Request": "true"})
    assert phone in fragment.content.decode() and "<html" not in fragment.content.decode()
    assert phone not in client.get(page_url(desk.w, ticket)).content.decode()


def test_merge_from_the_page_and_an_unknown_number_is_a_field_error(desk, login):
    duplicate, original = desk.submit(title="Dup"), desk.submit(title="Original")
    client = login(desk.w.staff)
    response = client.post(page_url(desk.w, duplicate, "merge"), {"into": 999})
    assert response.status_code == 400 and "into" in response.context["merge_form"].errors
    response = client.post(page_url(desk.w, duplicate, "merge"), {"into": original.number})
    assert response.status_code == 302
    duplicate = desk.reload(duplicate)
    assert (duplicate.status, duplicate.merged_into) == (Status.CLOSED, original)


# --- Proxy filing ------------------------------------------------------------------------------


def file_url(w):
    return reverse("tickets:file-for-owner", args=[w.org.slug])


def _residency(w, user):
    from portal.tenancy.models import Residency

    return Residency.objects.get(organization=w.org, user=user)


def test_staff_find_an_owner_by_unit_and_file_a_request_for_them(desk, login):
    client = login(desk.w.staff)
    response = client.get(file_url(desk.w), {"q": "1-101"})
    found = {r.user for r in response.context["form"].fields["residency"].queryset}
    assert found == {desk.w.owner, desk.w.household}
    response = client.post(file_url(desk.w), {
        "residency": _residency(desk.w, desk.w.owner).pk, "channel": Channel.PHONE,
        "category": desk.repair.pk, "title": "Light in the corridor", "priority": "normal",
    })
    assert response.status_code == 302
    ticket = Ticket.objects.get(title="Light in the corridor")
    assert (ticket.requester, ticket.filed_by, ticket.channel, ticket.unit) == (
        desk.w.owner, desk.w.staff, Channel.PHONE, desk.w.unit
    )


def test_proxy_search_finds_nobody_outside_the_scope(desk, login):
    response = login(desk.w.staff).get(file_url(desk.w), {"q": desk.w.far_owner.full_name})
    assert not response.context["form"].fields["residency"].queryset.exists()


def test_proxy_filing_for_a_resident_outside_the_scope_is_404(desk, login):
    response = login(desk.w.staff).post(file_url(desk.w), {
        "residency": _residency(desk.w, desk.w.far_owner).pk, "channel": Channel.WALK_IN,
        "category": desk.repair.pk, "title": "Gate", "priority": "normal",
    })
    assert response.status_code == 404
    assert not Ticket.objects.exists()


def test_proxy_filing_shows_field_errors(desk, login):
    response = login(desk.w.staff).post(file_url(desk.w), {
        "residency": _residency(desk.w, desk.w.owner).pk, "channel": "web",
        "category": desk.repair.pk, "title": "", "priority": "normal",
    })
    assert response.status_code == 200
    assert {"channel", "title"} <= set(response.context["form"].errors)
    assert not Ticket.objects.exists()


# --- The race on accept, through the page (PostgreSQL) -----------------------------------------


@pytest.mark.django_db(transaction=True)
def test_two_staff_pressing_accept_at_once_one_wins_the_other_is_told(world, clock):
    if connection.vendor != "postgresql":
        pytest.skip("races need a database with concurrent writers (PostgreSQL)")
    w = world.sunrise
    with scope(organization=w.org):
        desk = make_desk(w)
        ticket = desk.submit()
    barrier = threading.Barrier(2)
    pages = {}

    def press(user):
        client = Client()
        client.force_login(user, backend="portal.accounts.backends.PhoneOrEmailBackend")
        try:
            barrier.wait(timeout=10)
            response = client.post(page_url(w, ticket, "accept"), follow=True)
            pages[user.pk] = response.content.decode()
        finally:
            connection.close()

    threads = [threading.Thread(target=press, args=(u,)) for u in (w.staff, w.manager)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    with scope(organization=w.org):
        ticket = Ticket.objects.get(pk=ticket.pk)
        assert ticket.status == Status.ACCEPTED
        assert TimelineEntry.objects.filter(ticket=ticket, to_status="accepted").count() == 1
        winner = ticket.assignee
    loser = w.staff if winner == w.manager else w.manager
    assert "You accepted ticket" in pages[winner.pk]
    assert f"has already been accepted by {winner.full_name}" in pages[loser.pk]


def test_accepting_through_the_service_then_the_page_keeps_one_accept(desk, login):
    ticket = desk.submit()
    ticket_accept(access=desk.access(desk.w.manager), ticket=ticket)
    login(desk.w.staff).post(page_url(desk.w, ticket, "accept"))
    assert TimelineEntry.objects.filter(ticket=ticket, to_status="accepted").count() == 1


def test_the_queue_folds_its_other_filters_away_unless_one_is_in_use(desk, login):
    client = login(desk.w.staff)
    plain = client.get(queue_url(desk.w)).content.decode()
    assert '<details class="col-12 queue-filters" id="queue-filters">' in plain
    assert 'name="q"' in plain.split('id="queue-filters"')[0]  # search stays in sight
    filtered = client.get(queue_url(desk.w), {"priority": "urgent"}).content.decode()
    assert '<details class="col-12 queue-filters" id="queue-filters" open>' in filtered
    chinese = client.get(queue_url(desk.w), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "更多筛选条件" in chinese
