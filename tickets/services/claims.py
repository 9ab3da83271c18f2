"""Claiming due rows for the periodic ticket jobs, shared by the SLA job and the others.

SELECT … FOR UPDATE SKIP LOCKED where the database has it: two workers split the work
instead of repeating it.
"""

from collections.abc import Sequence

from django.db import connection, transaction
from django.db.models import QuerySet
from django_scopes import scopes_disabled

from ..models import Ticket

MAX_BATCHES = 100


def _locked(tickets: QuerySet) -> QuerySet:
    if connection.features.has_select_for_update_skip_locked:
        return tickets.select_for_update(skip_locked=True, of=("self",))
    return tickets


def claim(tickets: QuerySet, batch_size: int) -> list[Ticket]:
    return list(_locked(tickets)[:batch_size])


def claim_rows(tickets: QuerySet, fields: Sequence[str], batch_size: int) -> list[tuple]:
    """``claim`` as plain rows of ``fields``, for a job that builds no model instances."""
    return list(_locked(tickets).values_list(*fields)[:batch_size])


def in_batches(work, batch_size: int) -> int:
    """Run ``work(batch_size)`` in its own transaction until it handles a short batch."""
    total = 0
    with scopes_disabled():  # the jobs serve every organisation; each query names its rows
        for _batch in range(MAX_BATCHES):
            with transaction.atomic():
                handled = work(batch_size)
            total += handled
            if handled < batch_size:
                break
    return total
