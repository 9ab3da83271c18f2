"""Sequential ticket numbers per organisation."""

from django.db import IntegrityError, connection, transaction

from ..models import TicketCounter

_NEXT = (
    f"UPDATE {TicketCounter._meta.db_table} SET last_number = last_number + 1 "  # noqa: S608  # nosec B608
    "WHERE organization_id = %s RETURNING last_number"
)


def _increment(organization_id: int) -> int | None:
    # One round trip (the ORM's update cannot return the new value): the row stays locked
    # from here to the commit, so every statement saved here is time other filers wait.
    with connection.cursor() as cursor:
        cursor.execute(_NEXT, [organization_id])
        row = cursor.fetchone()
    return row[0] if row else None


def ticket_number_next(*, organization_id: int) -> int:
    """The next number; call inside the transaction that creates the ticket.

    The UPDATE locks the counter row until that transaction ends, so concurrent submissions
    of one organisation take turns here (and a rolled-back submission gives its number back).
    """
    number = _increment(organization_id)
    if number is not None:
        return number
    try:
        with transaction.atomic():  # a savepoint: losing the race below is recoverable
            TicketCounter.objects.create(organization_id=organization_id, last_number=1)
            return 1
    except IntegrityError:
        return _increment(organization_id)
