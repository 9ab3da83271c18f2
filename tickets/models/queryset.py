"""Ticket querysets whose bulk writes move the organisation's ticket-list generation
(:mod:`tickets.memory`). Saves and deletes, a queryset's delete included (its collector sends
a signal per row), do it through signals (tickets.signals)."""

from django.db import models, transaction
from django_scopes import ScopedManager

from ..memory import forget, forget_queryset


class TicketQuerySet(models.QuerySet):
    # Forgotten before the write and, inside the transaction, again after its commit; the
    # transaction makes sure there is an "after" even for a caller in autocommit.
    def update(self, **kwargs):
        with transaction.atomic(using=self.db, savepoint=False):
            forget_queryset(self)
            return super().update(**kwargs)

    update.alters_data = True

    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        with transaction.atomic(using=self.db, savepoint=False):
            forget({obj.organization_id for obj in objs})
            return super().bulk_create(objs, *args, **kwargs)

    def bulk_update(self, objs, *args, **kwargs):
        objs = list(objs)
        with transaction.atomic(using=self.db, savepoint=False):
            forget({obj.organization_id for obj in objs})
            return super().bulk_update(objs, *args, **kwargs)


def ticket_manager():
    return ScopedManager(
        _manager_class=models.Manager.from_queryset(TicketQuerySet), organization="organization"
    )
