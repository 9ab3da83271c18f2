"""Dashboard pages, exports and API: scoping, links to the queue, exports, query counts."""

import csv
import datetime as dt
import io

import openpyxl
import pytest
from django_scopes import scopes_disabled

from portal.tenancy.models import Membership
from tests import factories as f
from tickets.models import Ticket

from .conftest import at

MARCH = {"start": "2026-03-01", "end": "2026-03-31"}


@pytest.fixture
def tickets(build):
    b = build
    b.ticket(at(3, 2, 9), responded=at(3, 2, 10), resolved=at(3, 2, 19), assignee=b.w.staff)
    b.ticket(at(3, 3, 9), responded=at(3, 3, 12), category=b.complaint,
             first_response_breached_at=at(3, 3, 11))
    b.ticket(at(3, 4, 9), property=b.w.other_property, unit=b.w.far_unit)
    b.ticket(at(3, 31, 23, 30), channel="phone", assignee=b.w.staff)
    return b


def _as(client, user):
    client.force_login(user, backend="portal.accounts.backends.PhoneOrEmailBackend")
    return client


def _api(client, user, name, **params):
    response = _as(client, user).get(f"/api/v1/orgs/sunrise/dashboard/{name}/",
                                     {**MARCH, **params})
    assert response.status_code == 200, response.content
    return response.json()


def test_the_manager_sees_every_property(client, world, tickets):
    data = _api(client, world.sunrise.manager, "sla")
    assert (data["opened"], data["breached"]) == (4, 1)


def test_a_manager_scoped_to_one_property_sees_only_it(client, world, tickets):
    with scopes_disabled():
        scoped = f.MembershipFactory(
            organization=world.sunrise.org, role=Membership.Role.MANAGER,
            properties=[world.sunrise.other_property],
        ).user
    assert _api(client, scoped, "sla")["opened"] == 1
    # A property outside the scope is refused, not counted.
    response = client.get("/api/v1/orgs/sunrise/dashboard/sla/",
                          {**MARCH, "property": world.sunrise.property.pk})
    assert response.status_code == 400


def test_staff_see_only_their_own_performance(client, world, tickets):
    data = _api(client, world.sunrise.staff, "sla")
    assert data["opened"] == 2
    # Naming someone else changes nothing for staff.
    assert _api(client, world.sunrise.staff, "sla", staff=world.sunrise.manager.pk)[
        "opened"] == 2
    assert client.get("/api/v1/orgs/sunrise/dashboard/hotspots/").status_code == 404


def test_every_number_links_to_the_queue_that_makes_it(client, world, tickets):
    page = _as(client, world.sunrise.manager).get("/o/sunrise/dashboard/", MARCH)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-live-refresh="ticket."' in html and "delay:3s" in html
    link = next(href for href in _links(html) if "breached=first_response" in href
                and "created_from" in href)
    queue = client.get(link)
    assert queue.status_code == 200
    assert queue.context["page"].paginator.count == 1
    opened = next(href for href in _links(html) if href.startswith("/o/sunrise/tickets/?")
                  and "breached" not in href and "created_from" in href)
    assert client.get(opened).context["page"].paginator.count == 4


def _links(html: str) -> list[str]:
    import html as html_lib
    import re

    return [html_lib.unescape(h) for h in re.findall(r'href="([^"]+)"', html)]


def test_csv_export_has_a_bom_and_the_table(client, world, tickets):
    response = _as(client, world.sunrise.manager).get(
        "/o/sunrise/dashboard/", {**MARCH, "export": "csv", "table": "breaches_by_category"}
    )
    assert response["Content-Type"].startswith("text/csv")
    body = response.content.decode("utf-8")
    assert body.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(body[1:])))
    assert rows[0] == ["Name", "Breached tickets", "First response", "Resolution"]
    assert rows[1] == [tickets.complaint.name, "1", "1", "0"]


