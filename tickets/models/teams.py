"""Who handles tickets (teams) and what tickets are about (categories)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from portal.tenancy.models import TenantModel


class Team(TenantModel):
    """A group of staff that works one kind of ticket (维修 maintenance, 客服 service desk…)."""

    class Assignment(models.TextChoices):
        MANUAL = "manual", pgettext_lazy("team assignment", "Manual")
        ROUND_ROBIN = "round_robin", pgettext_lazy("team assignment", "Round robin")

    name = models.CharField(_("name"), max_length=100)
    lead = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("team lead"),
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="TeamMember", related_name="ticket_teams",
        blank=True, verbose_name=_("members"),
    )
    is_active = models.BooleanField(_("active"), default=True)
    assignment = models.CharField(
        _("assignment of new tickets"), max_length=20, choices=Assignment.choices,
        default=Assignment.MANUAL,
        help_text=_("Round robin hands each new ticket to the next member in turn."),
    )
    # Where the round robin stands; read and moved under a lock on this row.
    last_assigned_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("last assigned member"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "name"], name="team_unique_name")
        ]

    def __str__(self):
        return self.name


class TeamMember(TenantModel):
    # An explicit through table so that this row carries organization_id like every other.
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="ticket_team_memberships"
    )

    class Meta:
        verbose_name = _("team member")
        verbose_name_plural = _("team members")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "team", "user"], name="team_member_unique"
            )
        ]
        indexes = [models.Index(fields=["organization", "user"])]

    def __str__(self):
        return f"{self.user_id} in {self.team_id}"


class Category(TenantModel):
    class Kind(models.TextChoices):
        REPAIR = "repair", pgettext_lazy("ticket category kind", "Repair")
        COMPLAINT = "complaint", pgettext_lazy("ticket category kind", "Complaint")
        INQUIRY = "inquiry", pgettext_lazy("ticket category kind", "Inquiry")
        SUGGESTION = "suggestion", pgettext_lazy("ticket category kind", "Suggestion")
        PRAISE = "praise", pgettext_lazy("ticket category kind", "Praise")

    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.REPAIR)
    default_team = models.ForeignKey(
        Team, on_delete=models.SET_NULL, null=True, blank=True, related_name="categories",
        verbose_name=_("default team"),
    )
    is_active = models.BooleanField(_("active"), default=True)
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=0)

    class Meta:
        verbose_name = pgettext_lazy("ticket category", "category")
        verbose_name_plural = pgettext_lazy("ticket category", "categories")
        ordering = ["sort_order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "name"], name="category_unique_name")
        ]
        indexes = [models.Index(fields=["organization", "is_active", "sort_order"])]

    def __str__(self):
        return self.name
