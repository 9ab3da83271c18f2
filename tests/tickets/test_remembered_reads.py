"""What web processes remember between requests (portal.generations) is never what a change
left behind: access, organisations and ticket lists are read again as soon as what they were
read from changes, whichever way it changed (issue #9)."""

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django_scopes import scopes_disabled
from rest_framework.authtoken.models import Token, TokenProxy

from portal import generations
from portal.tenancy.models import Membership, Residency
from portal.tenancy.services.people import (
    membership_deactivate,
    membership_update,
    residency_deactivate,
)
from tickets import memory as ticket_memory
from tickets.models import Category, SlaPolicy, Status, Ticket
from tickets.services import sla_config, sla_process_due

from .conftest import at

API = "/api/v1/orgs/sunrise"


def _client(user) -> Client:
    token, _created = Token.objects.get_or_create(user=user)
    return Client(headers={"Authorization": f"Token {token.key}", "Accept-Language": "en"})


def _numbers(client, **params) -> list[int]:
    response = client.get(f"{API}/tickets/", params)
    assert response.status_code == 200, response.content
    return [row["number"] for row in response.json()["results"]]


def _membership(w, user) -> Membership:
    with scopes_disabled():
        return Membership.objects.get(organization=w.org, user=user)


def test_a_second_request_reads_neither_access_nor_list_again(desk):
    desk.submit()
    client = _client(desk.w.staff)
    _numbers(client)
    with CaptureQueriesContext(connection) as warm:
        _numbers(client)
    tables = " ".join(query["sql"] for query in warm.captured_queries)
    assert "tenancy_membership" not in tables
    assert "tickets_ticket" not in tables
    assert "tenancy_organization" not in tables


def test_a_new_or_changed_ticket_shows_at_once(desk):
    client = _client(desk.w.staff)
    first = desk.submit()
    assert _numbers(client, view="open") == [first.number]
    second = desk.submit(title="Lift stuck")
    assert _numbers(client, view="open") == [second.number, first.number]
    desk.drive(first, Status.CANCELLED)
    assert _numbers(client, view="open") == [second.number]


def test_a_bulk_update_of_tickets_shows_at_once(desk):
    client = _client(desk.w.staff)
    ticket = desk.submit()
    assert _numbers(client, view="open") == [ticket.number]
    with scopes_disabled():  # as the jobs write: no organisation in the filter
        Ticket.objects.filter(pk=ticket.pk).update(status=Status.CLOSED)
    assert _numbers(client, view="open") == []


def test_a_renamed_category_shows_at_once(desk):
    client = _client(desk.w.staff)
    desk.submit()
    client.get(f"{API}/tickets/")
    with scopes_disabled():
        Category.objects.filter(pk=desk.repair.pk).update(name="Plumbing")  # no signal
        category = Category.objects.get(pk=desk.repair.pk)
        category.name = "Plumbing and taps"
        category.save()
    rows = client.get(f"{API}/tickets/").json()["results"]
    assert rows[0]["category"]["name"] == "Plumbing and taps"


def test_a_deactivated_member_is_shut_out_at_once(desk):
    client = _client(desk.w.staff)
    desk.submit()
    assert client.get(f"{API}/tickets/").status_code == 200
    membership_deactivate(membership=_membership(desk.w, desk.w.staff))
    assert client.get(f"{API}/tickets/").status_code == 404


def test_a_narrowed_scope_narrows_the_list_at_once(desk):
    w = desk.w
    client = _client(w.manager)
    ticket = desk.submit()
    assert _numbers(client) == [ticket.number]
    membership = _membership(w, w.manager)
    membership_update(membership=membership, role=membership.role, all_properties=False,
                      properties=[w.other_property])
    assert _numbers(client) == []


def test_a_scope_changed_through_the_link_table_alone_shows_at_once(desk):
    w = desk.w
    client = _client(w.staff)
    ticket = desk.submit()
    assert _numbers(client) == [ticket.number]
    _membership(w, w.staff).properties.remove(w.property)  # m2m_changed, no service
    assert _numbers(client) == []


def test_an_owner_whose_residency_ends_is_shut_out_at_once(desk):
    w = desk.w
    client = _client(w.owner)
    desk.submit()
    assert client.get(f"{API}/tickets/").status_code == 200
    with scopes_disabled():
        residency = Residency.objects.get(user=w.owner, unit=w.unit)
    residency_deactivate(access=desk.access(w.admin), residency=residency)
    assert client.get(f"{API}/tickets/").status_code == 404


def test_people_in_one_organisation_do_not_share_remembered_lists(desk):
    w = desk.w
    inside = desk.submit()
    far = desk.submit(w.far_owner, unit=w.far_unit, title="Far away")
    assert _numbers(_client(w.admin)) == [far.number, inside.number]
    assert _numbers(_client(w.staff)) == [inside.number]
    assert _numbers(_client(w.staff_out)) == [far.number]
    assert _numbers(_client(w.owner)) == [inside.number]


