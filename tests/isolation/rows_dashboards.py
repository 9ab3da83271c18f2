"""Dashboards (portal.dashboards) and the follow-up calls page (tickets, issue #6).

SLA and satisfaction are open to every staff member (staff see their own tickets only, within
their scope); engagement, hotspots, the monthly report, preventive tickets and follow-up calls
to managers."""

from django.utils import timezone

from tickets.models import FollowUp, Ticket

from .matrix import ALL_STAFF, MANAGERS, Row
from .rows_tickets_staff import _new_ticket

D = "/o/{org}/dashboard"
API = "/api/v1/orgs/{org}/dashboard"


def _follow_up(world):
    number = _new_ticket(world, "Matrix low rating")
    ticket = Ticket.objects.get(organization=world.sunrise.org, number=number)
    return FollowUp.objects.create(
        organization=world.sunrise.org, ticket=ticket, due=timezone.now()
    ).pk


def _follow_ups(world):
    return list(FollowUp.objects.filter(organization=world.sunrise.org)
                .order_by("pk").values_list("status", "outcome"))


def _tickets(world):
    return Ticket.objects.filter(organization=world.sunrise.org).count()


ROWS = [
    Row("dashboards-sla", "GET", f"{D}/", allowed=ALL_STAFF),
    Row("dashboards-sla-export", "GET", f"{D}/", allowed=ALL_STAFF,
        data={"export": "csv", "table": "weekly"}),
    Row("dashboards-counters", "GET", f"{D}/counters/", allowed=ALL_STAFF),
    Row("dashboards-satisfaction", "GET", f"{D}/satisfaction/", allowed=ALL_STAFF),
    Row("dashboards-engagement", "GET", f"{D}/engagement/", allowed=MANAGERS),
    Row("dashboards-hotspots", "GET", f"{D}/hotspots/", allowed=MANAGERS),
    Row("dashboards-hotspots-export", "GET", f"{D}/hotspots/", allowed=MANAGERS,
        data={"export": "xlsx", "table": "hotspots"}),
    Row("dashboards-report", "GET", f"{D}/report/", allowed=MANAGERS),
    Row("dashboards-preventive", "POST", f"{D}/hotspots/preventive/", allowed=MANAGERS,
        ok=302, data={"kind": "asset", "id": "{asset}"}, changed=_tickets),
    Row("api-dashboard-sla", "GET", f"{API}/sla/", allowed=ALL_STAFF, api=True),
    Row("api-dashboard-satisfaction", "GET", f"{API}/satisfaction/", allowed=ALL_STAFF,
        api=True),
    Row("api-dashboard-engagement", "GET", f"{API}/engagement/", allowed=MANAGERS, api=True),
    Row("api-dashboard-hotspots", "GET", f"{API}/hotspots/", allowed=MANAGERS, api=True),
    Row("tickets-manage-follow-ups", "GET", "/o/{org}/manage/tickets/follow-ups/",
        allowed=MANAGERS, extra={"follow_up": _follow_up}),
    Row("tickets-manage-follow-up-done", "POST",
        "/o/{org}/manage/tickets/follow-ups/{follow_up}/done/", allowed=MANAGERS, ok=302,
        data={"outcome": "Called, the owner is content now."},
        extra={"follow_up": _follow_up}, changed=_follow_ups),
]
