"""Organisations and what they manage: properties, buildings, units, assets, and the people.

Every row below Organization carries ``organization_id`` and is reached through a
django-scopes manager: a query outside ``scope(organization=…)`` raises instead of leaking
(DESIGN §4). Composite indexes lead with ``organization`` so that the tables can later be
distributed by organisation.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_scopes import ScopedManager


def _scoped():
    return ScopedManager(organization="organization")


class Organization(models.Model):
    slug = models.SlugField(_("short name"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=200)
    time_zone = models.CharField(_("time zone"), max_length=64, default="Asia/Shanghai")
    language_code = models.CharField(_("default language"), max_length=10, default="zh-hans")
    phone_region = models.CharField(_("phone region"), max_length=2, default="CN")
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]

    def __str__(self):
        return self.name


def organization_key(**options) -> models.ForeignKey:
    """The tenant key of every tenant model. ``db_index=False`` for the tables whose every
    index leads with the organisation: there a single-column index only costs writes."""
    return models.ForeignKey(
        Organization, on_delete=models.CASCADE, verbose_name=_("organisation"), **options
    )


class TenantModel(models.Model):
    organization = organization_key()

    objects = _scoped()

    class Meta:
        abstract = True


class Property(TenantModel):
    name = models.CharField(_("name"), max_length=200)
    address = models.CharField(_("address"), max_length=300, blank=True)

    class Meta:
        verbose_name = pgettext_lazy("residential community", "property")
        verbose_name_plural = pgettext_lazy("residential community", "properties")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "name"], name="property_unique_name_per_org"
            )
        ]

    def __str__(self):
        return self.name


class Building(TenantModel):
    property = models.ForeignKey(
        Property, on_delete=models.CASCADE, related_name="buildings",
        verbose_name=pgettext_lazy("residential community", "property"),
    )
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        verbose_name = _("building")
        verbose_name_plural = _("buildings")
        ordering = ["property__name", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "property", "name"], name="building_unique_name"
            )
        ]
        indexes = [models.Index(fields=["organization", "property"])]

    def __str__(self):
        return f"{self.property.name} {self.name}"


class Unit(TenantModel):
    # Denormalised from the building so that a staff member's property scope filters units
    # without a join; set by the services that create units.
    property = models.ForeignKey(
        Property, on_delete=models.CASCADE, related_name="units",
        verbose_name=pgettext_lazy("residential community", "property"),
    )
    building = models.ForeignKey(
        Building, on_delete=models.CASCADE, related_name="units", verbose_name=_("building")
    )
    number = models.CharField(_("unit number"), max_length=30)
    floor = models.SmallIntegerField(_("floor"), null=True, blank=True)
    area = models.DecimalField(
        _("registered area (m²)"), max_digits=8, decimal_places=2, null=True, blank=True
    )

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["building__name", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "building", "number"], name="unit_unique_number"
            ),
            models.CheckConstraint(
                condition=models.Q(area__isnull=True) | models.Q(area__gt=0),
                name="unit_area_positive",
            ),
        ]
        indexes = [models.Index(fields=["organization", "property", "building"])]

    def __str__(self):
        return f"{self.building} {self.number}"


class Asset(TenantModel):
    class Kind(models.TextChoices):
        ELEVATOR = "elevator", _("Elevator")
        PUMP = "pump", _("Water pump")
        GATE = "gate", _("Gate")
        LIGHTING = "lighting", _("Lighting")
        FIRE = "fire", _("Fire safety equipment")
        OTHER = "other", _("Other")

    property = models.ForeignKey(
        Property, on_delete=models.CASCADE, related_name="assets",
        verbose_name=pgettext_lazy("residential community", "property"),
    )
    building = models.ForeignKey(
        Building, on_delete=models.CASCADE, null=True, blank=True, related_name="assets",
        verbose_name=_("building"),
    )
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.OTHER)
    code = models.CharField(_("asset code"), max_length=50, blank=True)

    class Meta:
        verbose_name = _("asset")
        verbose_name_plural = _("assets")
        ordering = ["property__name", "name"]
        indexes = [models.Index(fields=["organization", "property"])]

    def __str__(self):
        return self.name


class Membership(TenantModel):
    """A staff member's place in an organisation: role and the properties in scope."""

    class Role(models.TextChoices):
        ADMIN = "admin", _("Administrator")
        MANAGER = "manager", _("Manager")
        STAFF = "staff", _("Staff")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships",
        verbose_name=_("user"),
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.STAFF)
    all_properties = models.BooleanField(
        _("all properties"), default=False,
        help_text=_("Covers every property, including those added later."),
    )
    properties = models.ManyToManyField(
        Property, blank=True, related_name="memberships",
        verbose_name=pgettext_lazy("residential community", "properties in scope"),
    )
    title = models.CharField(_("job title"), max_length=100, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("staff membership")
        verbose_name_plural = _("staff memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "user"], name="membership_unique_user"
            )
        ]

    def __str__(self):
        return f"{self.user} @ {self.organization_id} ({self.role})"

    @property
    def is_manager(self) -> bool:
        return self.role in (self.Role.ADMIN, self.Role.MANAGER)

    @property
    def is_admin(self) -> bool:
        return self.role == self.Role.ADMIN


class Residency(TenantModel):
    """A person's relation to a unit. Only verified residencies grant access to the unit."""

    class Relation(models.TextChoices):
        OWNER = "owner", _("Owner")
        HOUSEHOLD = "household", _("Household member")
        RENTER = "renter", _("Renter")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="residencies",
        verbose_name=_("user"),
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.CASCADE, related_name="residencies", verbose_name=_("unit")
    )
    relation = models.CharField(
        _("relation"), max_length=10, choices=Relation.choices, default=Relation.OWNER
    )
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("verified by"),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("residency")
        verbose_name_plural = _("residencies")
        constraints = [
            models.UniqueConstraint(fields=["unit", "user"], name="residency_unique_user_unit")
        ]
        indexes = [
            models.Index(fields=["organization", "user"]),
            models.Index(fields=["organization", "unit"]),
        ]

    def __str__(self):
        return f"{self.user} – {self.unit_id} ({self.relation})"

    @property
    def is_verified(self) -> bool:
        return self.verified_at is not None


class PersonalDataAccess(TenantModel):
    """An audit row each time staff reveal an owner's personal data (PIPL): who saw whose
    what, and from where. Written by the services that reveal; never updated."""

    class Kind(models.TextChoices):
        PHONE = "phone", _("Phone number revealed")
        RECORD = "record", _("Owner record opened")
        EXPORT = "export", _("Owner data exported")

    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+",
        verbose_name=_("staff member"),
    )
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+",
        verbose_name=_("person"),
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    context = models.CharField(_("where"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        verbose_name = _("personal data access")
        verbose_name_plural = _("personal data accesses")
        indexes = [
            models.Index(fields=["organization", "subject", "created_at"]),
            models.Index(fields=["organization", "staff", "created_at"]),
        ]

    def __str__(self):
        return f"{self.staff_id} → {self.subject_id} ({self.kind})"


# Kept outside every organisation: the record of its export and deletion (offboarding).
from .offboarding.models import OffboardingRecord  # noqa: E402, F401
