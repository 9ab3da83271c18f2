"""The notification centre: what each person was told (Notification), how it leaves the site
(Delivery, one outbox row per channel) and how each person wants to be told (preferences).

A notification belongs to one organisation and one recipient; its title and body are rendered
in the recipient's language when it is created, so the list page needs no per-row work.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from portal.tenancy.models import Organization, TenantModel


class Topic(models.TextChoices):
    """What a preference is about: kinds of notifications grouped as people think of them."""

    TICKETS = "tickets", _("Requests and tickets")
    ESCALATIONS = "escalations", _("Escalations (staff)")
    NOTICES = "notices", _("Notices")
    SURVEYS = "surveys", _("Surveys and votes")
    EVENTS = "events", _("Community events")


class Notification(TenantModel):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications",
        verbose_name=_("recipient"),
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("by"),
    )
    kind = models.CharField(_("kind"), max_length=50)
    title = models.CharField(_("title"), max_length=300)
    body = models.TextField(_("text"), blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    # What it is about, as "app_label.model" and that object's key (a ticket's number).
    object_type = models.CharField(max_length=60, blank=True)
    object_key = models.CharField(max_length=60, blank=True)
    urgent = models.BooleanField(_("urgent"), default=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [
            # The bell's unread count and the person's own list across organisations.
            models.Index(
                fields=["recipient", "read_at", "created_at"], name="notification_recipient"
            ),
            models.Index(
                fields=["organization", "recipient", "created_at"], name="notification_org"
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class Delivery(TenantModel):
    """An email or text message to send for one notification: the outbox row of STYLE.

    UNIQUE (notification, channel) makes creating it idempotent; a worker claims rows with a
    conditional UPDATE (status queued → sending), so a task run twice sends each one once.
    """

    class Channel(models.TextChoices):
        EMAIL = "email", _("Email")
        SMS = "sms", pgettext_lazy("channel", "Text message")

    class Status(models.TextChoices):
        QUEUED = "queued", pgettext_lazy("delivery", "Queued")
        SENDING = "sending", pgettext_lazy("delivery", "Sending")
        SENT = "sent", pgettext_lazy("delivery", "Sent")
        FAILED = "failed", pgettext_lazy("delivery", "Failed")

    notification = models.ForeignKey(
        Notification, on_delete=models.CASCADE, related_name="deliveries",
        verbose_name=_("notification"),
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    # Not before: quiet hours and retry back-off; the periodic job sends what has come due.
    not_before = models.DateTimeField(_("not before"), default=timezone.now)
    claim = models.UUIDField(null=True, blank=True, editable=False)
    claimed_at = models.DateTimeField(null=True, blank=True, editable=False)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        constraints = [
            models.UniqueConstraint(
                fields=["notification", "channel"], name="delivery_once_per_channel"
            )
        ]
        indexes = [
            # Exactly the periodic job's query: what is waiting and has come due.
            models.Index(
                fields=["not_before"], name="delivery_due",
                condition=models.Q(status="queued"),
            ),
            models.Index(fields=["organization", "created_at"], name="delivery_org"),
        ]

    def __str__(self):
        return f"{self.channel} #{self.notification_id} ({self.status})"


class NotificationPreference(models.Model):
    """A person's channels for one topic. Without a row the defaults of
    :mod:`communications.preferences` apply. ``organization`` empty: everywhere; a row for an
    organisation wins over that."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
        related_name="notification_preferences", verbose_name=_("user"),
    )
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, null=True, blank=True,
        verbose_name=_("organisation"),
    )
    topic = models.CharField(_("topic"), max_length=20, choices=Topic.choices)
    email = models.BooleanField(_("email"), default=True)
    sms = models.BooleanField(pgettext_lazy("channel", "text message"), default=False)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "topic"], condition=models.Q(organization__isnull=True),
                name="preference_unique_everywhere",
            ),
            models.UniqueConstraint(
                fields=["user", "organization", "topic"],
                condition=models.Q(organization__isnull=False),
                name="preference_unique_per_org",
            ),
        ]

    def __str__(self):
        return f"{self.user_id} {self.topic}"


class QuietHours(models.Model):
    """Email and text messages wait until ``end`` when created between ``start`` and ``end``
    (in the organisation's time zone); urgent and emergency messages do not wait."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="quiet_hours",
        verbose_name=_("user"),
    )
    start = models.TimeField(_("quiet from"))
    end = models.TimeField(_("quiet until"))

    class Meta:
        verbose_name = _("quiet hours")
        verbose_name_plural = _("quiet hours")

    def __str__(self):
        return f"{self.user_id} {self.start}–{self.end}"


class DigestSubscription(models.Model):
    """A person who asked for the optional daily digest email (off unless this row exists).

    ``next_at`` (indexed) is the next local morning in ``time_zone``: the hourly job reads only
    the rows that have come due."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="digest_subscription",
        verbose_name=_("user"),
    )
    time_zone = models.CharField(_("time zone"), max_length=64)
    next_at = models.DateTimeField(_("next digest at"), db_index=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("daily digest subscription")
        verbose_name_plural = _("daily digest subscriptions")

    def __str__(self):
        return f"{self.user_id} digest"


class DigestSent(models.Model):
    """One row per person and local day: UNIQUE (user, day) makes the digest go out once
    even when the job runs twice or two workers race."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+",
        verbose_name=_("user"),
    )
    day = models.DateField(_("day"))
    run = models.UUIDField(editable=False)
    notifications = models.PositiveIntegerField(_("notifications"), default=0)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("daily digest sent")
        verbose_name_plural = _("daily digests sent")
        constraints = [
            models.UniqueConstraint(fields=["user", "day"], name="digest_once_per_day")
        ]

    def __str__(self):
        return f"{self.user_id} {self.day}"
