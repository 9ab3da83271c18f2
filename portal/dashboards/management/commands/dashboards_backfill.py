"""Fill the dashboards' daily rollups for past days (after installing, or after a bulk
import of tickets): ``manage.py dashboards_backfill [--org slug] [--start D] [--end D]``."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django_scopes import scopes_disabled

from portal.dashboards.rollup.refresh import backfill
from portal.tenancy.models import Organization


class Command(BaseCommand):
    help = "Rebuild the dashboards' daily rollups for past days (default: all of them)."

    def add_arguments(self, parser):
        parser.add_argument("--org", action="append", help="organisation slug (repeatable)")
        parser.add_argument("--start", type=dt.date.fromisoformat,
                            help="first local day (default: the first ticket's)")
        parser.add_argument("--end", type=dt.date.fromisoformat,
                            help="last local day (default and at most: yesterday)")
        parser.add_argument("--chunk-days", type=int, default=31,
                            help="days per transaction")

    def handle(self, *args, **options):
        organizations = None
        if options["org"]:
            with scopes_disabled():
                organizations = list(Organization.objects.filter(slug__in=options["org"]))
            if len(organizations) != len(set(options["org"])):
                raise CommandError("unknown organisation slug")

        def progress(org, first, last):
            if options["verbosity"] > 1:
                self.stdout.write(f"{org.slug}: {first} … {last}")

        days = backfill(start=options["start"], end=options["end"],
                        organizations=organizations, chunk_days=options["chunk_days"],
                        progress=progress)
        self.stdout.write(f"{days} organisation-days rolled up")
