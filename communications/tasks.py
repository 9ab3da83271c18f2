"""Thin Celery tasks over communications.delivery; each is safe to run twice (DESIGN §8)."""

from celery import shared_task

from . import delivery


@shared_task
def send_deliveries(organization_id: int, first_notification_id: int, last_notification_id: int):
    """One batch of a notify call's outbox; a full batch first queues the task again for the
    rest, so the worker's processes share a large fan-out (each claim takes distinct rows)."""
    args = (organization_id, first_notification_id, last_notification_id)
    return delivery.send_batch(
        organization_id=organization_id, first_notification_id=first_notification_id,
        last_notification_id=last_notification_id,
        on_full_batch=lambda: send_deliveries.delay(*args),
    )


@shared_task
def send_due_deliveries():
    """Beat, every minute: retries after back-off, messages held by quiet hours."""
    return delivery.send_due()


@shared_task
def send_daily_digests():
    """Beat, every 15 minutes: the digests whose local morning has come (once per day)."""
    from . import digest

    return digest.digest_send_due()
