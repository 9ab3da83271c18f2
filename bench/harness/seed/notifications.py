"""The notification centre's rows: owners told about their tickets, most of them read."""

from datetime import timedelta

from communications.models import Notification

from .copy import bulk_load, copy_rows

NAME = "notifications"


def seed(ctx) -> dict:
    counts, rng, now, world = ctx.counts, ctx.rng("notifications"), ctx.now, ctx.world
    slugs = dict(world["orgs"])
    units, owner_of_unit = world["units"], world["owner_of_unit"]

    def rows():
        for _index in range(counts.notifications):
            unit_id, org_id, _property, _building = rng.choice(units)
            number = rng.randint(1, 5000)
            created = now - timedelta(minutes=rng.uniform(1, 90 * 24 * 60))
            read = created + timedelta(hours=2) if rng.random() < 0.7 else None
            yield (org_id, owner_of_unit[unit_id], "ticket.status", f"您的报修 #{number} 已更新",
                   f"/o/{slugs[org_id]}/requests/{number}/", "tickets.ticket", str(number),
                   created, read)

    columns = ["organization_id", "recipient_id", "kind", "title", "url", "object_type",
               "object_key", "created_at", "read_at"]
    with bulk_load(Notification):
        written = copy_rows(Notification, columns, rows(), now=now)
    return {"notifications": written}
