"""Engagement: how owners reach the desk and how many of them use the portal.

* tickets by channel: submitted in the period, web against phone, walk-in and other;
* owners: people with an active, verified residency in the selected properties (and building);
  "active" means signed in (``last_login``) or submitted a ticket in the last 30 days before
  now;
* notices, surveys and events: ``<app>.metrics.<app>_engagement`` when those modules exist.
"""

import datetime as dt

from django.db.models import Count, Exists, OuterRef, Q

from portal.tenancy.models import Residency
from tickets.models import Channel, Ticket

from .base import Selection, optional_metric, share

ACTIVE_DAYS = 30
OPTIONAL = (
    ("notices", "notices.metrics", "notice_engagement"),
    ("surveys", "surveys.metrics", "survey_engagement"),
    ("events", "events.metrics", "event_engagement"),
)


def engagement(selection: Selection, *, include_other_apps: bool = True) -> dict:
    organization = selection.organization
    # 1: channels
    found = dict(
        selection.tickets().filter(selection.between("created_at"))
        .values("channel").annotate(n=Count("pk")).order_by().values_list("channel", "n")
    )
    channels = [{"channel": value, "label": str(label), "count": found.get(value, 0)}
                for value, label in Channel.choices]
    total = sum(row["count"] for row in channels)
    # 2: owners and the active ones
    since = selection.now - dt.timedelta(days=ACTIVE_DAYS)
    residencies = Residency.objects.filter(
        organization=organization, is_active=True, verified_at__isnull=False
    )
    if selection.property_ids is not None:
        residencies = residencies.filter(unit__property_id__in=sorted(selection.property_ids))
    if selection.building_id is not None:
        residencies = residencies.filter(unit__building_id=selection.building_id)
    submitted = Ticket.objects.filter(
        organization=organization, requester_id=OuterRef("user_id"), created_at__gte=since
    )
    owners = residencies.aggregate(
        owners=Count("user", distinct=True),
        active=Count("user", distinct=True,
                     filter=Q(user__last_login__gte=since) | Q(Exists(submitted))),
    )
    other_apps = {}
    if include_other_apps:
        property_ids = (None if selection.property_ids is None
                        else sorted(selection.property_ids))
        for key, module, function in OPTIONAL:
            other_apps[key] = optional_metric(
                module, function, organization=organization, property_ids=property_ids,
                start=selection.period.start, end=selection.period.end,
            )
    return {
        "period": {"start": selection.period.start.isoformat(),
                   "end": selection.period.end.isoformat()},
        "channels": channels,
        "tickets": total,
        "web_share": share(found.get(Channel.WEB, 0), total),
        "owners": owners["owners"],
        "active_owners": owners["active"],
        "active_share": share(owners["active"], owners["owners"]),
        "active_days": ACTIVE_DAYS,
        **other_apps,
    }
