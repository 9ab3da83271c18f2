"""Bulk import of units and residents from a spreadsheet.

All or nothing: every row is checked first (:mod:`portal.tenancy.importing`), then everything is
written in one transaction with bulk statements. Importing the same file again updates what it
wrote instead of duplicating it: units are keyed by building and number, residencies by person
(phone number, else email) and unit.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.accounts.models import Invitation
from portal.accounts.services import invitation_create

from .. import importing
from ..importing import ImportRejected, Kind, RowError
from ..memory import forget_people
from ..models import Building, Organization, Residency, Unit

BATCH = 500
# SQLite refuses statements with more than 32766 parameters; long id lists go in slices.
IN_CHUNK = 5000


@dataclass
class ImportSummary:
    kind: str
    rows: int
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    buildings_created: int = 0
    people_created: int = 0
    invitations_sent: int = 0


def import_upload(*, organization: Organization, kind: str, upload, imported_by) -> ImportSummary:
    """Imports ``upload`` or raises ImportRejected (row errors) or ValidationError (the file)."""
    table = importing.read_table(upload, kind)
    try:
        with transaction.atomic():
            if kind == Kind.UNITS:
                return _import_units(organization, table)
            return _import_residents(organization, table, imported_by)
    except IntegrityError:
        # Only a concurrent change between the checks and the writes gets here.
        raise ImportRejected([RowError(None, "", _(
            "The same data was changed by someone else during the import. Upload the file again."
        ))]) from None


def _chunks(values: Iterable, size: int = IN_CHUNK):
    values = list(values)
    for start in range(0, len(values), size):
        yield values[start:start + size]


def _import_units(organization: Organization, table: importing.Table) -> ImportSummary:
    plan = importing.plan_units(table=table, organization=organization)
    summary = ImportSummary(kind=Kind.UNITS, rows=len(table.rows))
    Building.objects.bulk_create(plan.new_buildings, batch_size=BATCH)
    summary.buildings_created = len(plan.new_buildings)
    new_units, changed = [], []
    for entry in plan.entries:
        unit = entry.existing
        if unit is None:
            new_units.append(Unit(
                organization=organization, property_id=entry.building.property_id,
                building=entry.building, number=entry.number, floor=entry.floor,
                area=entry.area,
            ))
            continue
        # A blank cell keeps what is on record, so a file of numbers only erases no areas.
        floor = unit.floor if entry.floor is None else entry.floor
        area = unit.area if entry.area is None else entry.area
        if (floor, area) == (unit.floor, unit.area):
            summary.unchanged += 1
            continue
        unit.floor, unit.area = floor, area
        changed.append(unit)
    Unit.objects.bulk_create(new_units, batch_size=BATCH)
    Unit.objects.bulk_update(changed, ["floor", "area"], batch_size=BATCH)
    summary.created, summary.updated = len(new_units), len(changed)
    return summary


def _import_residents(
    organization: Organization, table: importing.Table, imported_by
) -> ImportSummary:
    plan = importing.plan_residents(table=table, organization=organization)
    summary = ImportSummary(kind=Kind.RESIDENTS, rows=len(table.rows))
    now = timezone.now()
    User = get_user_model()
    new_users = []
    for person in plan.people:
        if person.user is None:
            person.user = User(
                email=person.email, phone=person.phone, full_name=person.name,
                is_active=False, password=make_password(None),
            )
            new_users.append(person.user)
    User.objects.bulk_create(new_users, batch_size=BATCH)
    summary.people_created = len(new_users)

    new_residencies, changed = [], []
    for entry in plan.entries:
        user = entry.person.user
        residency = plan.residencies.get((entry.unit.pk, user.pk))
        if residency is None:
            new_residencies.append(Residency(
                organization=organization, unit=entry.unit, user=user,
                relation=entry.relation, verified_at=now, verified_by=imported_by,
            ))
            continue
        before = (residency.relation, residency.is_active, residency.verified_at)
        residency.relation = entry.relation
        residency.is_active = True
        if residency.verified_at is None:  # the importing admin vouches for the file
            residency.verified_at, residency.verified_by = now, imported_by
        if before == (residency.relation, residency.is_active, residency.verified_at):
            summary.unchanged += 1
        else:
            changed.append(residency)
    Residency.objects.bulk_create(new_residencies, batch_size=BATCH)
    Residency.objects.bulk_update(
        changed, ["relation", "is_active", "verified_at", "verified_by"], batch_size=BATCH
    )
    # bulk_create and bulk_update send no signal: these people's access is read again.
    forget_people(*(residency.user_id for residency in [*new_residencies, *changed]))
    summary.created, summary.updated = len(new_residencies), len(changed)
    summary.invitations_sent = _invite(organization, plan, imported_by, now)
    return summary


def _invite(organization: Organization, plan: importing.ResidentsPlan, imported_by, now) -> int:
    """Invites everybody without a password who has no unused link yet, so that importing the
    same file twice does not send everybody a second message."""
    waiting = {p.user.pk: p.user for p in plan.people if not p.user.has_usable_password()}
    pending = set()
    for user_ids in _chunks(waiting):
        pending.update(
            Invitation.objects.filter(
                organization=organization, user_id__in=user_ids, used_at__isnull=True,
                expires_at__gt=now,
            ).values_list("user_id", flat=True)
        )
    sent = 0
    for user_id, user in waiting.items():
        if user_id not in pending:
            invitation_create(organization=organization, user=user, created_by=imported_by)
            sent += 1
    return sent
