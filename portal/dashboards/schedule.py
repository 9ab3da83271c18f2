"""This app's Celery beat entries, merged into CELERY_BEAT_SCHEDULE by portal.settings.
Pure data: settings imports it before Django is set up."""

from datetime import timedelta

BEAT_SCHEDULE: dict = {
    # Hourly rather than once at midnight: organisations live in different time zones, so
    # each one's "yesterday" completes at a different hour. A run with nothing new rebuilds
    # only the trailing window (a few thousand rows). "expires" drops a run that waited
    # longer than its period instead of stacking them up.
    "dashboards-refresh-rollups": {
        "task": "portal.dashboards.tasks.refresh_rollups",
        "schedule": timedelta(hours=1),
        "options": {"expires": 55 * 60},
    },
}
