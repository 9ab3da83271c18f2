"""What stays after an organisation has gone: one row per export taken and per deletion.

Deliberately not a TenantModel and without a foreign key to Organization: the row must
survive the deletion it certifies, and it is read by platform operators, never through an
organisation's scope. It names the organisation (id, slug, name: company facts, not personal
data) and holds counts and checksums only, never the organisation's rows.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class OffboardingRecord(models.Model):
    class Kind(models.TextChoices):
        EXPORT = "export", _("Organisation export")
        DELETION = "deletion", _("Organisation deletion")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    org_id = models.BigIntegerField(_("organisation id"))
    org_slug = models.CharField(_("organisation short name"), max_length=50)
    org_name = models.CharField(_("organisation name"), max_length=200)
    actor = models.CharField(_("run by"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("started at"), auto_now_add=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    # Rows per model label: exported, or deleted.
    counts = models.JSONField(_("rows per model"), default=dict)
    # Export: SHA-256 of the ZIP file. Deletion: SHA-256 of the certificate's JSON.
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    # Deletion only: the full certificate (counts, files, verification result).
    certificate = models.JSONField(_("certificate"), default=dict, blank=True)
    verified = models.BooleanField(_("verified"), null=True)

    class Meta:
        app_label = "tenancy"
        verbose_name = _("off-boarding record")
        verbose_name_plural = _("off-boarding records")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["org_id", "kind", "created_at"])]

    def __str__(self):
        return f"{self.kind} {self.org_slug} {self.created_at:%Y-%m-%d %H:%M}"
