"""The staff queue API's page query stays cheap to plan, and its filter set, cut down to the
filters a request names, selects what the queue page's full filter set selects (issue #9)."""

import pytest
from django.db import connection
from django.http import QueryDict
from django.test import Client
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token

from portal.tenancy.access import compute_access
from tickets.api.filters import TicketFilter as ApiFilter
from tickets.filters import TicketFilter as PageFilter
from tickets.models import Status, Team, Ticket
from tickets.selectors import ticket_list_for, ticket_rows

API = "/api/v1/orgs/sunrise"


def _page_query(user, params) -> str:
    token, _created = Token.objects.get_or_create(user=user)
    client = Client(headers={"Authorization": f"Token {token.key}"})
    with CaptureQueriesContext(connection) as captured:
        response = client.get(f"{API}/tickets/", params)
    assert response.status_code == 200, response.content
    (sql,) = [q["sql"] for q in captured.captured_queries if 'FROM "tickets_ticket"' in q["sql"]]
    return sql


@pytest.mark.parametrize("params", [{"view": "open"}, {}, {"view": "open", "priority": "high"}])
def test_the_page_of_tickets_joins_no_table(desk, params):
    # Eight joins onto the ticket table made PostgreSQL plan for 75-130 ms per request.
    desk.submit()
    sql = _page_query(desk.w.manager, params)
    assert " JOIN " not in sql, sql


def test_rows_carry_the_names_of_every_relation(desk):
    w = desk.w
    team = Team.objects.create(organization=w.org, name="Lifts", lead=w.manager)
    ticket = desk.drive(desk.submit(asset=w.asset, title="Lift stuck"), Status.ACCEPTED)
    ticket.team = team
    ticket.save(update_fields=["team"])
    in_unit = desk.submit()
    columns = ("number", "category__name", "category__kind", "property__name", "unit__number",
               "unit__building__name", "asset__name", "requester__full_name",
               "assignee__full_name", "team__name")
    rows = {row["number"]: row for row in ticket_rows(Ticket.objects.all(), columns)}
    assert rows[ticket.number] == {
        "number": ticket.number, "category__name": desk.repair.name,
        "category__kind": desk.repair.kind, "property__name": w.property.name,
        "unit__number": None, "unit__building__name": None, "asset__name": w.asset.name,
        "requester__full_name": w.owner.full_name, "assignee__full_name": w.staff.full_name,
        "team__name": "Lifts",
    }
    assert rows[in_unit.number]["unit__number"] == w.unit.number
    assert rows[in_unit.number]["unit__building__name"] == w.unit.building.name
    assert rows[in_unit.number]["assignee__full_name"] is None
    assert rows[in_unit.number]["team__name"] is None


@pytest.mark.parametrize(
    "query",
    [
        "", "priority=urgent", "status=accepted", "channel=web", "q=lift", "assignee=null",
        "recurring=true", "age=0-1", "breached=any", "created_from=2026-03-10",
        "priority=urgent&status=new", "page_size=2&priority=urgent",
    ],
)
def test_the_api_filters_select_what_the_page_filters_select(desk, query):
    w = desk.w
    team = Team.objects.create(organization=w.org, name="Lifts", lead=w.manager)
    desk.submit(priority="urgent")
    lift = desk.drive(desk.submit(asset=w.asset, title="Lift stuck"), Status.ACCEPTED)
    lift.team = team
    lift.save(update_fields=["team"])
    desk.submit(title="Noise at night", category=desk.complaint)
    access = compute_access(w.manager, w.org)
    data = QueryDict(query)
    api = ApiFilter(data, queryset=ticket_list_for(access=access), access=access)
    page = PageFilter(data, queryset=ticket_list_for(access=access), access=access)
    assert api.is_valid() and page.is_valid(), (api.errors, page.errors)
    assert sorted(api.qs.values_list("pk", flat=True)) == sorted(
        page.qs.order_by().values_list("pk", flat=True)
    )
    assert set(api.filters) <= set(data)


@pytest.mark.parametrize(
    "name, value",
    [("property", "other_property"), ("building", "other_building"), ("team", "foreign_team"),
     ("assignee", "far_owner"), ("view", "everything"), ("priority", "soon")],
)
def test_a_named_filter_refuses_what_the_page_refuses(desk, world, name, value):
    w = desk.w
    foreign_team = Team.objects.create(organization=world.harbor.org, name="Harbour")
    values = {"other_property": w.other_property.pk, "other_building": w.other_building.pk,
              "foreign_team": foreign_team.pk, "far_owner": w.far_owner.pk}
    data = QueryDict(mutable=True)
    data[name] = str(values.get(value, value))
    access = compute_access(w.staff, w.org)
    api = ApiFilter(data, queryset=ticket_list_for(access=access), access=access)
    assert not api.is_valid() and set(api.errors) == {name}
