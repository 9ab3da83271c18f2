"""What each web process remembers of ticket lists (:mod:`portal.generations`).

A page of the staff queue or an owner's list through the API cost 8-10 ms of CPU, most of it
building and reading the page's query; eight staff refreshing one queue asked the same
question over and over (issue #9). An answer is remembered per caller, language, time zone
and URL under three generations: the organisation's tickets, the caller's access and all
organisations. Every write to a ticket moves its organisation's generation: a saved or
deleted ticket (signals), the queryset's bulk writes (``TicketQuerySet``), the SLA job's own
UPDATE, and a renamed category, team, property, building, unit or asset.

A person's renamed name and the passing of time ("breaching soon") are in no generation:
``MAX_AGE`` bounds how long a list may show them as they were.
"""

from django.utils import timezone, translation

from portal import generations
from portal.tenancy import memory as tenancy

MAX_AGE = 30.0
# About 25 KB a page: at most ~13 MB a process.
lists = generations.Memory(max_entries=512, max_age=MAX_AGE)


def organization(organization_id: int) -> str:
    return f"tickets:gen:org:{organization_id}"


def forget(organization_ids) -> None:
    generations.forget(organization(pk) for pk in organization_ids if pk is not None)


def _organization_filtered(queryset) -> int | None:
    """The organisation a queryset's top-level filter pins on the ticket table itself
    (``organization=…``, as the tenant scope and the services write it), if any."""
    where, query = queryset.query.where, queryset.query
    if where.connector != "AND" or where.negated:
        return None
    for child in where.children:
        lhs = getattr(child, "lhs", None)
        target = getattr(lhs, "target", None)
        if (getattr(target, "name", None) != "organization"
                or getattr(child, "lookup_name", None) != "exact"
                or target.model is not query.model
                or getattr(lhs, "alias", None) != query.base_table):
            continue
        value = getattr(child.rhs, "pk", child.rhs)
        if isinstance(value, int):
            return value
    return None


def forget_queryset(queryset) -> None:
    """Before a bulk write through ``queryset``: its organisations' lists are read again.
    A queryset filtered on one organisation names it; otherwise (the jobs) one query asks
    which organisations the rows belong to."""
    pinned = _organization_filtered(queryset)
    if pinned is not None:
        forget([pinned])
        return
    forget(set(queryset.order_by().values_list("organization_id", flat=True).distinct()))


def remembered_list(request, organization_id: int, read):
    key = ("tickets.list", organization_id, request.user.pk, translation.get_language(),
           timezone.get_current_timezone_name(), request.build_absolute_uri())
    # The access this list was narrowed by was read under these generations: the list is
    # kept under the same, so that an access lost in between is not stored as current.
    known = getattr(request, "_generations", None)
    value, _stamps = lists.get_stamped(
        key,
        (organization(organization_id), tenancy.person(request.user.pk), tenancy.ORGANIZATIONS),
        read, known=known,
    )
    return value
