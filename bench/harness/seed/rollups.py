"""The dashboards' daily rollups over the seeded tickets, as an installation builds them once
(``manage.py dashboards_backfill``), so that dashboards are measured as in production: complete
past days from the rollup tables, today live."""

from django.db import connection

from portal.dashboards.rollup.refresh import backfill

NAME = "rollups"


def seed(ctx) -> dict:
    with connection.cursor() as cursor:
        # The tickets were just loaded: without statistics the planner would scan them all
        # for every chunk of days.
        cursor.execute("ANALYZE tickets_ticket")
    days = backfill()
    with connection.cursor() as cursor:
        cursor.execute("SELECT (SELECT count(*) FROM dashboards_ticketdaystats), "
                       "(SELECT count(*) FROM dashboards_ticketdaydurations)")
        stats, durations = cursor.fetchone()
    return {"organisation_days": days, "stats_rows": stats, "duration_rows": durations}
