"""The staff queue API stays cheap (issue #9): one query for the page of tickets whatever its
size, the filters' choices read only when a filter is submitted, the access read once, and
the flat list rows say exactly what the detail answer says."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token

from portal.generations import clear_process_memory
from tickets.api.serializers import _LIST_FIELDS
from tickets.models import Status, Team

API = "/api/v1/orgs/sunrise"


def _client(user) -> Client:
    token, _created = Token.objects.get_or_create(user=user)
    return Client(headers={"Authorization": f"Token {token.key}", "Accept-Language": "en"})


def _queries(client, params) -> list[str]:
    clear_process_memory()  # the budget is a cold request's
    with CaptureQueriesContext(connection) as captured:
        response = client.get(f"{API}/tickets/", params)
    assert response.status_code == 200, response.content
    return [query["sql"] for query in captured.captured_queries]


def _from(sql: list[str], table: str) -> list[str]:
    return [query for query in sql if f'FROM "{table}"' in query]


@pytest.mark.parametrize("role", ["staff", "manager"])
@pytest.mark.parametrize(
    "params", [{"view": "open"}, {}, {"view": "mine"}, {"view": "open", "priority": "high"}]
)
def test_the_queue_costs_the_same_queries_for_many_tickets(desk, role, params):
    client = _client(getattr(desk.w, role))
    desk.submit()
    few = _queries(client, params)
    team = Team.objects.create(organization=desk.w.org, name="Repair", lead=desk.w.manager)
    for index in range(12):
        ticket = desk.drive(desk.submit(title=f"More {index}", priority="high"), Status.ACCEPTED)
        if index % 2:
            ticket.team = team  # nullable relations filled on some rows only
            ticket.asset = desk.w.asset
            ticket.save(update_fields=["team", "asset"])
    many = _queries(client, params)
    assert len(many) == len(few), many
    # Organisation (tenant middleware), token with its user, membership (+ its properties),
    # residencies, the page of tickets.
    assert len(many) <= 6, many
    assert len(_from(many, "tickets_ticket")) == 1, many


def test_the_access_is_read_once_per_request(desk):
    sql = _queries(_client(desk.w.staff), {"view": "open"})
    assert len(_from(sql, "tenancy_membership")) == 1, sql
    assert len(_from(sql, "tenancy_residency")) == 1, sql


def test_filter_choices_are_read_only_for_the_filters_submitted(desk):
    client = _client(desk.w.staff)
    desk.submit()
    baseline = _queries(client, {"view": "open"})
    # Filters without choices from the database cost nothing more.
    assert len(_queries(client, {"view": "open", "priority": "high", "q": "tap"})) == len(
        baseline
    )
    # A property is checked against the caller's properties: one query, for that filter only.
    by_property = _queries(client, {"view": "open", "property": desk.w.property.pk})
    assert len(by_property) == len(baseline) + 1, by_property
    extra = [query for query in by_property if query not in baseline]
    assert any('FROM "tenancy_property"' in query for query in extra), extra


def test_the_list_row_is_the_detail_answer_restricted_to_the_list_fields(desk):
    w = desk.w
    team = Team.objects.create(organization=w.org, name="Repair", lead=w.manager)
    in_unit = desk.drive(desk.submit(priority="urgent"), Status.WAITING_ON_OWNER)
    common = desk.submit(asset=w.asset, title="Lift stuck")
    common.team = team
    common.save(update_fields=["team"])
    client = _client(w.staff)
    listed = {row["number"]: row for row in client.get(f"{API}/tickets/").json()["results"]}
    assert set(listed) == {in_unit.number, common.number}
    for ticket in (in_unit, common):
        detail = client.get(f"{API}/tickets/{ticket.number}/").json()
        assert listed[ticket.number] == {name: detail[name] for name in _LIST_FIELDS}
    row = listed[in_unit.number]
    assert row["status_label"] == "Waiting on owner" and row["paused_at"].endswith("+08:00")
    assert row["unit"] == {"id": w.unit.pk, "number": "101", "building": "1"}
    assert row["asset"] is None and row["team"] is None
    assert listed[common.number]["unit"] is None
    assert listed[common.number]["team"] == {"id": team.pk, "name": "Repair"}


def test_the_list_is_in_the_callers_language(desk):
    desk.submit()
    client = _client(desk.w.staff)
    desk.w.staff.language = "zh-hans"
    desk.w.staff.save(update_fields=["language"])
    row = client.get(f"{API}/tickets/").json()["results"][0]
    assert row["status"] == "new" and row["status_label"] != "New"
