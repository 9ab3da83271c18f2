"""Staff memberships, residencies, and the invitations that bring people in."""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.accounts.models import Invitation
from portal.accounts.services import invitation_create
from portal.realtime import close_user_sockets_on_commit

from ..access import Access
from ..models import Membership, Organization, Property, Residency, Unit


def person_find_or_create(*, full_name: str, email: str | None, phone: str | None):
    """The account with this email or phone number, or a new inactive one without a password.

    An existing account is reused as it is: its name and contact details belong to the person
    and may be shared with other organisations, so an organisation does not overwrite them.
    Returns ``(user, created)``.
    """
    User = get_user_model()
    by_email = User.objects.filter(email__iexact=email).first() if email else None
    by_phone = User.objects.filter(phone=phone).first() if phone else None
    if by_email and by_phone and by_email.pk != by_phone.pk:
        raise ValidationError(
            {"phone": _("This phone number and this email belong to two different accounts.")}
        )
    user = by_email or by_phone
    if user is not None:
        return user, False
    user = User.objects.create_user(
        email=email or None, phone=phone or None, password=None,
        full_name=full_name.strip(), is_active=False,
    )
    return user, True


def _check_scope(organization_id: int, role: str, all_properties: bool, properties):
    if any(p.organization_id != organization_id for p in properties):
        raise ValidationError({"properties": _("Select a valid choice.")})
    if role != Membership.Role.ADMIN and not all_properties and not properties:
        raise ValidationError(
            {"properties": _("Choose the properties this person covers, or all properties.")}
        )


def _keep_an_admin(membership: Membership) -> None:
    """Refuses to leave the organisation without an active administrator."""
    if not (membership.is_active and membership.role == Membership.Role.ADMIN):
        return
    # Locking the other admins' rows serialises two admins demoting each other at once.
    others = list(
        Membership.objects.select_for_update()
        .filter(
            organization_id=membership.organization_id, role=Membership.Role.ADMIN,
            is_active=True,
        )
        .exclude(pk=membership.pk)
        .values_list("pk", flat=True)
    )
    if not others:
        raise ValidationError(
            {"role": _("This is the last active administrator. Make someone else an "
                       "administrator first.")}
        )


@dataclass
class StaffInvited:
    membership: Membership
    invitation: Invitation
    user_created: bool


@transaction.atomic
def staff_invite(
    *, organization: Organization, full_name: str, email: str | None, phone: str | None,
    role: str, title: str = "", all_properties: bool = False,
    properties: list[Property] | tuple = (), invited_by,
) -> StaffInvited:
    """A staff membership for a new or existing person, and an invitation delivered by email
    and/or SMS once the transaction commits. A person who already has an account elsewhere
    is told by the same link to sign in with it; accepting it never changes their password."""
    if not email and not phone:
        raise ValidationError({"email": _("Give an email address or a phone number.")})
    _check_scope(organization.pk, role, all_properties, properties)
    user, created = person_find_or_create(full_name=full_name, email=email, phone=phone)
    if Membership.objects.filter(organization=organization, user=user).exists():
        raise ValidationError({
            "email" if email else "phone": _(
                "This person is already on the staff list. Edit or reactivate them there."
            )
        })
    membership = Membership.objects.create(
        organization=organization, user=user, role=role, title=title.strip(),
        all_properties=all_properties,
    )
    membership.properties.set(properties)
    close_user_sockets_on_commit(user.pk, reconnect=True)  # an existing account gains groups
    invitation = invitation_create(organization=organization, user=user, created_by=invited_by)
    return StaffInvited(membership, invitation, created)


