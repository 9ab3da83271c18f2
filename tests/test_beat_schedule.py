"""Every periodic job of every app (portal/settings.py and <app>/schedule.py) names a task the
worker knows, and drops a run that waited longer than its period instead of stacking them up
behind a slow or absent worker (DESIGN §8: with a second beat or a backlog, stacked runs are
the same job many times over)."""

from datetime import timedelta

import pytest
from celery.schedules import crontab
from django.conf import settings

from portal.celery import app

ENTRIES = sorted(settings.CELERY_BEAT_SCHEDULE.items())


def test_the_schedule_has_the_core_jobs():
    tasks = {entry["task"] for _name, entry in ENTRIES}
    assert {"tickets.tasks.sla_check", "communications.tasks.send_due_deliveries"} <= tasks


@pytest.mark.parametrize(("name", "entry"), ENTRIES, ids=[name for name, _entry in ENTRIES])
def test_each_job_names_a_registered_task(name, entry):
    app.loader.import_default_modules()
    assert entry["task"] in app.tasks, f"{name}: no task {entry['task']}"


@pytest.mark.parametrize(("name", "entry"), ENTRIES, ids=[name for name, _entry in ENTRIES])
def test_each_frequent_job_expires_within_its_period(name, entry):
    schedule = entry["schedule"]
    if isinstance(schedule, crontab) or name == "heartbeat":
        return  # daily jobs at a set hour; the heartbeat must not expire to stay meaningful
    period = schedule if isinstance(schedule, timedelta) else timedelta(seconds=schedule)
    expires = entry.get("options", {}).get("expires")
    if period <= timedelta(hours=1) and name != "purge-expired-invitations":
        assert expires is not None, f"{name} runs every {period} without 'expires'"
        assert expires <= period.total_seconds(), name
