"""The beat jobs: open announced votes when their time comes (taking the eligibility snapshot)
and close open ones (counting and publishing the result). Each vote is claimed with a
conditional UPDATE on its status, so a job run twice, or two workers racing, do it once."""

import datetime as dt
import logging
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override
from django_scopes import scope, scopes_disabled

from communications.services import notify, notify_batch
from notices.markdown import literal
from portal.tenancy.models import Membership, Residency, Unit

from .. import tally
from ..models import Ballot, EligibleUnit, Matter, Vote
from .publishing import publish_notice

logger = logging.getLogger(__name__)


def _owner_keys(unit_ids: list[int], ties: list[tuple[int, int]]) -> dict[int, str]:
    """Units joined by shared owners form one owner (a couple with three flats is one
    person by headcount); units without a verified owner are the developer's."""
    parent: dict[str, str] = {}

    def find(node: str) -> str:
        while parent.setdefault(node, node) != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for unit_id, user_id in ties:
        a, b = find(f"unit{unit_id}"), find(f"u{user_id}")
        if a != b:
            parent[max(a, b)] = min(a, b)  # deterministic: a user key ("u…") wins
    lowest_user: dict[str, int] = {}
    for _unit_id, user_id in ties:
        root = find(f"u{user_id}")
        lowest_user[root] = min(lowest_user.get(root, user_id), user_id)
    owned = {unit_id for unit_id, _user in ties}
    return {
        unit_id: f"u{lowest_user[find(f'unit{unit_id}')]}" if unit_id in owned
        else tally.DEVELOPER
        for unit_id in unit_ids
    }


def owner_ties(vote: Vote) -> list[tuple[int, int]]:
    return list(
        Residency.objects.filter(
            organization=vote.organization, unit__property_id=vote.property_id,
            relation=Residency.Relation.OWNER, is_active=True, verified_at__isnull=False,
        ).values_list("unit_id", "user_id")
    )


def take_snapshot(vote: Vote) -> list[EligibleUnit]:
    units = list(
        Unit.objects.filter(organization=vote.organization, property_id=vote.property_id)
        .values_list("pk", "area")
    )
    keys = _owner_keys([pk for pk, _area in units], owner_ties(vote))
    rows = [
        EligibleUnit(
            organization=vote.organization, vote=vote, unit_id=pk, area=area or Decimal(0),
            owner_key=keys[pk],
        )
        for pk, area in units
    ]
    return EligibleUnit.objects.bulk_create(rows, batch_size=1000, ignore_conflicts=True)


def _eligible_owner_ids(vote: Vote) -> set[int]:
    unit_ids = EligibleUnit.objects.filter(vote=vote).values("unit_id")
    return set(
        Residency.objects.filter(
            organization=vote.organization, unit_id__in=unit_ids, is_active=True,
            relation=Residency.Relation.OWNER, verified_at__isnull=False,
        ).values_list("user_id", flat=True)
    )


def _claim(vote_pk: int, *, was: str, becomes: str, **fields) -> bool:
    return bool(
        Vote.objects.filter(pk=vote_pk, status=was).update(status=becomes, **fields)
    )


def votes_open_due(*, now: dt.datetime | None = None) -> int:
    """Open every announced vote whose opening time has come; returns how many opened."""
    now = now or timezone.now()
    opened = 0
    with scopes_disabled():  # a job across organisations; each vote then in its own scope
        due = list(
            Vote.objects.filter(status=Vote.Status.ANNOUNCED, opens_at__lte=now)
            .select_related("organization").order_by("opens_at")[:200]
        )
    for vote in due:
        with scope(organization=vote.organization), transaction.atomic():
            if not _claim(vote.pk, was=Vote.Status.ANNOUNCED, becomes=Vote.Status.OPEN,
                          opened_at=now):
                continue
            take_snapshot(vote)
            notify(
                organization=vote.organization, recipients=_eligible_owner_ids(vote),
                kind="vote.opened", context={"title": vote.title, "closes_at": vote.closes_at},
                url=f"/o/{vote.organization.slug}/votes/{vote.pk}/",
                object_type="votes.vote", object_key=vote.pk,
            )
            opened += 1
    return opened


