"""This app's Celery beat entries, merged into CELERY_BEAT_SCHEDULE by portal.settings.
Pure data: settings imports it before Django is set up."""

from datetime import timedelta

BEAT_SCHEDULE: dict = {
    # Reads only events whose next reminder moment has come; "expires" drops a run that
    # waited longer than its period instead of stacking them up.
    "events-reminders": {
        "task": "events.tasks.send_reminders",
        "schedule": timedelta(minutes=1),
        "options": {"expires": 55},
    },
    # Opens feedback surveys after events end; a claimed event is never opened twice.
    "events-feedback": {
        "task": "events.tasks.open_feedback",
        "schedule": timedelta(minutes=5),
        "options": {"expires": 290},
    },
}
