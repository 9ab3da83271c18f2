"""Community events (社区活动): the event, people's registrations (报名) with a waitlist (候补),
the reminders already sent, and each person's private calendar feed.

Capacity counts people, not registrations: a registration brings ``party_size`` people
(the owner and household members). Seats are handed out only while the event's row is
locked (see :mod:`events.services.registrations`), so capacity holds under concurrency.
"""

import builtins
import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from portal.tenancy.models import Building, Property, TenantModel, Unit


def new_token() -> str:
    return secrets.token_urlsafe(24)


class Event(TenantModel):
    class Status(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("event status", "Draft")
        PUBLISHED = "published", pgettext_lazy("event status", "Published")
        CANCELLED = "cancelled", pgettext_lazy("event status", "Cancelled")

    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    cover = models.FileField(_("cover image"), upload_to="events/covers/", blank=True)
    cover_type = models.CharField(max_length=40, blank=True)
    # Audience: a building, a property, or (both empty) the whole organisation.
    property = models.ForeignKey(
        Property, on_delete=models.CASCADE, null=True, blank=True, related_name="+",
        verbose_name=pgettext_lazy("residential community", "property"),
    )
    building = models.ForeignKey(
        Building, on_delete=models.CASCADE, null=True, blank=True, related_name="+",
        verbose_name=_("building"),
    )
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    place = models.CharField(_("place"), max_length=200)
    capacity = models.PositiveIntegerField(_("capacity (people)"))
    max_party_size = models.PositiveSmallIntegerField(
        _("largest party per registration"), default=1
    )
    registration_opens_at = models.DateTimeField(_("registration opens"), null=True, blank=True)
    registration_closes_at = models.DateTimeField(_("registration closes"), null=True, blank=True)
    price_text = models.CharField(_("price"), max_length=100, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    # Minutes before the start; empty means the app's default (settings EVENTS_REMINDERS).
    reminder_offsets = models.JSONField(_("reminders (minutes before)"), default=list, blank=True)
    # When the reminder job must next look at this event; indexed so the job reads only due rows.
    next_reminder_at = models.DateTimeField(null=True, blank=True, editable=False)
    # The feedback survey its attendees get after it ends (a draft of the surveys app until
    # the feedback job opens it; see events.services.feedback).
    feedback_survey = models.OneToOneField(
        "surveys.Survey", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("feedback survey"),
    )
    # When the feedback job must open it (None: nothing to do); indexed like next_reminder_at.
    feedback_due_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Set by the job's conditional UPDATE: the claim that opens the survey once.
    feedback_opened_at = models.DateTimeField(null=True, blank=True, editable=False)
    feedback_claim = models.UUIDField(null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")),
                                   name="event_ends_after_start"),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="event_capacity_positive"),
            models.CheckConstraint(condition=Q(max_party_size__gte=1),
                                   name="event_party_positive"),
        ]
        indexes = [
            models.Index(fields=["organization", "status", "starts_at"]),
            models.Index(fields=["organization", "property", "starts_at"]),
            models.Index(fields=["next_reminder_at"], name="event_reminder_due",
                         condition=Q(next_reminder_at__isnull=False)),
            models.Index(fields=["feedback_due_at"], name="event_feedback_due",
                         condition=Q(feedback_due_at__isnull=False)),
            models.Index(fields=["feedback_claim"], name="event_feedback_claim",
                         condition=Q(feedback_claim__isnull=False)),
        ]

    def __str__(self):
        return self.title

    # ``property`` above is a field: the decorator is spelled out.
    @builtins.property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    @builtins.property
    def is_cancelled(self) -> bool:
        return self.status == self.Status.CANCELLED


class Registration(TenantModel):
    class Status(models.TextChoices):
        CONFIRMED = "confirmed", pgettext_lazy("registration status", "Confirmed")
        WAITLISTED = "waitlisted", pgettext_lazy("registration status", "On the waitlist")
        CANCELLED = "cancelled", pgettext_lazy("registration status", "Cancelled")

    ACTIVE = (Status.CONFIRMED, Status.WAITLISTED)

    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="registrations", verbose_name=_("event")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+",
        verbose_name=_("registered person"),
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("unit"),
    )
    party_size = models.PositiveSmallIntegerField(_("party size"), default=1)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    # The waitlist is ordered by this (and the primary key on a tie).
    created_at = models.DateTimeField(_("registered at"), auto_now_add=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    checkin_token = models.CharField(max_length=64, unique=True, default=new_token)
    checked_in_at = models.DateTimeField(_("checked in at"), null=True, blank=True)
    checked_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "user"], condition=~Q(status="cancelled"),
                name="registration_one_active_per_person",
            ),
            models.CheckConstraint(condition=Q(party_size__gte=1),
                                   name="registration_party_positive"),
        ]
        indexes = [
            models.Index(fields=["organization", "event", "status", "created_at"]),
            models.Index(fields=["organization", "user", "status"]),
        ]

    def __str__(self):
        return f"{self.user_id} → {self.event_id} ({self.status})"


class Reminder(TenantModel):
    """One reminder sent for one registration at one offset: the unique row is the proof."""

    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="+")
    offset_minutes = models.PositiveIntegerField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["registration", "offset_minutes"], name="reminder_once_per_offset"
            )
        ]
        indexes = [models.Index(fields=["organization", "registration"])]


class CalendarFeed(TenantModel):
    """A person's private iCalendar feed: the random token in its URL is the credential."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    token = models.CharField(max_length=64, unique=True, default=new_token)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization", "user"], name="calendar_feed_per_user")
        ]
