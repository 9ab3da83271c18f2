"""Time `manage.py seed_demo` on the database that DATABASE_URL names (default: the SQLite file).

Migrates first (untimed), then runs the command twice: the first run shows the cost of seeding
(an empty database) and the second the cost of finding everything in place. Prints seconds,
rows added and queries for each run. Usage: `.venv/bin/python bench/bench_seed.py`.
"""

import os
import sys
import time
from io import StringIO
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

import django  # noqa: E402

django.setup()

from django.apps import apps  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django_scopes import scopes_disabled  # noqa: E402


def total_rows() -> int:
    models = [*apps.get_app_config("tenancy").get_models(), get_user_model()]
    through = apps.get_model("tenancy", "Membership").properties.through
    with scopes_disabled():
        return sum(model._base_manager.count() for model in [*models, through])


def main() -> None:
    call_command("migrate", verbosity=0, interactive=False)
    settings_db = connection.settings_dict
    print(f"database: {connection.vendor} {settings_db['NAME']}")
    print(f"{'run':<8}{'seconds':>9}{'rows added':>12}{'rows total':>12}{'queries':>9}")
    for run in (1, 2):
        before = total_rows()
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            call_command("seed_demo", stdout=StringIO())
            elapsed = time.perf_counter() - started
        after = total_rows()
        print(f"{run:<8}{elapsed:>9.2f}{after - before:>12}{after:>12}{len(queries):>9}")


if __name__ == "__main__":
    main()