@transaction.atomic
def membership_update(
    *, membership: Membership, role: str, title: str = "", all_properties: bool = False,
    properties: list[Property] | tuple = (),
) -> Membership:
    _check_scope(membership.organization_id, role, all_properties, properties)
    if role != Membership.Role.ADMIN:
        _keep_an_admin(membership)
    membership.role = role
    membership.title = title.strip()
    membership.all_properties = all_properties
    membership.save(update_fields=["role", "title", "all_properties"])
    membership.properties.set(properties)
    # The scope decides the property groups of the person's sockets (communications.live).
    close_user_sockets_on_commit(membership.user_id, reconnect=True)
    return membership


@transaction.atomic
def membership_deactivate(*, membership: Membership) -> Membership:
    try:
        _keep_an_admin(membership)
    except ValidationError as error:
        raise ValidationError(error.message_dict["role"]) from None
    membership.is_active = False
    membership.save(update_fields=["is_active"])
    close_user_sockets_on_commit(membership.user_id, reconnect=True)
    return membership


@transaction.atomic
def membership_reactivate(*, membership: Membership) -> Membership:
    membership.is_active = True
    membership.save(update_fields=["is_active"])
    close_user_sockets_on_commit(membership.user_id, reconnect=True)
    return membership


def _require_scope(access: Access, unit: Unit) -> None:
    # Views answer 404 before this; a service called from elsewhere must not widen the scope.
    if not access.is_staff or not access.covers_property(unit.property_id):
        raise PermissionDenied


@dataclass
class ResidentAdded:
    residency: Residency
    invitation: Invitation
    user_created: bool


@transaction.atomic
def resident_add(
    *, access: Access, unit: Unit, full_name: str, email: str | None, phone: str | None,
    relation: str,
) -> ResidentAdded:
    """A verified residency entered by staff (who checked the person's papers), for a new or
    existing person, with an invitation; a deactivated residency of the same person and unit
    is revived."""
    _require_scope(access, unit)
    if not email and not phone:
        raise ValidationError({"phone": _("Give a phone number or an email address.")})
    user, created = person_find_or_create(full_name=full_name, email=email, phone=phone)
    residency = Residency.objects.filter(organization=access.organization, unit=unit, user=user)
    residency = residency.first()
    if residency is not None and residency.is_active:
        raise ValidationError(
            {"unit_number": _("This person is already registered at this unit.")}
        )
    verifier = access.membership.user
    if residency is None:
        residency = Residency.objects.create(
            organization=access.organization, unit=unit, user=user, relation=relation,
            verified_at=timezone.now(), verified_by=verifier,
        )
    else:
        residency.relation = relation
        residency.is_active = True
        residency.verified_at = residency.verified_at or timezone.now()
        residency.verified_by = residency.verified_by or verifier
        residency.save(update_fields=["relation", "is_active", "verified_at", "verified_by"])
    close_user_sockets_on_commit(user.pk, reconnect=True)
    invitation = invitation_create(
        organization=access.organization, user=user, created_by=verifier
    )
    return ResidentAdded(residency, invitation, created)


@transaction.atomic
def residency_verify(*, access: Access, residency: Residency) -> Residency:
    _require_scope(access, residency.unit)
    updated = Residency.objects.filter(pk=residency.pk, verified_at__isnull=True).update(
        verified_at=timezone.now(), verified_by=access.membership.user
    )
    if updated:  # a second click, or a colleague's at the same moment, keeps the first verifier
        residency.refresh_from_db(fields=["verified_at", "verified_by"])
        close_user_sockets_on_commit(residency.user_id, reconnect=True)
    return residency


@transaction.atomic
def residency_deactivate(*, access: Access, residency: Residency) -> Residency:
    _require_scope(access, residency.unit)
    residency.is_active = False
    residency.save(update_fields=["is_active"])
    close_user_sockets_on_commit(residency.user_id, reconnect=True)
    return residency


def invitation_resend(*, organization: Organization, user, sent_by) -> Invitation:
    """A fresh link for someone who has not set a password yet."""
    if user.has_usable_password():
        raise ValidationError(_("This person has already set a password and can sign in."))
    with transaction.atomic():
        return invitation_create(organization=organization, user=user, created_by=sent_by)
