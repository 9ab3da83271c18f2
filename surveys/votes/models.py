"""Owners' votes (业主表决): a vote of one property's owners' assembly, its matters, the
eligibility snapshot taken when voting opens, one ballot per unit, and the append-only audit.

Counting lives in :mod:`surveys.votes.tally` (pure); writes in :mod:`surveys.votes.services`.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_scopes import ScopedManager

from portal.tenancy.models import Property, TenantModel, Unit

from . import tally


class Vote(TenantModel):
    class Status(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("vote status", "Draft")
        ANNOUNCED = "announced", pgettext_lazy("vote status", "Announced")
        OPEN = "open", pgettext_lazy("vote status", "Open")
        CLOSED = "closed", pgettext_lazy("vote status", "Closed")

    property = models.ForeignKey(
        Property, on_delete=models.CASCADE, related_name="votes",
        verbose_name=pgettext_lazy("residential community", "property"),
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    announce_days = models.PositiveSmallIntegerField(
        _("days of announcement"), default=15,
        help_text=_("The topic must be announced at least this many days before voting opens."),
    )
    opens_at = models.DateTimeField(_("voting opens"))
    closes_at = models.DateTimeField(_("voting closes"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    announced_at = models.DateTimeField(_("announced at"), null=True, blank=True)
    opened_at = models.DateTimeField(_("opened at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    # The tally.as_json() of the close: the whole computation, frozen.
    result = models.JSONField(_("result"), null=True, blank=True)
    # Ids of the notices published through notices.services.announce (no FK: votes does not
    # reach into the notices app's models).
    announcement_notice_id = models.PositiveBigIntegerField(null=True, blank=True)
    result_notice_id = models.PositiveBigIntegerField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("owners' vote")
        verbose_name_plural = _("owners' votes")
        ordering = ["-opens_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes_at__gt=models.F("opens_at")),
                name="vote_closes_after_opening",
            ),
        ]
        indexes = [
            models.Index(fields=["organization", "property", "status"]),
            # The beat jobs read only what is due: announced votes by opens_at, open ones by
            # closes_at.
            models.Index(fields=["status", "opens_at"], name="vote_due_open"),
            models.Index(fields=["status", "closes_at"], name="vote_due_close"),
        ]

    def __str__(self):
        return self.title


class Matter(TenantModel):
    class Class(models.TextChoices):
        ORDINARY = tally.ORDINARY, _("Ordinary (more than half)")
        MAJOR = tally.MAJOR, _("Major (three quarters)")

    vote = models.ForeignKey(
        Vote, on_delete=models.CASCADE, related_name="matters", verbose_name=_("vote")
    )
    position = models.PositiveSmallIntegerField(_("position"), default=1)
    title = models.CharField(_("resolution"), max_length=300)
    matter_class = models.CharField(
        _("class"), max_length=10, choices=Class.choices, default=Class.ORDINARY,
        help_text=_(
            "Major (Civil Code art. 278 items 6–8): raising the maintenance fund, rebuilding, "
            "changing the use of common parts or running a business there."
        ),
    )

    class Meta:
        verbose_name = _("matter")
        verbose_name_plural = _("matters")
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["vote", "position"], name="matter_unique_position")
        ]
        indexes = [models.Index(fields=["organization", "vote"])]

    def __str__(self):
        return self.title


class EligibleUnit(TenantModel):
    """The unit register frozen when voting opened: later units, areas or owners change
    nothing about this vote."""

    vote = models.ForeignKey(Vote, on_delete=models.CASCADE, related_name="eligible")
    # RESTRICT: a unit on a vote's register cannot be deleted by itself (the register is a
    # record), only together with its organisation.
    unit = models.ForeignKey(Unit, on_delete=models.RESTRICT, related_name="+")
    area = models.DecimalField(max_digits=10, decimal_places=2)
    # "developer", or "u<user id>" of the lowest verified owner among the owners linked to
    # this unit through shared units (one person or couple owning several units counts once).
    owner_key = models.CharField(max_length=40)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["vote", "unit"], name="eligible_unique_unit")
        ]
        indexes = [models.Index(fields=["organization", "vote", "owner_key"])]


def attachment_path(instance, filename):
    # Random names only: the stored path tells nothing and cannot be guessed.
    return f"votes/{instance.organization_id}/{instance.vote_id}/{filename}"


class Ballot(TenantModel):
    class Channel(models.TextChoices):
        WEB = "web", _("Online")
        PAPER = "paper", _("Paper ballot")
        PROXY = "proxy", _("Written proxy")

    vote = models.ForeignKey(
        Vote, on_delete=models.CASCADE, related_name="ballots", verbose_name=_("vote")
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.RESTRICT, related_name="+", verbose_name=_("unit")
    )
    # {matter id (str): "for" | "against" | "abstain"}
    choices = models.JSONField(_("choices"))
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    voter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("voter"),
    )
    signed_by = models.CharField(_("signed by"), max_length=200, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("entered by"),
    )
    attachment = models.FileField(
        _("scanned ballot"), upload_to=attachment_path, blank=True, max_length=300
    )
    attachment_type = models.CharField(max_length=40, blank=True)
    attachment_sha256 = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(_("cast at"), auto_now_add=True)

    class Meta:
        verbose_name = _("ballot")
        verbose_name_plural = _("ballots")
        ordering = ["created_at", "pk"]
        constraints = [
            # The last word on "one ballot per unit", also when two owners press at once.
            models.UniqueConstraint(fields=["vote", "unit"], name="ballot_one_per_unit"),
            models.CheckConstraint(
                condition=models.Q(channel="web")
                | (models.Q(entered_by__isnull=False) & ~models.Q(attachment="")),
                name="ballot_paper_has_attachment",
            ),
        ]
        indexes = [models.Index(fields=["organization", "vote", "created_at"])]

    def __str__(self):
        return f"{self.vote_id}/{self.unit_id}"


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("The ballot audit trail is append-only.")

    def delete(self):
        raise PermissionError("The ballot audit trail is append-only.")

    def bulk_update(self, objs, fields, batch_size=None):
        raise PermissionError("The ballot audit trail is append-only.")


class BallotAudit(TenantModel):
    """One row per ballot written (and per refused attempt by staff), never changed: who
    entered what, for which unit, by which channel, with the scan's fingerprint."""

    class Action(models.TextChoices):
        CAST = "cast", _("Cast online")
        PAPER = "paper", _("Paper ballot entered")
        PROXY = "proxy", _("Written proxy entered")

    vote = models.ForeignKey(Vote, on_delete=models.CASCADE, related_name="audit")
    ballot = models.ForeignKey(Ballot, on_delete=models.CASCADE, related_name="audit")
    unit = models.ForeignKey(Unit, on_delete=models.RESTRICT, related_name="+")
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+",
        verbose_name=_("by"),
    )
    detail = models.JSONField(default=dict)
    created_at = models.DateTimeField(_("when"), auto_now_add=True)

    objects = ScopedManager(
        _manager_class=models.Manager.from_queryset(AppendOnlyQuerySet),
        organization="organization",
    )

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["organization", "vote", "created_at"])]

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PermissionError("The ballot audit trail is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("The ballot audit trail is append-only.")
