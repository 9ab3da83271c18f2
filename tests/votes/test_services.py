"""The vote's life through its services: drafting, the announcement rule, opening with the
snapshot, ballots (who may, once per unit), paper ballots with scans, the audit trail, and
the close."""

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404
from django.utils import timezone
from PIL import Image

from communications.models import Notification
from portal.tenancy.access import compute_access
from portal.tenancy.models import Residency
from surveys.votes import tally
from surveys.votes.models import Ballot, BallotAudit, EligibleUnit, Matter, Vote
from surveys.votes.services import (
    MatterInput,
    VoteConflict,
    VoteError,
    ballot_cast,
    ballot_enter,
    vote_announce,
    vote_create,
    vote_update,
    votes_close_due,
    votes_open_due,
)
from tests import factories as f

from .conftest import draft, mark_announced, open_vote


def yes(vote):
    return {m.pk: tally.FOR for m in vote.matters.all()}


def pdf(name="ballot.pdf"):
    return SimpleUploadedFile(name, b"%PDF-1.4\n1 0 obj <<>> endobj\n%%EOF\n", "application/pdf")


def png(name="ballot.png"):
    buffer = io.BytesIO()
    Image.new("RGB", (20, 20), "white").save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), "image/png")


def access(w, who):
    return compute_access(getattr(w, who), w.org)


# --- Drafting and announcing -------------------------------------------------------------


def test_only_managers_covering_the_property_create_votes(sunrise):
    vote = draft(sunrise)
    assert vote.status == Vote.Status.DRAFT
    assert list(vote.matters.values_list("position", "matter_class")) == [
        (1, Matter.Class.MAJOR), (2, Matter.Class.ORDINARY)]
    with pytest.raises(Http404):
        vote_create(access=access(sunrise, "staff"), property=sunrise.property, title="x",
                    opens_at=timezone.now(), closes_at=timezone.now() + dt.timedelta(days=1),
                    matters=[MatterInput("x")])


def test_a_vote_needs_a_resolution_and_must_close_after_opening(sunrise):
    now = timezone.now()
    with pytest.raises(VoteError) as error:
        vote_create(access=access(sunrise, "manager"), property=sunrise.property, title="x",
                    opens_at=now, closes_at=now, matters=[MatterInput("  ")])
    assert set(error.value.message_dict) == {"closes_at", "matters"}
    assert not Vote.objects.exists()


def test_announcement_must_precede_opening_by_the_announce_days(sunrise):
    vote = draft(sunrise, opens_in=dt.timedelta(days=14, hours=23), announce_days=15)
    with pytest.raises(VoteError) as error:
        vote_announce(access=access(sunrise, "manager"), vote=vote)
    assert "15 days" in error.value.message_dict["opens_at"][0]
    vote.refresh_from_db()
    assert vote.status == Vote.Status.DRAFT and vote.announced_at is None


def test_announcing_publishes_a_notice_and_freezes_the_draft(sunrise):
    vote = draft(sunrise, opens_in=dt.timedelta(days=15, minutes=1))
    vote = vote_announce(access=access(sunrise, "manager"), vote=vote)
    assert vote.status == Vote.Status.ANNOUNCED and vote.announcement_notice_id
    with pytest.raises(VoteError):
        vote_update(access=access(sunrise, "manager"), vote=vote, title="Changed",
                    opens_at=vote.opens_at, closes_at=vote.closes_at, announce_days=15,
                    matters=[MatterInput("x")])


def test_a_draft_can_be_edited_and_its_matters_replaced(sunrise):
    vote = draft(sunrise)
    vote_update(access=access(sunrise, "manager"), vote=vote, title="New title",
                opens_at=vote.opens_at, closes_at=vote.closes_at, announce_days=20,
                matters=[MatterInput("Only one", Matter.Class.ORDINARY)])
    vote.refresh_from_db()
    assert vote.title == "New title" and vote.announce_days == 20
    assert list(vote.matters.values_list("title", flat=True)) == ["Only one"]


# --- Opening and the snapshot --------------------------------------------------------------


def test_opening_runs_once_and_snapshots_the_property_register(sunrise):
    now = timezone.now()
    vote = mark_announced(draft(sunrise), now)
    Vote.objects.filter(pk=vote.pk).update(opens_at=now)
    assert votes_open_due(now=now - dt.timedelta(seconds=1)) == 0  # not yet due
    assert votes_open_due(now=now) == 1
    assert votes_open_due(now=now) == 0  # the second run does nothing
    vote.refresh_from_db()
    assert vote.status == Vote.Status.OPEN and vote.opened_at == now
    units = set(EligibleUnit.objects.filter(vote=vote).values_list("unit_id", flat=True))
    assert units == {sunrise.unit.pk, sunrise.neighbour_unit.pk}  # not far_unit
    opened = Notification.objects.filter(kind="vote.opened")
    # Verified owners only: not the household member, not the unverified resident.
    assert sorted(opened.values_list("recipient_id", flat=True)) == sorted(
        [sunrise.owner.pk, sunrise.neighbour.pk])


