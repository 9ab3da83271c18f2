"""Reads of tickets for pages, the API and jobs; every one narrowed to what the caller may see.

Staff see the tickets of the properties they cover; residents the tickets of their units and
those they filed themselves (a common-area request is its requester's). Outsiders get 404.
"""

import datetime as dt
import functools

from django.db.models import Count, F, Func, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from portal.tenancy.access import Access

from .models import OPEN_STATUSES, Team, Ticket, TimelineEntry
from .services.rules import actor_id, is_handler

BREACHING_SOON = dt.timedelta(hours=2)

QUEUE_VIEWS = ("mine", "unassigned", "team", "breaching_soon", "breached", "open")


def ticket_list_for(*, access: Access) -> QuerySet[Ticket]:
    tickets = Ticket.objects.filter(organization=access.organization)
    if access.sees_all_properties:
        return tickets
    visible = Q(pk__in=[])
    if access.is_staff:
        visible |= Q(property_id__in=access.scoped_property_ids)
    if access.residencies:
        visible |= Q(unit_id__in=access.unit_ids) | Q(requester_id=actor_id(access))
    return tickets.filter(visible)


def ticket_rows(tickets: QuerySet[Ticket], columns) -> QuerySet:
    """``tickets.values(*columns)``, where a related column (``"unit__building__name"``) is read
    by a scalar subquery on the relation's key instead of a join.

    With eight joins onto the ticket table and its thirty indexes, PostgreSQL spent 75-130 ms
    planning the queue API's page for 0.7 ms of execution (issue #9); a small subquery per
    name plans in about 3 ms. The keys come from the ticket row itself, already narrowed to the
    caller, so the lookups need no tenant filter of their own.
    """
    plain = [column for column in columns if "__" not in column]
    looked_up = {column: _related_value(column) for column in columns if "__" in column}
    return tickets.values(*plain, **looked_up)


class _RelatedValue(Func):
    """``(SELECT name FROM tickets_category WHERE id = tickets_ticket.category_id)``, one
    nested subquery per hop of the path. ``Subquery(Category.objects.filter(pk=OuterRef(…)))``
    writes the same SQL at twice the CPU to build and compile, per name and request."""

    def __init__(self, column: str):
        relation, *hops, name = column.split("__")
        key = Ticket._meta.get_field(relation)
        model, self.steps = key.related_model, []
        for hop in hops:
            field = model._meta.get_field(hop)
            self.steps.append((model, field))
            model = field.related_model
        field = model._meta.get_field(name)
        self.steps.append((model, field))
        self.column = column
        super().__init__(F(key.attname), output_field=field)

    @property
    def identity(self):
        # The default binds the constructor's arguments with inspect, for every name in every
        # query (the compiler hashes the selected expressions to place ORDER BY); the path and
        # the key column identify it as well. Not cached: a resolved copy has its own key.
        key = self.get_source_expressions()[0]
        return (type(self), self.column, getattr(key, "alias", None),
                getattr(key, "target", None) or getattr(key, "name", None))

    def as_sql(self, compiler, connection, **extra_context):
        # Only names from the models' metadata, quoted, go into the text; no input does.
        quote, sql = connection.ops.quote_name, "%(expressions)s"
        for model, field in self.steps:
            sql = (f"(SELECT {quote(field.column)} FROM {quote(model._meta.db_table)} "  # noqa: S608  # nosec B608
                   f"WHERE {quote(model._meta.pk.column)} = {sql})")
        return super().as_sql(compiler, connection, template=sql, **extra_context)


@functools.cache
def _related_value(column: str) -> _RelatedValue:
    # Built once: annotating resolves a copy of it.
    return _RelatedValue(column)


def ticket_get_for(*, access: Access, number: int) -> Ticket:
    """The ticket with this number if the caller may see it; 404 otherwise, whichever it is."""
    ticket = (
        ticket_list_for(access=access)
        .select_related(
            "property", "unit__building", "asset", "category", "requester", "assignee",
            "team", "policy",
        )
        .filter(number=number)
        .first()
    )
    if ticket is None:
        raise Http404
    return ticket


def timeline_for(*, access: Access, ticket: Ticket) -> QuerySet[TimelineEntry]:
    """The ticket's timeline, oldest first; owners see the public entries only."""
    entries = TimelineEntry.objects.filter(
        organization_id=ticket.organization_id, ticket=ticket
    ).select_related("actor")
    if not is_handler(access, ticket):
        entries = entries.filter(is_public=True)
    return entries.order_by("created_at", "pk")


def _view_filter(view: str, *, user_id: int, now: dt.datetime) -> Q:
    open_ = Q(status__in=OPEN_STATUSES)
    if view == "mine":
        return open_ & Q(assignee_id=user_id)
    if view == "unassigned":
        return open_ & Q(assignee__isnull=True)
    if view == "team":
        teams = Team.objects.filter(Q(members__id=user_id) | Q(lead_id=user_id)).values("pk")
        return open_ & Q(team_id__in=teams)
    if view == "breaching_soon":
        return open_ & Q(next_due_at__gt=now, next_due_at__lte=now + BREACHING_SOON)
    if view == "breached":
        return open_ & (
            Q(next_due_at__lte=now)
            | Q(first_response_breached_at__isnull=False)
            | Q(resolution_breached_at__isnull=False)
        )
    if view == "open":
        return open_
    raise ValueError(f"unknown queue view {view!r}")


def ticket_queue(*, access: Access, view: str = "open") -> QuerySet[Ticket]:
    """A staff queue view, nearest due first (tickets with no running timer last)."""
    now = timezone.now()
    return (
        ticket_list_for(access=access)
        .filter(_view_filter(view, user_id=actor_id(access), now=now))
        .select_related("property", "unit__building", "category", "assignee", "team")
        .order_by(F("next_due_at").asc(nulls_last=True), "created_at")
    )


def ticket_queue_counts(*, access: Access) -> dict[str, int]:
    """How many tickets each queue view holds, in one query.

    Every view is a subset of the open tickets: naming them first lets the database read only
    those (an index on organisation and status) rather than all of an organisation's tickets,
    finished ones included (issue #9: 200 → 90 ms for 50,000 open of 202,000).
    """
    now, user_id = timezone.now(), actor_id(access)
    return ticket_list_for(access=access).filter(status__in=OPEN_STATUSES).aggregate(
        **{
            view: Count("pk", filter=_view_filter(view, user_id=user_id, now=now))
            for view in QUEUE_VIEWS
        }
    )
