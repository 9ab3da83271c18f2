"""This app's Celery beat entries, merged into CELERY_BEAT_SCHEDULE by portal.settings.
Pure data: settings imports it before Django is set up."""

from datetime import timedelta

BEAT_SCHEDULE: dict = {
    # Reads only subscriptions whose next local morning has passed (indexed next_at); a
    # unique (person, day) row makes a second run send nothing. "expires" drops a run that
    # waited longer than its period instead of stacking them up.
    "communications-daily-digest": {
        "task": "communications.tasks.send_daily_digests",
        "schedule": timedelta(minutes=15),
        "options": {"expires": 14 * 60},
    },
}
