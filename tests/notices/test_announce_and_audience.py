"""Who gets a notice: audience resolution, and announce() used by other features."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from communications.models import Notification
from notices.models import Notice, NoticeReceipt
from notices.services import NoticeError, announce, publish_due
from tests import factories as f


def _recipients(notice):
    return set(NoticeReceipt.objects.filter(notice=notice).values_list("user_id", flat=True))


def test_building_notice_reaches_its_residents_only(board):
    w = board.w
    notice = board.publish(building_ids=[w.building.pk])
    # household members included; the unverified resident and other buildings are not
    assert _recipients(notice) == {w.owner.pk, w.household.pk, w.neighbour.pk}


def test_owner_in_building_a_does_not_get_building_b_notice(board):
    w = board.w
    notice = board.publish(building_ids=[w.other_building.pk])
    assert _recipients(notice) == {w.far_owner.pk}


def test_owner_with_units_in_two_properties_gets_both(board):
    w = board.w
    with scopes_disabled():
        f.ResidencyFactory(unit=w.far_unit, user=w.owner)
    first = board.publish(property_ids=[w.property.pk])
    second = board.publish(property_ids=[w.other_property.pk])
    assert w.owner.pk in _recipients(first)
    assert w.owner.pk in _recipients(second)
    # one receipt per person even when two of their units are in the audience
    both = board.publish(property_ids=[w.property.pk, w.other_property.pk])
    assert NoticeReceipt.objects.filter(notice=both, user=w.owner).count() == 1


def test_unit_audience_and_inactive_residency(board):
    w = board.w
    with scopes_disabled():
        w.household.residencies.update(is_active=False)
    notice = board.publish(unit_ids=[w.unit.pk])
    assert _recipients(notice) == {w.owner.pk}


def test_whole_organisation_never_reaches_another_organisation(board, world):
    notice = board.publish(whole_organization=True)
    got = _recipients(notice)
    w = board.w
    assert got == {w.owner.pk, w.household.pk, w.neighbour.pk, w.far_owner.pk}
    assert world.harbor.owner.pk not in got


def test_announce_publishes_now_to_chosen_buildings(world):
    w = world.sunrise
    notice = announce(organization=w.org, author=w.manager, title="Owners' vote opens",
                      body="Vote on the lift renewal from Monday.",
                      building_ids=[w.building.pk])
    with scope(organization=w.org):
        notice.refresh_from_db()
        assert notice.status == Notice.Status.PUBLISHED
        assert notice.category == "policy"
        assert _recipients(notice) == {w.owner.pk, w.household.pk, w.neighbour.pk}
    with scopes_disabled():
        assert Notification.objects.filter(kind="notice.published",
                                           recipient=w.owner).count() == 1


def test_announce_whole_organisation_when_no_places_given(world):
    w = world.sunrise
    notice = announce(organization=w.org, author=w.manager, title="Hello", body="Everyone.")
    with scope(organization=w.org):
        assert notice.whole_organization
        assert w.far_owner.pk in _recipients(notice)


def test_announce_schedules_when_time_is_in_the_future(world):
    w = world.sunrise
    later = timezone.now() + dt.timedelta(hours=2)
    notice = announce(organization=w.org, author=w.manager, title="Result", body="Soon.",
                      property_ids=[w.property.pk], publish_at=later)
    with scope(organization=w.org):
        notice.refresh_from_db()
        assert notice.status == Notice.Status.SCHEDULED
        assert not NoticeReceipt.objects.filter(notice=notice).exists()
    assert publish_due(now=later + dt.timedelta(minutes=1)) == 1
    with scope(organization=w.org):
        assert _recipients(notice) == {w.owner.pk, w.household.pk, w.neighbour.pk}


def test_announce_refuses_non_manager_and_bad_input(world):
    w = world.sunrise
    with pytest.raises(PermissionDenied):
        announce(organization=w.org, author=w.staff, title="x", body="y")
    with pytest.raises(NoticeError):
        announce(organization=w.org, author=w.manager, title="x", body="<script>x</script>")
    with pytest.raises(NoticeError):  # another organisation's building
        announce(organization=w.org, author=w.manager, title="x", body="y",
                 building_ids=[world.harbor.building.pk])
    with scopes_disabled():
        assert not Notice.objects.exists()
