"""Drafting and announcing a vote (managers)."""

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from notices.markdown import literal
from portal.tenancy.access import Access
from portal.tenancy.models import Property

from ..models import Matter, Vote
from .errors import VoteError
from .publishing import publish_notice
from .rules import require_manager


@dataclass(frozen=True)
class MatterInput:
    title: str
    matter_class: str = Matter.Class.ORDINARY


def _check(*, opens_at, closes_at, matters: list[MatterInput]) -> None:
    errors = {}
    if closes_at <= opens_at:
        errors["closes_at"] = _("Voting must close after it opens.")
    if not [m for m in matters if m.title.strip()]:
        errors["matters"] = _("Add at least one resolution to vote on.")
    if any(m.matter_class not in Matter.Class.values for m in matters):
        errors["matters"] = _("Choose ordinary or major for every resolution.")
    if errors:
        raise VoteError(errors)


def _write_matters(vote: Vote, matters: list[MatterInput]) -> None:
    vote.matters.all().delete()
    Matter.objects.bulk_create([
        Matter(
            organization=vote.organization, vote=vote, position=index, title=m.title.strip(),
            matter_class=m.matter_class,
        )
        for index, m in enumerate((m for m in matters if m.title.strip()), start=1)
    ])


def vote_create(
    *, access: Access, property: Property, title: str, description: str = "",
    opens_at: dt.datetime, closes_at: dt.datetime, announce_days: int = 15,
    matters: list[MatterInput],
) -> Vote:
    require_manager(access, property.pk)
    _check(opens_at=opens_at, closes_at=closes_at, matters=matters)
    with transaction.atomic():
        vote = Vote.objects.create(
            organization=access.organization, property=property, title=title.strip(),
            description=description, opens_at=opens_at, closes_at=closes_at,
            announce_days=announce_days, created_by=access.membership.user,
        )
        _write_matters(vote, matters)
    return vote


def vote_update(
    *, access: Access, vote: Vote, title: str, description: str = "",
    opens_at: dt.datetime, closes_at: dt.datetime, announce_days: int,
    matters: list[MatterInput],
) -> Vote:
    require_manager(access, vote.property_id)
    _check(opens_at=opens_at, closes_at=closes_at, matters=matters)
    with transaction.atomic():
        vote = Vote.objects.select_for_update().get(pk=vote.pk)
        if vote.status != Vote.Status.DRAFT:
            raise VoteError(_("Only a draft can be edited; this vote has been announced."))
        vote.title, vote.description = title.strip(), description
        vote.opens_at, vote.closes_at, vote.announce_days = opens_at, closes_at, announce_days
        vote.save()
        _write_matters(vote, matters)
    return vote


def earliest_opening(vote: Vote, now: dt.datetime) -> dt.datetime:
    return now + dt.timedelta(days=vote.announce_days)


def vote_announce(*, access: Access, vote: Vote, now: dt.datetime | None = None) -> Vote:
    """Publish the topic as a notice; voting may open only ``announce_days`` later."""
    require_manager(access, vote.property_id)
    now = now or timezone.now()
    with transaction.atomic():
        vote = Vote.objects.select_for_update().select_related("property").get(pk=vote.pk)
        if vote.status != Vote.Status.DRAFT:
            raise VoteError(_("This vote has already been announced."))
        if vote.opens_at < earliest_opening(vote, now):
            raise VoteError({"opens_at": _(
                "The topic must be announced %(days)s days before voting opens. Move the "
                "opening to %(date)s or later."
            ) % {
                "days": vote.announce_days,
                "date": timezone.localtime(earliest_opening(vote, now)).strftime(
                    "%Y-%m-%d %H:%M"
                ),
            }})
        matters = list(vote.matters.all())
        notice = publish_notice(
            organization=vote.organization, author=access.membership.user,
            title=_("Owners' vote: %(title)s") % {"title": vote.title},
            body=_announcement_body(vote, matters), property_id=vote.property_id,
        )
        vote.status = Vote.Status.ANNOUNCED
        vote.announced_at = now
        vote.announcement_notice_id = getattr(notice, "pk", None)
        vote.save(update_fields=[
            "status", "announced_at", "announcement_notice_id", "updated_at",
        ])
    return vote


def _announcement_body(vote: Vote, matters: list[Matter]) -> str:
    # People's words go into a Markdown body that notices refuses when it could run: quoted,
    # so that a hostile title shows as typed instead of stopping the announcement.
    lines = [
        literal(vote.description.strip()),
        "",
        _("Voting opens %(opens)s and closes %(closes)s.") % {
            "opens": timezone.localtime(vote.opens_at).strftime("%Y-%m-%d %H:%M"),
            "closes": timezone.localtime(vote.closes_at).strftime("%Y-%m-%d %H:%M"),
        },
        "",
    ]
    for matter in matters:
        lines.append(
            f"{matter.position}. {literal(matter.title)} ({matter.get_matter_class_display()})"
        )
    return "\n".join(lines).strip()
