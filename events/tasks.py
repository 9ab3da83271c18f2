"""Thin Celery tasks over the event jobs (DESIGN §8)."""

from celery import shared_task

from .services import reminders_send_due


@shared_task(ignore_result=True)
def send_reminders() -> int:
    """Send the event reminders whose moment has come; each one once."""
    return reminders_send_due()
