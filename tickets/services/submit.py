"""New tickets: an owner's own request, or one staff file for an owner who phoned or came by."""

import datetime as dt
from collections.abc import Callable

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.tenancy.access import Access
from portal.tenancy.models import Asset, Property, Residency, Unit

from ..models import Category, Channel, Priority, Ticket, TimelineEntry
from ..notify import handlers_of, owners_of, ticket_event
from .defaults import sla_ensure_defaults
from .errors import TicketError
from .history import record
from .hotspots import mark_recurring
from .numbers import ticket_number_next
from .round_robin import round_robin_announce, round_robin_pick
from .rules import actor_id
from .sla_config import remembered_calendar, remembered_policy_for
from .timers import apply_sla, set_policy

PROXY_CHANNELS = (Channel.PHONE, Channel.WALK_IN, Channel.OTHER)


def _location(
    *, organization_id: int, unit: Unit | None, property: Property | None, asset: Asset | None,
    unit_ok: Callable[[Unit], bool], property_ok: Callable[[int], bool],
) -> int:
    """The property the ticket is about: the unit's, or a common area (with an asset) of one
    of the requester's properties. Raises TicketError keyed by the offending field."""
    if unit is not None:
        if unit.organization_id != organization_id or not unit_ok(unit):
            raise TicketError({"unit": _("Choose one of the owner's units.")}, code="unit")
        property_id = unit.property_id
    elif property is not None:
        if property.organization_id != organization_id or not property_ok(property.pk):
            raise TicketError(
                {"property": _("Choose a property where the owner lives.")}, code="property"
            )
        property_id = property.pk
    elif asset is not None:
        if asset.organization_id != organization_id or not property_ok(asset.property_id):
            raise TicketError(
                {"asset": _("Choose equipment of a property where the owner lives.")},
                code="asset",
            )
        property_id = asset.property_id
    else:
        raise TicketError({"unit": _("Choose a unit or a common area.")}, code="location")
    if asset is not None and (
        asset.organization_id != organization_id or asset.property_id != property_id
    ):
        raise TicketError(
            {"asset": _("This equipment is not in the chosen property.")}, code="asset"
        )
    return property_id


def _create(
    *, access: Access, requester_id: int, filed_by_id: int | None, channel: str,
    category: Category, title: str, description: str, priority: str, property_id: int,
    unit: Unit | None, asset: Asset | None, preferred_visit_time: str,
    preferred_visit_at: dt.datetime | None,
) -> Ticket:
    organization = access.organization
    if category.organization_id != organization.pk or not category.is_active:
        raise TicketError({"category": _("Choose one of the categories offered.")}, code="category")
    title = title.strip()
    if not title:
        raise TicketError({"title": _("Enter a short title.")}, code="title")
    if len(title) > Ticket._meta.get_field("title").max_length:
        raise TicketError({"title": _("The title is too long.")}, code="title")
    if priority not in Priority.values:
        raise TicketError({"priority": _("Choose a priority.")}, code="priority")

    now = timezone.now()
    policy = remembered_policy_for(
        organization_id=organization.pk, category=category, priority=priority
    )
    if policy is None:
        sla_ensure_defaults(organization=organization)
        policy = remembered_policy_for(
            organization_id=organization.pk, category=category, priority=priority
        )
    ticket = Ticket(
        organization=organization, property_id=property_id, unit=unit, asset=asset,
        category=category, title=title, description=description.strip(), priority=priority,
        channel=channel, status=Ticket.Status.NEW, requester_id=requester_id,
        filed_by_id=filed_by_id, team_id=category.default_team_id,
        preferred_visit_time=preferred_visit_time.strip(), preferred_visit_at=preferred_visit_at,
        created_at=now,
    )
    set_policy(ticket, policy)
    apply_sla(ticket, remembered_calendar(organization.pk, policy.pk if policy else None), set(),
              now)
    # A round-robin team hands the ticket to its next member at once (services/round_robin.py).
    member = round_robin_pick(ticket)
    # Numbered last: the counter row stays locked until commit, so keep that short.
    ticket.number = ticket_number_next(organization_id=organization.pk)
    ticket.save()
    mark_recurring(ticket, now=now)
    actor = filed_by_id or requester_id
    entry = record(
        ticket, TimelineEntry.Kind.CREATED, actor_id=actor, at=now, to_status=ticket.status,
        data={"channel": channel, "proxy": filed_by_id is not None},
    )
    # The round-robin assignee hears of it through the assignment, not as a handler here.
    ticket_event(
        ticket=ticket, kind=TimelineEntry.Kind.CREATED, actor_id=actor,
        recipients=owners_of(ticket) | (set() if member else handlers_of(ticket)), entry=entry,
        organization_slug=organization.slug,
    )
    if member is not None:
        round_robin_announce(ticket, member=member)
    return ticket


