"""Thin Celery tasks over the ticket jobs (DESIGN §8). Beat runs them every minute; each reads
what is due from the database and records what it did, so a redelivered task, a second
worker or a missed tick changes nothing twice and loses nothing."""

from celery import shared_task

from .services import jobs, sla_job


@shared_task(ignore_result=True)
def sla_check() -> int:
    """Fire the escalation levels reached since the last run."""
    return sla_job.sla_process_due().fired


@shared_task(ignore_result=True)
def remind_waiting_owners() -> int:
    return jobs.remind_waiting_owners()


@shared_task(ignore_result=True)
def auto_close_resolved() -> int:
    return jobs.auto_close_resolved()
