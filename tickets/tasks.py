"""Thin Celery tasks over the ticket jobs (DESIGN §8). Beat runs them every minute; each reads
what is due from the database and records what it did, so a redelivered task, a second
worker or a missed tick changes nothing twice and loses nothing."""

from celery import shared_task

from .services import jobs, sla_job


@shared_task(ignore_result=True)
def sla_check() -> int:
    """Fire the escalation levels reached since the last run; with a backlog, other worker
    processes take a share of it (``sla_check_share``), each claiming other tickets."""
    for _helper in range(sla_job.sla_helpers_wanted()):
        sla_check_share.apply_async(expires=55)
    return sla_job.sla_process_due().fired


@shared_task(ignore_result=True)
def sla_check_share() -> int:
    """A share of a backlog: the same job, on the due tickets nobody else has claimed."""
    return sla_job.sla_process_due().fired


@shared_task(ignore_result=True)
def remind_waiting_owners() -> int:
    return jobs.remind_waiting_owners()


@shared_task(ignore_result=True)
def auto_close_resolved() -> int:
    return jobs.auto_close_resolved()