def test_units_added_after_opening_do_not_count(sunrise):
    vote = open_vote(sunrise)
    late = f.UnitFactory(building=sunrise.building, number="103")
    f.ResidencyFactory(unit=late)
    assert not EligibleUnit.objects.filter(vote=vote, unit=late).exists()
    with pytest.raises(VoteError):
        ballot_enter(access=access(sunrise, "staff"), vote=vote, unit_id=late.pk,
                     choices=yes(vote), channel="paper", signed_by="Late owner",
                     attachment=pdf())


def test_snapshot_joins_units_of_one_owner_and_the_developers_units(sunrise):
    f.ResidencyFactory(unit=sunrise.neighbour_unit, user=sunrise.owner)  # owns two units
    unsold = f.UnitFactory(building=sunrise.building, number="901", area="120.00")
    f.ResidencyFactory(unit=unsold, verified_at=None)  # an unverified claim is no owner
    unsold2 = f.UnitFactory(building=sunrise.building, number="902", area="80.00")
    vote = open_vote(sunrise)
    keys = dict(EligibleUnit.objects.filter(vote=vote).values_list("unit_id", "owner_key"))
    assert keys[sunrise.unit.pk] == keys[sunrise.neighbour_unit.pk] != tally.DEVELOPER
    assert keys[unsold.pk] == keys[unsold2.pk] == tally.DEVELOPER
    area = dict(EligibleUnit.objects.filter(vote=vote).values_list("unit_id", "area"))
    assert str(area[unsold.pk]) == "120.00"


# --- Casting -------------------------------------------------------------------------------


def test_owner_casts_one_ballot_per_unit_with_an_audit_row(sunrise):
    vote = open_vote(sunrise)
    ballot = ballot_cast(access=access(sunrise, "owner"), vote=vote, unit_id=sunrise.unit.pk,
                         choices=yes(vote))
    assert ballot.channel == Ballot.Channel.WEB and ballot.voter_id == sunrise.owner.pk
    audit = BallotAudit.objects.get(ballot=ballot)
    assert audit.action == BallotAudit.Action.CAST and audit.actor_id == sunrise.owner.pk
    co_owner = f.ResidencyFactory(unit=sunrise.unit).user
    with pytest.raises(VoteConflict):
        ballot_cast(access=compute_access(co_owner, sunrise.org), vote=vote,
                    unit_id=sunrise.unit.pk, choices=yes(vote))
    assert Ballot.objects.filter(vote=vote).count() == 1
    assert BallotAudit.objects.filter(vote=vote).count() == 1


@pytest.mark.parametrize("who", ["household", "unverified", "neighbour", "far_owner"])
def test_only_a_verified_owner_of_the_unit_may_cast_its_ballot(sunrise, who):
    vote = open_vote(sunrise)
    with pytest.raises(VoteError) as error:
        ballot_cast(access=access(sunrise, who), vote=vote, unit_id=sunrise.unit.pk,
                    choices=yes(vote))
    assert "verified owner" in str(error.value)
    assert not Ballot.objects.exists()


def test_an_owner_of_another_property_cannot_vote_for_their_own_unit_here(sunrise):
    vote = open_vote(sunrise)
    with pytest.raises(VoteError):
        ballot_cast(access=access(sunrise, "far_owner"), vote=vote,
                    unit_id=sunrise.far_unit.pk, choices=yes(vote))
    assert not Ballot.objects.exists()


def test_every_matter_needs_a_valid_choice(sunrise):
    vote = open_vote(sunrise)
    first = vote.matters.first()
    for choices in ({first.pk: tally.FOR}, {**yes(vote), first.pk: "maybe"},
                    {**yes(vote), 999999: tally.FOR}):
        with pytest.raises(VoteError):
            ballot_cast(access=access(sunrise, "owner"), vote=vote, unit_id=sunrise.unit.pk,
                        choices=choices)
    assert not Ballot.objects.exists()


def test_no_ballot_before_opening_or_after_the_closing_time(sunrise, time_machine):
    announced = mark_announced(draft(sunrise))
    with pytest.raises(VoteError):
        ballot_cast(access=access(sunrise, "owner"), vote=announced, unit_id=sunrise.unit.pk,
                    choices=yes(announced))
    vote = open_vote(sunrise)
    time_machine.move_to(vote.closes_at + dt.timedelta(seconds=1), tick=False)
    with pytest.raises(VoteError) as error:
        ballot_cast(access=access(sunrise, "owner"), vote=vote, unit_id=sunrise.unit.pk,
                    choices=yes(vote))
    assert "closed" in str(error.value)


# --- Paper ballots and proxies -------------------------------------------------------------


