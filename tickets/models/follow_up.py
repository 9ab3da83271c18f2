"""Follow-up calls (回访) after a low rating: a task for the managers of the ticket's property."""

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.tenancy.models import TenantModel

from .ticket import Ticket

# A rating at or below this opens a follow-up call (issue #6).
FOLLOW_UP_MAX_RATING = 2
# Managers are expected to call back within two days of the rating.
FOLLOW_UP_WITHIN = dt.timedelta(days=2)


class FollowUp(TenantModel):
    class Status(models.TextChoices):
        OPEN = "open", _("To call")
        DONE = "done", _("Called")

    ticket = models.ForeignKey(
        Ticket, on_delete=models.CASCADE, related_name="follow_ups", verbose_name=_("ticket")
    )
    due = models.DateTimeField(_("call by"))
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("manager"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    outcome = models.TextField(_("outcome of the call"), blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("called by"),
    )
    done_at = models.DateTimeField(_("called at"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("follow-up call")
        verbose_name_plural = _("follow-up calls")
        ordering = ["due", "pk"]
        constraints = [
            # A ticket is rated once, so it has at most one follow-up: a second rating
            # attempt (or a race between two) cannot open a second call.
            models.UniqueConstraint(fields=["ticket"], name="follow_up_one_per_ticket"),
        ]
        indexes = [
            models.Index(fields=["organization", "status", "due"], name="follow_up_open_due"),
        ]

    def __str__(self):
        return f"#{self.ticket_id} {self.status}"
