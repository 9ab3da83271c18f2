"""This app's Celery beat entries, merged into CELERY_BEAT_SCHEDULE by portal.settings.
Pure data: settings imports it before Django is set up."""

BEAT_SCHEDULE: dict = {
    "votes-open-due": {
        "task": "surveys.votes.tasks.open_due", "schedule": 60.0, "options": {"expires": 55},
    },
    "votes-close-due": {
        "task": "surveys.votes.tasks.close_due", "schedule": 60.0, "options": {"expires": 55},
    },
}
