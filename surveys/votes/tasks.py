"""Thin Celery tasks over the vote jobs (beat: every minute)."""

from celery import shared_task

from .services import votes_close_due, votes_open_due


@shared_task(ignore_result=True)
def open_due() -> int:
    return votes_open_due()


@shared_task(ignore_result=True)
def close_due() -> int:
    return votes_close_due()
