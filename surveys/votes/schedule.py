"""This app's Celery beat entries, merged into CELERY_BEAT_SCHEDULE by portal.settings.
Pure data: settings imports it before Django is set up."""

BEAT_SCHEDULE: dict = {}
