"""The disclosure register (公示): what the law (PRC Civil Code arts. 281, 943) obliges the
management company to disclose, on a schedule, as publications that never change once
published (a correction is a new version saying what changed)."""

import builtins

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from portal.tenancy.models import Property, TenantModel

from .notice import new_storage_key


class Kind(models.TextChoices):
    SERVICES = "services", _("Services provided and their standards")
    FEES = "fees", _("Fee items and rates")
    FUND_RAISING = "fund_raising", _("Maintenance fund: raising")
    FUND_USE = "fund_use", _("Maintenance fund: use")
    COMMON_INCOME = "common_income", _("Income from common areas")
    CONTRACTS = "contracts", _("Contracts and contractors")
    OTHER = "other", pgettext_lazy("disclosure kind", "Other")


class Schedule(models.TextChoices):
    MONTHLY = "monthly", _("Monthly")
    QUARTERLY = "quarterly", _("Quarterly")
    YEARLY = "yearly", _("Yearly")


class DisclosureItem(TenantModel):
    Kind = Kind
    Schedule = Schedule

    property = models.ForeignKey(
        Property, on_delete=models.CASCADE, null=True, blank=True, related_name="+",
        verbose_name=pgettext_lazy("residential community", "property"),
        help_text=_("Leave empty for every property."),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    schedule = models.CharField(_("due"), max_length=10, choices=Schedule.choices,
                                default=Schedule.QUARTERLY)
    # The day the next publication is due; the overdue job reads items whose day has passed.
    next_due_on = models.DateField(_("next due on"))
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("disclosure item")
        verbose_name_plural = _("disclosure items")
        ordering = ["kind", "title"]
        indexes = [models.Index(fields=["organization", "is_active", "next_due_on"],
                                name="disclosure_item_due")]

    def __str__(self):
        return self.title

    @builtins.property
    def is_overdue(self) -> bool:
        return self.next_due_on < timezone.localdate()


class DisclosurePublication(TenantModel):
    """One published disclosure of an item for a period. Never updated once published: the
    services refuse it; a correction is a new row with ``corrects`` and ``change_note``."""

    item = models.ForeignKey(DisclosureItem, on_delete=models.CASCADE,
                             related_name="publications")
    period = models.CharField(_("period"), max_length=40, help_text=_("e.g. 2026 Q3"))
    version = models.PositiveIntegerField(_("version"), default=1)
    body = models.TextField(_("text"), help_text=_("Markdown: tables of figures, lists."))
    corrects = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="corrections")
    change_note = models.CharField(_("what changed"), max_length=500, blank=True)
    published_at = models.DateTimeField(_("published at"), default=timezone.now)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                     null=True, related_name="+")

    class Meta:
        verbose_name = _("disclosure")
        verbose_name_plural = _("disclosures")
        ordering = ["-published_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["item", "period", "version"],
                                    name="disclosure_publication_version"),
        ]
        indexes = [models.Index(fields=["organization", "item", "published_at"],
                                name="disclosure_pub_item")]

    def __str__(self):
        return f"{self.item.title} {self.period} v{self.version}"


def _attachment_path(instance, filename):
    return f"disclosures/{instance.organization_id}/{instance.storage_key}{instance.extension}"


class DisclosureAttachment(TenantModel):
    """A ledger (XLSX or PDF) of a publication; as immutable as the publication."""

    publication = models.ForeignKey(DisclosurePublication, on_delete=models.CASCADE,
                                    related_name="attachments")
    storage_key = models.CharField(max_length=40, unique=True, default=new_storage_key,
                                   editable=False)
    extension = models.CharField(max_length=8, editable=False)
    file = models.FileField(upload_to=_attachment_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()

    class Meta:
        ordering = ["pk"]
        indexes = [models.Index(fields=["organization", "publication"],
                                name="disclosure_attach_pub")]

    def __str__(self):
        return self.original_name


class DisclosureAlert(TenantModel):
    """Managers were told that an item is overdue for this due day: once, under the unique
    constraint, however often the job runs."""

    item = models.ForeignKey(DisclosureItem, on_delete=models.CASCADE, related_name="+")
    due_on = models.DateField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["item", "due_on"], name="disclosure_alert_once")
        ]


class DisclosureInquiry(TenantModel):
    """An owner's objection or question about a publication: the ticket it opened."""

    publication = models.ForeignKey(DisclosurePublication, on_delete=models.CASCADE,
                                    related_name="inquiries")
    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.CASCADE, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["ticket"], name="disclosure_inquiry_ticket")
        ]
        indexes = [models.Index(fields=["organization", "publication"],
                                name="disclosure_inquiry_pub")]