def count_vote(vote: Vote) -> tally.Tally:
    eligible = [
        tally.Eligible(unit_id, owner_key, area)
        for unit_id, owner_key, area in EligibleUnit.objects.filter(vote=vote)
        .values_list("unit_id", "owner_key", "area")
    ]
    ballots = [
        tally.Cast(unit_id, {int(k): v for k, v in choices.items()})
        for unit_id, choices in Ballot.objects.filter(vote=vote).values_list("unit_id", "choices")
    ]
    matters = [
        tally.MatterSpec(pk, matter_class)
        for pk, matter_class in Matter.objects.filter(vote=vote).values_list("pk", "matter_class")
    ]
    return tally.count(eligible, ballots, matters)


def votes_close_due(*, now: dt.datetime | None = None) -> int:
    """Close every open vote whose time is up: count, store, publish, tell the owners."""
    now = now or timezone.now()
    closed = 0
    with scopes_disabled():
        due = list(
            Vote.objects.filter(status=Vote.Status.OPEN, closes_at__lte=now)
            .select_related("organization", "created_by").order_by("closes_at")[:200]
        )
    for vote in due:
        try:
            closed += _close(vote, now)
        except Exception:
            # One vote that cannot close (its transaction rolled back: it stays open and is
            # tried again next run) must not keep the others of the batch open.
            logger.exception("Could not close vote %s", vote.pk)
    return closed


def _close(vote: Vote, now: dt.datetime) -> int:
    with scope(organization=vote.organization), transaction.atomic():
        # The lock waits for ballots being cast right now; those after it see "closed".
        locked = Vote.objects.select_for_update().filter(
            pk=vote.pk, status=Vote.Status.OPEN
        ).first()
        if locked is None:
            return 0
        result = count_vote(locked)
        stored = tally.as_json(result)
        with override(vote.organization.language_code):
            notice = publish_notice(
                organization=vote.organization, author=_author(vote),
                title=_("Result of the owners' vote: %(title)s") % {"title": vote.title},
                body=result_text(locked, result), property_id=vote.property_id,
            )
        _claim(vote.pk, was=Vote.Status.OPEN, becomes=Vote.Status.CLOSED, closed_at=now,
               result=stored, result_notice_id=getattr(notice, "pk", None))
        with notify_batch():
            notify(
                organization=vote.organization, recipients=_eligible_owner_ids(vote),
                kind="vote.result",
                context={"title": vote.title, "valid": result.valid,
                         "passed": sum(m.passed for m in result.matters),
                         "matters": len(result.matters)},
                url=f"/o/{vote.organization.slug}/votes/{vote.pk}/",
                object_type="votes.vote", object_key=vote.pk,
            )
        return 1


def _author(vote: Vote):
    """The vote's creator while still a manager there; else the longest-serving manager
    (a notice needs a manager as its author)."""
    managers = Membership.objects.filter(
        organization=vote.organization, is_active=True,
        role__in=[Membership.Role.MANAGER, Membership.Role.ADMIN],
    ).select_related("user").order_by("created_at", "pk")
    mine = managers.filter(user_id=vote.created_by_id).first()
    chosen = mine or managers.first()
    return chosen.user if chosen else vote.created_by


def result_text(vote: Vote, result: tally.Tally) -> str:
    """The result notice's body: participation and each matter's outcome."""

    def pct(value) -> str:
        return f"{float(value) * 100:.2f}%"  # display only; the decision used exact fractions

    lines = [
        _("Participating area: %(part)s of %(total)s m² (%(pct)s).") % {
            "part": result.participating_area, "total": result.total_area,
            "pct": pct(result.area_participation)},
        _("Participating owners: %(part)s of %(total)s (%(pct)s).") % {
            "part": result.participating_heads, "total": result.total_heads,
            "pct": pct(result.heads_participation)},
        _("The vote is valid.") if result.valid else _(
            "The vote is not valid: fewer than two thirds took part."),
        "",
    ]
    titles = dict(Matter.objects.filter(vote=vote).values_list("pk", "title"))
    for outcome in result.matters:
        lines.append(
            (_("%(title)s: passed") if outcome.passed else _("%(title)s: not passed"))
            % {"title": literal(titles.get(outcome.matter_id, ""))}
        )
    return "\n".join(lines)
