"""This app's Celery beat entries, merged into CELERY_BEAT_SCHEDULE by portal.settings.
Pure data: settings imports it before Django is set up."""

BEAT_SCHEDULE: dict = {
    # Every minute; a run that finds nothing due costs one indexed query. Runs that overlap or
    # repeat publish and remind nothing twice (conditional UPDATE claims).
    "notices-publish-due": {
        "task": "notices.tasks.publish_due_notices",
        "schedule": 60.0,
        "options": {"expires": 50},
    },
    "notices-remind-due": {
        "task": "notices.tasks.remind_unacknowledged",
        "schedule": 60.0,
        "options": {"expires": 50},
    },
    # Hourly is plenty for a due day; the alert table makes it once per item and due day.
    "notices-disclosures-overdue": {
        "task": "notices.tasks.alert_overdue_disclosures",
        "schedule": 3600.0,
        "options": {"expires": 3000},
    },
}
