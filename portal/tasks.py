from celery import shared_task
from django.core.cache import cache
from django.utils import timezone

HEARTBEAT_KEY = "celery:heartbeat"


@shared_task
def heartbeat():
    """Beat schedules this and a worker runs it: /healthz shows how long ago that last worked."""
    cache.set(HEARTBEAT_KEY, timezone.now().isoformat(), timeout=None)
