"""This app's Celery beat entries, merged into CELERY_BEAT_SCHEDULE by portal.settings.
Pure data: settings imports it before Django is set up.

One task per minute runs the three survey jobs in order (open, remind, close); each reads only
due rows and claims them, so a late or repeated run changes nothing twice. "expires" drops a
run that waited longer than its period instead of stacking them up."""

from datetime import timedelta

BEAT_SCHEDULE: dict = {
    "surveys-due": {
        "task": "surveys.tasks.run_due",
        "schedule": timedelta(minutes=1),
        "options": {"expires": 55},
    },
}
