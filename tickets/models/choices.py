"""Choices shared by several ticket models (kept apart to avoid import cycles)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Priority(models.TextChoices):
    URGENT = "urgent", pgettext_lazy("ticket priority", "Urgent")
    HIGH = "high", pgettext_lazy("ticket priority", "High")
    NORMAL = "normal", pgettext_lazy("ticket priority", "Normal")
    LOW = "low", pgettext_lazy("ticket priority", "Low")


class Channel(models.TextChoices):
    WEB = "web", pgettext_lazy("ticket channel", "Web")
    PHONE = "phone", pgettext_lazy("ticket channel", "Phone")
    WALK_IN = "walk_in", pgettext_lazy("ticket channel", "Walk-in")
    OTHER = "other", pgettext_lazy("ticket channel", "Other")


class Status(models.TextChoices):
    NEW = "new", pgettext_lazy("ticket status", "Submitted")
    ACCEPTED = "accepted", pgettext_lazy("ticket status", "Accepted")
    IN_PROGRESS = "in_progress", pgettext_lazy("ticket status", "In progress")
    WAITING_ON_OWNER = "waiting_on_owner", pgettext_lazy("ticket status", "Waiting on owner")
    RESOLVED = "resolved", pgettext_lazy("ticket status", "Resolved")
    CLOSED = "closed", pgettext_lazy("ticket status", "Closed")
    CANCELLED = "cancelled", pgettext_lazy("ticket status", "Cancelled")


OPEN_STATUSES = (Status.NEW, Status.ACCEPTED, Status.IN_PROGRESS, Status.WAITING_ON_OWNER)
# The resolution timer stops while the ticket waits on its owner and once it is resolved.
RESOLUTION_RUNNING_STATUSES = (Status.NEW, Status.ACCEPTED, Status.IN_PROGRESS)


class Timer(models.TextChoices):
    FIRST_RESPONSE = "first_response", _("First response")
    RESOLUTION = "resolution", _("Resolution")


class Notify(models.TextChoices):
    ASSIGNEE = "assignee", _("Assignee")
    TEAM_LEAD = "team_lead", _("Team lead")
    MANAGER = "manager", _("Manager")
