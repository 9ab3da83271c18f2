"""Thin Celery tasks over the services (DESIGN §8): each reads what is due from the database
and is safe to run twice."""

from celery import shared_task

from .services import publish_due, remind_due
from .services.disclosures import disclosure_alert_overdue


@shared_task(ignore_result=True)
def publish_due_notices() -> int:
    return publish_due()


@shared_task(ignore_result=True)
def remind_unacknowledged() -> int:
    return remind_due()


@shared_task(ignore_result=True)
def alert_overdue_disclosures() -> int:
    return disclosure_alert_overdue()
