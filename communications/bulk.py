"""Writing many notifications and their outbox rows at once (``services._write``).

On PostgreSQL the rows go in with COPY: for a notice to 20,000 owners, Django building the
parameters of ``bulk_create`` (and model instances to feed it) cost more than the database's
own work. The notifications' ids are taken from their sequence first, so that the outbox rows
can name them and the delivery task's id ranges work as before. Other databases (SQLite in
development and tests) use ``bulk_create``.

Rows are plain tuples in the column order below, so that neither path needs a model instance
per row before it is written.
"""

import contextlib
import datetime as dt
from collections.abc import Sequence

from django.db import connection, transaction

from .models import Delivery, Notification

BULK_BATCH = 1000

NOTIFICATION_COLUMNS = (
    "organization_id", "recipient_id", "actor_id", "kind", "title", "body", "url",
    "object_type", "object_key", "urgent", "created_at",
)
# (index of its notification in the rows passed along, organization_id, channel, not_before,
# created_at)
OutboxRow = tuple[int, int, str, dt.datetime, dt.datetime]


def write_notifications(
    notifications: Sequence[tuple], outbox: Sequence[OutboxRow]
) -> list[int]:
    """Insert ``notifications`` (tuples in NOTIFICATION_COLUMNS order) and their outbox rows;
    returns the notifications' ids, in order. Inside the caller's transaction."""
    if not notifications:
        return []
    # All or nothing even for a caller in autocommit; free inside a transaction.
    with transaction.atomic(savepoint=False):
        if connection.vendor == "postgresql":
            return _copy(notifications, outbox)
        return _bulk_create(notifications, outbox)


def _bulk_create(notifications, outbox) -> list[int]:
    created = Notification.objects.bulk_create(
        [Notification(**dict(zip(NOTIFICATION_COLUMNS, row, strict=True)))
         for row in notifications],
        batch_size=BULK_BATCH,
    )
    ids = [notification.pk for notification in created]
    Delivery.objects.bulk_create(
        [Delivery(notification_id=ids[index], organization_id=organization_id,
                  channel=channel, not_before=not_before, created_at=created_at)
         for index, organization_id, channel, not_before, created_at in outbox],
        batch_size=BULK_BATCH, ignore_conflicts=True,
    )
    return ids


def _copy(notifications, outbox) -> list[int]:
    """Reserve ids, then COPY both tables: three statements whatever the number of rows.

    ``bulk_create(ignore_conflicts=True)`` of the outbox rows (ON CONFLICT DO NOTHING) cannot
    meet a conflict here, so COPY needs no staging table: the only unique key besides the id
    is (notification, channel); every outbox row names a notification whose id was taken from
    the sequence just now (had a row with that id existed, the first COPY would have failed
    on the primary key, as bulk_create would), no committed row can reference a notification
    that did not exist, and the caller passes each channel of a notification once.
    """
    notification_table = Notification._meta.db_table
    delivery_table = Delivery._meta.db_table
    with connection.cursor() as cursor:
        # Taken one by one, so concurrent writers may interleave: the ids need not be
        # contiguous, only unique (the delivery task takes a range and filters by it).
        cursor.execute(
            "SELECT nextval(sequence) FROM pg_get_serial_sequence(%s, 'id') AS sequence, "
            "generate_series(1, %s)",
            [notification_table, len(notifications)],
        )
        ids = sorted(row[0] for row in cursor.fetchall())
        copy_rows(
            cursor, notification_table, ("id", *NOTIFICATION_COLUMNS),
            ((pk, *row) for pk, row in zip(ids, notifications, strict=True)),
        )
        if outbox:
            copy_rows(
                cursor, delivery_table,
                ("notification_id", "organization_id", "channel", "not_before", "created_at",
                 "status", "attempts", "last_error"),
                ((ids[index], organization_id, channel, not_before, created_at,
                  Delivery.Status.QUEUED.value, 0, "")
                 for index, organization_id, channel, not_before, created_at in outbox),
            )
    return ids


def copy_rows(cursor, table: str, columns: Sequence[str], rows) -> None:
    """COPY ``rows`` (tuples in ``columns`` order) into ``table`` through a Django cursor."""
    sql = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
    # Logged like any other statement when DEBUG is on, so query counts stay honest.
    log = getattr(cursor, "debug_sql", None)
    with (log(sql) if log else contextlib.nullcontext()), cursor.cursor.copy(sql) as copy:
        for row in rows:
            copy.write_row(row)