def test_a_reader_who_read_before_a_change_and_stores_after_it_is_ignored(db):
    memory = generations.Memory(max_entries=10, max_age=60)
    key, gens = ("k",), ("test:gen:race",)
    answers = iter(["before", "after"])

    def read_while_a_writer_commits():
        value = next(answers)
        generations.forget(gens)  # the writer's change lands between the stamp and the store
        return value

    assert memory.get(key, gens, read_while_a_writer_commits) == "before"
    assert memory.get(key, gens, lambda: next(answers)) == "after"


def test_nothing_is_remembered_while_redis_is_away(desk, settings):
    settings.CACHES = {"default": {  # a port nothing listens on
        "BACKEND": "portal.cache.ResilientRedisCache", "LOCATION": "redis://127.0.0.1:1/0",
        "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
    }}
    client = _client(desk.w.staff)
    ticket = desk.submit()
    assert _numbers(client, view="open") == [ticket.number]
    desk.drive(ticket, Status.CANCELLED)
    assert _numbers(client, view="open") == []


def test_a_breach_the_sla_job_records_shows_in_the_breached_view(desk, clock):
    # The job writes its fields with one UPDATE of its own (no signal, no queryset update).
    client = _client(desk.w.staff)
    ticket = desk.submit()
    clock.move_to(at(2026, 3, 10, 10, 30), tick=False)  # within the targets still
    assert _numbers(client, view="breached") == []
    clock.move_to(at(2026, 3, 25, 12), tick=False)  # every target long past
    with scopes_disabled():
        sla_process_due()
    assert _numbers(client, view="breached") == [ticket.number]


def test_a_changed_policy_applies_to_the_next_ticket_filed(desk):
    first = desk.submit()
    with scopes_disabled():
        policy = SlaPolicy.objects.get(pk=first.policy_id)
        policy.first_response_normal_minutes = first.first_response_target_minutes + 7
        policy.save()
    second = desk.submit(title="Lift stuck")
    assert second.first_response_target_minutes == first.first_response_target_minutes + 7


def test_a_policy_made_inactive_in_bulk_is_no_longer_chosen(desk):
    first = desk.submit()
    with scopes_disabled():
        SlaPolicy.objects.filter(pk=first.policy_id).update(is_active=False)  # no signal
    sla_config.forget([desk.w.org.pk])  # what a bulk change of configuration must do
    second = desk.submit(title="Lift stuck")
    assert second.policy_id != first.policy_id


def test_a_revoked_token_or_a_deactivated_person_is_refused_at_once(desk):
    client = _client(desk.w.staff)
    assert client.get(f"{API}/tickets/").status_code == 200
    assert client.get(f"{API}/tickets/").status_code == 200  # now from memory
    desk.w.staff.is_active = False
    desk.w.staff.save()
    assert client.get(f"{API}/tickets/").status_code == 401
    owner = _client(desk.w.owner)
    assert owner.get(f"{API}/tickets/").status_code == 200
    assert owner.get(f"{API}/tickets/").status_code == 200
    Token.objects.filter(user=desk.w.owner).delete()
    assert owner.get(f"{API}/tickets/").status_code == 401


def test_a_second_api_request_reads_nothing_but_what_changed(desk):
    client = _client(desk.w.staff)
    desk.submit()
    _numbers(client)  # learns whose the token is
    _numbers(client)  # remembers them under their generation
    with CaptureQueriesContext(connection) as warm:
        _numbers(client)
    assert warm.captured_queries == []


def test_a_process_that_finds_redis_away_forgets_what_it_remembered(db, settings):
    memory = generations.Memory(max_entries=10, max_age=60)
    gens = ("test:gen:outage",)
    assert memory.get(("k",), gens, lambda: "before") == "before"
    settings.CACHES = {"default": {  # the same process, and Redis gone
        "BACKEND": "portal.cache.ResilientRedisCache", "LOCATION": "redis://127.0.0.1:1/0",
        "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
    }}
    assert memory.get(("k",), gens, lambda: "during") == "during"
    assert not memory._entries  # nothing left to vouch for the old generation


def test_a_list_built_from_access_lost_meanwhile_is_not_served_after(desk, monkeypatch):
    # The scope is cut after this request checked access and before it read the list: the
    # list (of the old scope) must not be kept as if it were read under the new one.
    w = desk.w
    client = _client(w.staff)
    ticket = desk.submit()
    membership = _membership(w, w.staff)
    real = ticket_memory.lists.get_stamped

    def cut_in_between(*args, **kwargs):
        membership.properties.remove(w.property)
        return real(*args, **kwargs)

    monkeypatch.setattr(ticket_memory.lists, "get_stamped", cut_in_between)
    assert _numbers(client) == [ticket.number]  # this request still went by the old scope
    monkeypatch.setattr(ticket_memory.lists, "get_stamped", real)
    assert _numbers(client) == []


def test_a_token_revoked_in_the_admin_is_refused_at_once(desk):
    client = _client(desk.w.staff)
    assert client.get(f"{API}/tickets/").status_code == 200
    assert client.get(f"{API}/tickets/").status_code == 200
    TokenProxy.objects.filter(user=desk.w.staff).delete()  # what DRF's token admin deletes
    assert client.get(f"{API}/tickets/").status_code == 401
