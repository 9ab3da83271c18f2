"""Property-scoped engagement counts event feedback surveys (the "invited" audience) in the
properties where their invitees live, as their responses are."""

import datetime as dt
from zoneinfo import ZoneInfo

from django.utils import timezone
from django_scopes import scope

from portal.dashboards.metrics import Period, Selection, engagement
from portal.tenancy.access import compute_access
from surveys.metrics import survey_engagement
from surveys.services import survey_open_for_invitees
from tests.surveys.conftest import Kit


def _invited(kit, title, user_ids):
    survey = kit.draft(title=title)
    return survey_open_for_invitees(survey=survey, user_ids=user_ids,
                                    closes_at=timezone.now() + dt.timedelta(days=3))


def test_engagement_of_a_property_counts_invited_surveys_of_its_residents(world):
    w = world.sunrise
    tz = ZoneInfo(w.org.time_zone)
    today = timezone.now().astimezone(tz).date()
    with scope(organization=w.org):
        kit = Kit(w)
        near = _invited(kit, "Garden party feedback", [w.owner.pk, w.neighbour.pk])
        _invited(kit, "Lake party feedback", [w.far_owner.pk])
        kit.answer(near, w.owner)
        garden = survey_engagement(organization=w.org, property_ids=[w.property.pk],
                                   start=today, end=today)
        assert garden == {"surveys": 1, "invited": 2, "responded": 1}
        lake = survey_engagement(organization=w.org, property_ids=[w.other_property.pk],
                                 start=today, end=today)
        assert lake == {"surveys": 1, "invited": 1, "responded": 0}
        everywhere = survey_engagement(organization=w.org, property_ids=None,
                                       start=today, end=today)
        assert everywhere == {"surveys": 2, "invited": 3, "responded": 1}
        selection = Selection(access=compute_access(w.manager, w.org),
                              period=Period(today, today, tz),
                              property_ids=frozenset({w.property.pk}))
        assert engagement(selection)["surveys"] == garden


def test_engagement_page_filtered_by_property_shows_invited_surveys(world, login):
    w = world.sunrise
    with scope(organization=w.org):
        _invited(Kit(w), "Garden party feedback", [w.owner.pk])
    page = login(w.manager).get(
        f"/api/v1/orgs/sunrise/dashboard/engagement/?property={w.property.pk}").json()
    assert page["surveys"]["surveys"] == 1
