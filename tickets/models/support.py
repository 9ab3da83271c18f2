"""What staff and owners attach to tickets, and the ready answers: FAQ and canned responses."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.tenancy.models import TenantModel


def attachment_path(instance, filename: str) -> str:
    # The stored name never comes from the client: a random key under the organisation.
    return f"tickets/{instance.organization_id}/{instance.storage_key}{instance.extension}"


def thumbnail_path(instance, filename: str) -> str:
    return f"tickets/{instance.organization_id}/{instance.storage_key}-thumb.jpg"


class Attachment(TenantModel):
    """A photo (or, for staff, a PDF) on a ticket. Served only through an access-checked view,
    as an attachment with nosniff; images are re-encoded, EXIF-rotated and stripped of GPS."""

    ticket = models.ForeignKey(
        "tickets.Ticket", on_delete=models.CASCADE, related_name="attachments",
        verbose_name=_("ticket"),
    )
    entry = models.ForeignKey(
        "tickets.TimelineEntry", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="attachments",
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    is_public = models.BooleanField(_("visible to the owner"), default=True)
    storage_key = models.CharField(max_length=40, unique=True, editable=False)
    extension = models.CharField(max_length=8, editable=False)
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=200)
    thumbnail = models.ImageField(upload_to=thumbnail_path, max_length=200, blank=True)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField(_("size in bytes"))
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["organization", "ticket"], name="attachment_ticket")]

    def __str__(self):
        return self.original_name

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")


class FaqEntry(TenantModel):
    """An answer owners see while they type a request, so a common question needs no ticket."""

    category = models.ForeignKey(
        "tickets.Category", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="faq_entries", verbose_name=_("category"),
    )
    question = models.CharField(_("question"), max_length=200)
    answer = models.TextField(_("answer"))
    keywords = models.CharField(
        _("keywords"), max_length=300, blank=True,
        help_text=_("Extra words owners might use, separated by spaces or commas."),
    )
    is_published = models.BooleanField(_("published"), default=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("FAQ entry")
        verbose_name_plural = _("FAQ entries")
        ordering = ["sort_order", "question"]
        indexes = [models.Index(fields=["organization", "is_published"], name="faq_published")]

    def __str__(self):
        return self.question


class CannedResponse(TenantModel):
    """A reply staff insert with one click; placeholders such as {owner_name} {ticket_number}
    {unit} {staff_name} are filled from the ticket."""

    title = models.CharField(_("title"), max_length=100)
    body = models.TextField(_("text"))
    category = models.ForeignKey(
        "tickets.Category", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="canned_responses", verbose_name=_("category"),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("canned response")
        verbose_name_plural = _("canned responses")
        ordering = ["title"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "title"], name="canned_response_unique_title"
            )
        ]

    def __str__(self):
        return self.title