def test_xlsx_export_of_the_weekly_trend(client, world, tickets):
    response = _as(client, world.sunrise.manager).get(
        "/o/sunrise/dashboard/", {**MARCH, "export": "xlsx", "table": "weekly"}
    )
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0] == ["Week of", "Opened", "Resolved", "Breached"]
    assert rows[1:3] == [["2026-02-23", 0, 0, 0], ["2026-03-02", 3, 1, 1]]
    assert rows[-1] == ["2026-03-30", 1, 0, 0]


def test_an_unknown_table_is_not_found(client, world, tickets):
    response = _as(client, world.sunrise.manager).get(
        "/o/sunrise/dashboard/", {"export": "csv", "table": "nope"})
    assert response.status_code == 404


@pytest.mark.parametrize("path", [
    "/o/sunrise/dashboard/", "/o/sunrise/dashboard/satisfaction/",
    "/o/sunrise/dashboard/engagement/", "/o/sunrise/dashboard/hotspots/",
    "/o/sunrise/dashboard/report/", "/o/sunrise/dashboard/counters/",
])
def test_pages_run_a_constant_number_of_queries(client, world, build, path,
                                                django_assert_max_num_queries):
    from tickets.models import Team

    team = Team.objects.create(organization=world.sunrise.org, name="维修组")

    def tickets(days):
        # Every kind of row: breached, with a team and an assignee, rated, on the asset (a
        # hotspot from the third), so that every name lookup runs in both measurements.
        for day in days:
            build.ticket(at(3, day, 9), responded=at(3, day, 10), resolved=at(3, day, 18),
                         asset=world.sunrise.asset, assignee=world.sunrise.staff, team=team,
                         rating=1 + day % 5, rated_at=at(3, day, 20),
                         first_response_breached_at=at(3, day, 9, 30) if day % 3 else None)

    tickets(range(25, 29))
    _as(client, world.sunrise.manager)
    with django_assert_max_num_queries(60) as few:
        assert client.get(path, MARCH).status_code == 200
    budget = len(few.captured_queries)
    tickets(range(1, 25))
    with django_assert_max_num_queries(budget):
        assert client.get(path, MARCH).status_code == 200


def test_the_report_is_printable(client, world, tickets):
    html = _as(client, world.sunrise.manager).get(
        "/o/sunrise/dashboard/report/", {"month": "2026-03"}).content.decode()
    assert "dashboards/dashboards.css" in html and "data-print" in html
    assert "service report for 2026-03" in html


def test_a_preventive_ticket_from_a_hotspot(client, world, build):
    from django.utils import timezone

    for days_ago in (2, 9, 20):
        build.ticket(timezone.now() - dt.timedelta(days=days_ago), asset=world.sunrise.asset,
                     unit=None)
    _as(client, world.sunrise.manager)
    page = client.get("/o/sunrise/dashboard/hotspots/")
    assert world.sunrise.asset.name in page.content.decode()
    response = client.post("/o/sunrise/dashboard/hotspots/preventive/",
                           {"kind": "asset", "id": world.sunrise.asset.pk})
    assert response.status_code == 302
    with scopes_disabled():
        ticket = Ticket.objects.filter(organization=world.sunrise.org).latest("number")
    assert (ticket.asset_id, ticket.filed_by_id) == (world.sunrise.asset.pk,
                                                     world.sunrise.manager.pk)
    assert ticket.is_recurring  # the fourth ticket on the asset within 30 days
    assert response["Location"] == f"/o/sunrise/tickets/{ticket.number}/"


def test_the_staff_home_shows_the_headline_and_the_nav_links_the_dashboard(client, world,
                                                                              tickets):
    html = _as(client, world.sunrise.manager).get("/o/sunrise/").content.decode()
    assert 'href="/o/sunrise/dashboard/"' in html
    assert "Follow-up calls to make" in html
    owner = _as(client, world.sunrise.owner).get("/o/sunrise/").content.decode()
    assert "/o/sunrise/dashboard/" not in owner
