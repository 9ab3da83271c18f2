"""A notice, who it is for, its earlier versions and files, and one receipt per recipient."""

import builtins
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from portal.tenancy.models import Building, Property, TenantModel, Unit


def new_storage_key() -> str:
    """A random file name: never the uploader's."""
    return secrets.token_hex(16)


class Category(models.TextChoices):
    GENERAL = "general", pgettext_lazy("notice category", "General")
    OUTAGE = "outage", pgettext_lazy("notice category", "Water or power outage")
    SAFETY = "safety", pgettext_lazy("notice category", "Safety")
    EMERGENCY = "emergency", pgettext_lazy("notice category", "Emergency")
    EVENT = "event", pgettext_lazy("notice category", "Event")
    POLICY = "policy", pgettext_lazy("notice category", "Policy")
    DISCLOSURE = "disclosure", pgettext_lazy("notice category", "Disclosure")


class Status(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("notice status", "Draft")
    SCHEDULED = "scheduled", pgettext_lazy("notice status", "Scheduled")
    PUBLISHED = "published", pgettext_lazy("notice status", "Published")
    ARCHIVED = "archived", pgettext_lazy("notice status", "Archived")


class Notice(TenantModel):
    Category = Category
    Status = Status

    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), help_text=_("Markdown: **bold**, lists, links."))
    category = models.CharField(
        pgettext_lazy("notice category", "category"), max_length=12, choices=Category.choices,
        default=Category.GENERAL,
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    whole_organization = models.BooleanField(_("everyone in the organisation"), default=False)
    pinned = models.BooleanField(_("pinned"), default=False)
    ack_required = models.BooleanField(_("acknowledgement required"), default=False)
    ack_deadline = models.DateTimeField(_("acknowledge by"), null=True, blank=True)
    # When the beat job must publish a scheduled notice; indexed with the status.
    publish_at = models.DateTimeField(_("publish at"), null=True, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    # When the reminder job must remind those who have not acknowledged; cleared once done.
    remind_at = models.DateTimeField(null=True, blank=True, editable=False)
    version = models.PositiveIntegerField(_("version"), default=1)
    # Set when a published notice is edited: owners who read it earlier see "updated".
    content_updated_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+",
        verbose_name=_("author"),
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        ordering = ["-pinned", "-published_at", "-pk"]
        indexes = [
            models.Index(fields=["organization", "status", "publish_at"], name="notice_due"),
            models.Index(fields=["organization", "status", "published_at"],
                         name="notice_published"),
            models.Index(fields=["remind_at"], name="notice_remind_due",
                         condition=models.Q(remind_at__isnull=False)),
            models.Index(fields=["publish_at"], name="notice_publish_due",
                         condition=models.Q(status="scheduled")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="scheduled") | models.Q(publish_at__isnull=False),
                name="notice_scheduled_has_time",
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def is_emergency(self) -> bool:
        return self.category == Category.EMERGENCY

    @property
    def is_expired(self) -> bool:
        return self.expires_at is not None and self.expires_at <= timezone.now()


class NoticeVersion(TenantModel):
    """What a notice said before an edit (and the first text): the history owners can read."""

    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"))
    category = models.CharField(max_length=12, choices=Category.choices)
    change_note = models.CharField(_("what changed"), max_length=300, blank=True)
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["notice", "number"], name="notice_version_unique")
        ]
        indexes = [models.Index(fields=["organization", "notice"], name="notice_version_notice")]


class NoticeAudience(TenantModel):
    """One property, building or unit a notice is for (none: ``whole_organization``).
    ``property`` is always set, also for buildings and units, so that a staff member's scope
    filters notices without joins."""

    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="audience")
    property = models.ForeignKey(Property, on_delete=models.CASCADE, related_name="+")
    building = models.ForeignKey(
        Building, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, null=True, blank=True,
                             related_name="+")

    class Meta:
        indexes = [
            models.Index(fields=["organization", "notice"], name="notice_audience_notice"),
            models.Index(fields=["organization", "property"], name="notice_audience_property"),
        ]


def _attachment_path(instance, filename):
    return f"notices/{instance.organization_id}/{instance.storage_key}{instance.extension}"


class NoticeAttachment(TenantModel):
    """A PDF or picture on a notice; served only through an access-checked view."""

    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="attachments")
    storage_key = models.CharField(max_length=40, unique=True, default=new_storage_key,
                                   editable=False)
    extension = models.CharField(max_length=8, editable=False)
    file = models.FileField(upload_to=_attachment_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["pk"]
        indexes = [models.Index(fields=["organization", "notice"], name="notice_attach_notice")]

    def __str__(self):
        return self.original_name

    @builtins.property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")


class NoticeReceipt(TenantModel):
    """A recipient's copy of a published notice: written in bulk at publication, one per
    (notice, person). Proof of delivery: when, on which channels, read and acknowledged when,
    and paper delivery for people who do not use the web."""

    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="receipts")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="+")
    # The unit through which the person is in the audience (the first one): the printable
    # list for door-to-door delivery is by building and unit.
    unit = models.ForeignKey(Unit, on_delete=models.SET_NULL, null=True, related_name="+")
    delivered_at = models.DateTimeField()
    channel = models.CharField(max_length=40)  # "web", "web,email", "web,email,sms"
    read_at = models.DateTimeField(null=True, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    paper_delivered_at = models.DateTimeField(null=True, blank=True)
    paper_delivered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )
    reminded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["notice", "user"], name="notice_receipt_unique")
        ]
        indexes = [
            models.Index(fields=["organization", "user", "notice"], name="notice_receipt_user"),
            models.Index(fields=["organization", "notice", "unit"], name="notice_receipt_unit"),
        ]


class OutageTicketLink(TenantModel):
    """A ticket about the outage a notice announces: staff answer them all at once."""

    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="ticket_links")
    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.CASCADE, related_name="+")
    linked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                  null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["notice", "ticket"], name="notice_ticket_unique")
        ]
        indexes = [models.Index(fields=["organization", "notice"], name="notice_ticket_notice")]