@transaction.atomic
def ticket_submit(
    *, access: Access, category: Category, title: str, description: str = "",
    priority: str = Priority.NORMAL, unit: Unit | None = None, property: Property | None = None,
    asset: Asset | None = None, preferred_visit_time: str = "",
    preferred_visit_at: dt.datetime | None = None,
) -> Ticket:
    """An owner's request about one of their units, or a common area or equipment of their
    property (give ``property`` and/or ``asset`` instead of ``unit``)."""
    if not access.residencies:
        raise PermissionDenied
    own_properties = {residency.unit.property_id for residency in access.residencies}
    property_id = _location(
        organization_id=access.organization.pk, unit=unit, property=property, asset=asset,
        unit_ok=lambda u: u.pk in access.unit_ids,
        property_ok=lambda pk: pk in own_properties,
    )
    return _create(
        access=access, requester_id=actor_id(access), filed_by_id=None, channel=Channel.WEB,
        category=category, title=title, description=description, priority=priority,
        property_id=property_id, unit=unit, asset=asset,
        preferred_visit_time=preferred_visit_time, preferred_visit_at=preferred_visit_at,
    )


@transaction.atomic
def ticket_file_for_owner(
    *, access: Access, requester, channel: str, category: Category, title: str,
    description: str = "", priority: str = Priority.NORMAL, unit: Unit | None = None,
    property: Property | None = None, asset: Asset | None = None,
    preferred_visit_time: str = "", preferred_visit_at: dt.datetime | None = None,
) -> Ticket:
    """Staff file a request for an owner who phoned or walked in; the owner sees it and is told
    like any ticket. The location must be the owner's and within the staff member's scope."""
    if not access.is_staff:
        raise PermissionDenied
    if channel not in PROXY_CHANNELS:
        raise TicketError(
            {"channel": _("Choose how the owner reached you.")}, code="channel"
        )
    homes = list(
        Residency.objects.filter(
            organization=access.organization, user=requester, is_active=True,
            verified_at__isnull=False,
        ).values_list("unit_id", "unit__property_id")
    )
    if not homes:
        raise TicketError(
            {"requester": _("This person has no verified residency in this organisation.")},
            code="requester",
        )
    unit_ids = {unit_id for unit_id, _property_id in homes}
    property_ids = {property_id for _unit_id, property_id in homes}
    property_id = _location(
        organization_id=access.organization.pk, unit=unit, property=property, asset=asset,
        unit_ok=lambda u: u.pk in unit_ids and access.covers_property(u.property_id),
        property_ok=lambda pk: pk in property_ids and access.covers_property(pk),
    )
    return _create(
        access=access, requester_id=requester.pk, filed_by_id=actor_id(access), channel=channel,
        category=category, title=title, description=description, priority=priority,
        property_id=property_id, unit=unit, asset=asset,
        preferred_visit_time=preferred_visit_time, preferred_visit_at=preferred_visit_at,
    )
