"""Thin Celery tasks over the survey jobs (DESIGN §8)."""

from celery import shared_task

from .services import surveys_close_due, surveys_open_due, surveys_remind_due


@shared_task(ignore_result=True)
def run_due() -> dict:
    """Open what is due, remind those who have not answered, close what has run out."""
    return {
        "opened": surveys_open_due(),
        "reminded": surveys_remind_due(),
        "closed": surveys_close_due(),
    }
