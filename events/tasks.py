"""Thin Celery tasks over the event jobs (DESIGN §8)."""

from celery import shared_task

from .services import feedback_open_due, reminders_send_due


@shared_task(ignore_result=True)
def send_reminders() -> int:
    """Send the event reminders whose moment has come; each one once."""
    return reminders_send_due()


@shared_task(ignore_result=True)
def open_feedback() -> int:
    """Open the feedback surveys of events that ended a while ago; each one once."""
    return feedback_open_due()
