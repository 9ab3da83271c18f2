"""Sequential ticket numbers per organisation."""

from django.db import IntegrityError, transaction
from django.db.models import F

from ..models import TicketCounter


def ticket_number_next(*, organization_id: int) -> int:
    """The next number; call inside the transaction that creates the ticket.

    The UPDATE locks the counter row until that transaction ends, so concurrent submissions
    of one organisation take turns here (and a rolled-back submission gives its number back).
    """
    counters = TicketCounter.objects.filter(organization_id=organization_id)
    if not counters.update(last_number=F("last_number") + 1):
        try:
            with transaction.atomic():  # a savepoint: losing the race below is recoverable
                TicketCounter.objects.create(organization_id=organization_id, last_number=1)
                return 1
        except IntegrityError:
            counters.update(last_number=F("last_number") + 1)
    return counters.values_list("last_number", flat=True).get()
