"""Thin Celery task over the rollup rebuild (DESIGN §8): idempotent, it reads what to rebuild
from the database (the coverage rows), so a redelivered or doubled run changes nothing."""

from celery import shared_task

from .rollup.refresh import refresh


@shared_task(ignore_result=True)
def refresh_rollups() -> int:
    """Roll up the days completed since the last run and re-read the trailing window."""
    return refresh()
