"""The public interface for live events (DESIGN §6): what features call to push to browsers.

Groups, all chosen by the server from the person's memberships and residencies
(:func:`groups_for_user`); a client never names one:

* ``user.<id>``: the person's own sockets;
* ``org.<id>.staff``: every active staff member, manager and admin of the organisation;
* ``property.<id>.staff``: staff covering that property (all-properties people and admins
  join every property of their organisation);
* ``unit.<id>``: verified residents of the unit.

Messages are small (``{"type": "ticket.created", "org": "<slug>", "ticket": 12, …}``); the
page fetches what it shows through its ordinary, authorised view. Everything is sent after the
causing transaction commits, all of one transaction in one hop, each message with a ``seq``
under which :mod:`communications.replay` keeps it for a browser that reconnects.
"""

from collections.abc import Iterable

from django_scopes import scopes_disabled

from portal.realtime import (  # noqa: F401 - re-exported for features
    SESSION_CLOSED,
    close_user_sockets_on_commit,
    group_send_on_commit,
    queue_on_commit,
    user_group,
)
from portal.tenancy.models import Membership, Property, Residency

LIVE_EVENT = "live.event"


def org_staff_group(organization_id: int) -> str:
    return f"org.{organization_id}.staff"


def property_staff_group(property_id: int) -> str:
    return f"property.{property_id}.staff"


def unit_group(unit_id: int) -> str:
    return f"unit.{unit_id}"


def send_to_user_on_commit(user_id: int, message: dict) -> None:
    """Push ``message`` to the user's sockets once the current transaction has committed."""
    send_to_groups_on_commit([user_group(user_id)], message)


def send_to_groups_on_commit(groups: Iterable[str], message: dict) -> None:
    """Push ``message`` to ``groups`` after commit. Every message of one transaction leaves in
    one hop (portal.realtime.queue_on_commit), numbered for replay (communications.replay)."""
    queue_on_commit(groups, {"type": LIVE_EVENT, "event": dict(message)})


def send_to_users_on_commit(user_ids: Iterable[int], message: dict) -> None:
    send_to_groups_on_commit((user_group(user_id) for user_id in user_ids), message)


def send_to_property_staff_on_commit(property_id: int, message: dict) -> None:
    send_to_groups_on_commit([property_staff_group(property_id)], message)


def send_to_org_staff_on_commit(organization_id: int, message: dict) -> None:
    send_to_groups_on_commit([org_staff_group(organization_id)], message)


def send_to_unit_on_commit(unit_id: int, message: dict) -> None:
    send_to_groups_on_commit([unit_group(unit_id)], message)


def groups_for_user(user) -> list[str]:
    """Every group the user's sockets join, from active memberships and verified residencies
    in active organisations. Three queries, whatever the number of organisations."""
    groups = [user_group(user.pk)]
    with scopes_disabled():  # a person's own places span organisations by design
        memberships = list(
            Membership.objects.filter(
                user=user, is_active=True, organization__is_active=True
            ).prefetch_related("properties")
        )
        everywhere = [m.organization_id for m in memberships if m.all_properties or m.is_admin]
        all_property_ids = (
            Property.objects.filter(organization_id__in=everywhere).values_list("pk", flat=True)
            if everywhere else []
        )
        unit_ids = Residency.objects.filter(
            user=user, is_active=True, verified_at__isnull=False,
            organization__is_active=True,
        ).values_list("unit_id", flat=True)
        property_ids = set(all_property_ids)
        for membership in memberships:
            groups.append(org_staff_group(membership.organization_id))
            if membership.organization_id not in everywhere:
                property_ids |= {prop.pk for prop in membership.properties.all()}
        groups += [property_staff_group(pk) for pk in sorted(property_ids)]
        groups += [unit_group(pk) for pk in sorted(set(unit_ids))]
    return groups