@pytest.mark.parametrize("scan", [pdf, png])
def test_staff_enter_a_paper_ballot_with_its_scan(sunrise, scan):
    vote = open_vote(sunrise)
    ballot = ballot_enter(access=access(sunrise, "staff"), vote=vote, unit_id=sunrise.unit.pk,
                          choices=yes(vote), channel="proxy", signed_by="Owner and Li Wei",
                          attachment=scan())
    assert ballot.entered_by_id == sunrise.staff.pk and ballot.attachment
    audit = BallotAudit.objects.get(ballot=ballot)
    assert audit.action == "proxy" and len(audit.detail["attachment_sha256"]) == 64


def test_a_paper_ballot_needs_a_real_scan(sunrise):
    vote = open_vote(sunrise)
    staff = access(sunrise, "staff")
    fake = SimpleUploadedFile("ballot.png", b"<html><script>x</script></html>", "image/png")
    big = SimpleUploadedFile("ballot.pdf", b"%PDF-" + b"0" * (10 * 1024 * 1024), "application/pdf")
    for attachment, field in ((None, "attachment"), (fake, "attachment"), (big, "attachment")):
        with pytest.raises(VoteError) as error:
            ballot_enter(access=staff, vote=vote, unit_id=sunrise.unit.pk, choices=yes(vote),
                         channel="paper", signed_by="Owner", attachment=attachment)
        assert field in error.value.message_dict
    assert not Ballot.objects.exists()


def test_staff_outside_the_property_cannot_enter_ballots(sunrise):
    vote = open_vote(sunrise)
    with pytest.raises(Http404):
        ballot_enter(access=access(sunrise, "staff_out"), vote=vote, unit_id=sunrise.unit.pk,
                     choices=yes(vote), channel="paper", signed_by="Owner", attachment=pdf())


def test_the_database_refuses_a_paper_ballot_without_scan(sunrise):
    from django.db import IntegrityError, transaction

    vote = open_vote(sunrise)
    with pytest.raises(IntegrityError), transaction.atomic():
        Ballot.objects.create(organization=sunrise.org, vote=vote, unit=sunrise.unit,
                              choices={}, channel="paper", entered_by=sunrise.staff)


# --- The audit trail -----------------------------------------------------------------------


def test_the_audit_trail_cannot_be_changed_or_deleted(sunrise):
    vote = open_vote(sunrise)
    ballot_cast(access=access(sunrise, "owner"), vote=vote, unit_id=sunrise.unit.pk,
                choices=yes(vote))
    audit = BallotAudit.objects.get(vote=vote)
    audit.detail = {"forged": True}
    with pytest.raises(PermissionError):
        audit.save()
    with pytest.raises(PermissionError):
        audit.delete()
    with pytest.raises(PermissionError):
        BallotAudit.objects.filter(vote=vote).update(detail={})
    with pytest.raises(PermissionError):
        BallotAudit.objects.filter(vote=vote).delete()
    with pytest.raises(PermissionError):
        BallotAudit.objects.bulk_update([audit], ["detail"])
    assert BallotAudit.objects.get(vote=vote).detail["channel"] == "web"


# --- Closing -------------------------------------------------------------------------------


def test_closing_runs_once_counts_and_publishes(sunrise):
    vote = open_vote(sunrise)
    ballot_cast(access=access(sunrise, "owner"), vote=vote, unit_id=sunrise.unit.pk,
                choices=yes(vote))
    ballot_cast(access=access(sunrise, "neighbour"), vote=vote,
                unit_id=sunrise.neighbour_unit.pk, choices=yes(vote))
    assert votes_close_due(now=vote.closes_at - dt.timedelta(seconds=1)) == 0
    assert votes_close_due(now=vote.closes_at) == 1
    assert votes_close_due(now=vote.closes_at) == 0
    vote.refresh_from_db()
    assert vote.status == Vote.Status.CLOSED and vote.result["valid"] is True
    assert all(m["passed"] for m in vote.result["matters"])
    assert vote.result_notice_id
    assert Notification.objects.filter(kind="vote.result").count() == 2


def test_household_member_residency_is_not_an_owner_even_when_verified(sunrise):
    # The snapshot and the owner list follow the relation, not verification alone.
    assert Residency.objects.get(user=sunrise.household).relation == "household"
    vote = open_vote(sunrise)
    assert sunrise.household.pk not in Notification.objects.filter(
        kind="vote.opened").values_list("recipient_id", flat=True)
    assert vote.status == Vote.Status.OPEN


def test_a_unit_on_a_register_cannot_be_deleted_alone_but_goes_with_its_organisation(sunrise):
    from django.db import transaction
    from django.db.models import RestrictedError
    from django_scopes import scopes_disabled

    vote = open_vote(sunrise)
    ballot_cast(access=access(sunrise, "owner"), vote=vote, unit_id=sunrise.unit.pk,
                choices=yes(vote))
    with pytest.raises(RestrictedError), transaction.atomic():
        sunrise.unit.delete()
    org_id = sunrise.org.pk
    with scopes_disabled():
        sunrise.org.delete()
        assert not Vote.objects.filter(pk=vote.pk).exists()
        assert not BallotAudit.objects.filter(organization_id=org_id).exists()
