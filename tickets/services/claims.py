"""Claiming due rows for the periodic ticket jobs, shared by the SLA job and the others.

SELECT … FOR UPDATE SKIP LOCKED where the database has it: two workers split the work
instead of repeating it.
"""

from django.db import connection, transaction
from django.db.models import QuerySet
from django_scopes import scopes_disabled

from ..models import Ticket

MAX_BATCHES = 100


def claim(tickets: QuerySet, batch_size: int) -> list[Ticket]:
    if connection.features.has_select_for_update_skip_locked:
        tickets = tickets.select_for_update(skip_locked=True, of=("self",))
    return list(tickets[:batch_size])


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
