"""A manager limited to some properties sees organisation-wide surveys and those whose audience
lies in their properties, and of a survey reaching beyond them only their properties'
responses (as notices show such a manager only their properties' receipts). Everything else
answers 404."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from surveys.models import Audience
from surveys.services import survey_create, survey_open_for_invitees, survey_update
from tests import factories as f

from .conftest import Kit

NEAR, FAR = "Quiet by the garden", "Noisy by the lake"


@pytest.fixture
def near_manager(world):
    """A manager of the owner's property only (not of ``other_property``)."""
    w = world.sunrise
    with scopes_disabled():
        return f.manager_of(w.org, [w.property], "near@sunrise.test")


@pytest.fixture
def surveys(world):
    """Surveys of every kind of audience, the owner (near) and the far owner answered the
    organisation-wide one."""
    w = world.sunrise
    with scope(organization=w.org):
        kit = Kit(w)
        made = {
            "org": kit.open(title="Whole estate survey"),
            "near": kit.open(title="Garden survey", audience=Audience.PROPERTY,
                             audience_property=w.property),
            "near_building": kit.open(title="Garden building survey",
                                      audience=Audience.BUILDING,
                                      audience_building=w.building),
            "far": kit.open(title="Lakeside survey", audience=Audience.PROPERTY,
                            audience_property=w.other_property),
            "far_building": kit.open(title="Lakeside building survey",
                                     audience=Audience.BUILDING,
                                     audience_building=w.other_building),
            "far_invited": kit.draft(title="Lakeside party feedback"),
            "mixed_invited": kit.draft(title="Summer fair feedback"),
            "empty_invited": kit.draft(title="Barbecue feedback"),
        }
        closes = timezone.now() + dt.timedelta(days=3)
        made["far_invited"] = survey_open_for_invitees(
            survey=made["far_invited"], user_ids=[w.far_owner.pk], closes_at=closes)
        made["mixed_invited"] = survey_open_for_invitees(
            survey=made["mixed_invited"], user_ids=[w.owner.pk, w.far_owner.pk],
            closes_at=closes)
        # Attached to an event that has not taken place: nobody invited yet.
        survey_update(access=kit.manager, survey=made["empty_invited"],
                      audience=Audience.INVITED)
        for key in ("org", "mixed_invited"):
            kit.answer(made[key], w.owner, rating=5, text=NEAR)
            kit.answer(made[key], w.far_owner, rating=1, text=FAR)
    return made


VISIBLE = ("org", "near", "near_building", "mixed_invited", "empty_invited")
HIDDEN = ("far", "far_building", "far_invited")


def test_limited_manager_lists_only_surveys_touching_their_properties(
        world, login, near_manager, surveys):
    page = login(near_manager).get("/o/sunrise/surveys/manage/").text
    for key in VISIBLE:
        assert surveys[key].title in page, key
    for key in HIDDEN:
        assert surveys[key].title not in page, key


def test_all_property_manager_still_lists_everything(world, login, surveys):
    page = login(world.sunrise.manager).get("/o/sunrise/surveys/manage/").text
    for survey in surveys.values():
        assert survey.title in page


@pytest.mark.parametrize("path", [
    "", "results/", "results/rate/", "export.csv", "export.xlsx", "preview/",
])
def test_limited_manager_gets_404_for_surveys_outside_their_properties(
        world, login, near_manager, surveys, path):
    client = login(near_manager)
    for key in HIDDEN:
        url = f"/o/sunrise/surveys/manage/{surveys[key].pk}/{path}"
        assert client.get(url).status_code == 404, (key, url)
    assert client.get(f"/o/sunrise/surveys/manage/{surveys['near'].pk}/{path}"
                      ).status_code == 200


def test_limited_manager_cannot_close_a_survey_outside_their_properties(
        world, login, near_manager, surveys):
    response = login(near_manager).post(
        f"/o/sunrise/surveys/manage/{surveys['far'].pk}/close/")
    assert response.status_code == 404


def test_api_limits_a_manager_to_their_properties(world, client, near_manager, surveys):
    client.force_login(near_manager)
    listed = client.get("/api/v1/orgs/sunrise/surveys/?page_size=100").json()
    assert {s["id"] for s in listed["results"]} == {surveys[k].pk for k in VISIBLE}
    for key in HIDDEN:
        for tail in ("", "responses/", "results/"):
            url = f"/api/v1/orgs/sunrise/surveys/{surveys[key].pk}/{tail}"
            assert client.get(url).status_code == 404, url


def test_results_of_a_wider_survey_show_only_the_managers_properties(
        world, login, near_manager, surveys):
    client = login(near_manager)
    for key in ("org", "mixed_invited"):
        pk = surveys[key].pk
        data = client.get(f"/api/v1/orgs/sunrise/surveys/{pk}/results/").json()
        assert data["responses"] == 1, key
        # Asked in the Garden: the owner, the household member and the neighbour
        # (organisation-wide); the owner alone (invited).
        assert data["invited"] == (3 if key == "org" else 1), key
        assert data["response_rate"] == (33.3 if key == "org" else 100.0), key
        texts = [q for q in data["questions"] if q["kind"] == "text"][0]["texts"]
        assert texts == [NEAR], key
        page = client.get(f"/o/sunrise/surveys/manage/{pk}/results/").text
        assert NEAR in page and FAR not in page
        responses = client.get(f"/api/v1/orgs/sunrise/surveys/{pk}/responses/").json()
        assert [r["property"] for r in responses["results"]] == [world.sunrise.property.pk]
    export = client.get(f"/o/sunrise/surveys/manage/{surveys['org'].pk}/export.csv")
    csv = export.content.decode()
    assert NEAR in csv and FAR not in csv
    # Another property's filter shows nothing rather than the far property's answers.
    far = client.get(f"/api/v1/orgs/sunrise/surveys/{surveys['org'].pk}/results/"
                     f"?property={world.sunrise.other_property.pk}").json()
    assert far["responses"] == 0


def test_all_property_manager_sees_every_response(world, client, surveys):
    client.force_login(world.sunrise.manager)
    data = client.get(f"/api/v1/orgs/sunrise/surveys/{surveys['org'].pk}/results/").json()
    assert data["responses"] == 2 and data["invited"] == 4


def test_limited_manager_cannot_aim_a_survey_at_another_property(world, near_manager):
    w = world.sunrise
    with scope(organization=w.org):
        access = Kit(w).access(near_manager)
        with pytest.raises(ValidationError) as error:
            survey_create(access=access, title="Lakeside", audience=Audience.PROPERTY,
                          audience_property=w.other_property)
        assert "audience_property" in error.value.error_dict
        with pytest.raises(ValidationError):
            survey_create(access=access, title="Lakeside A", audience=Audience.BUILDING,
                          audience_building=w.other_building)
        mine = survey_create(access=access, title="Garden", audience=Audience.PROPERTY,
                             audience_property=w.property)
        assert mine.audience_property_id == w.property.pk


def test_builder_offers_only_the_managers_properties(world, login, near_manager):
    page = login(near_manager).get("/o/sunrise/surveys/manage/new/").text
    assert world.sunrise.property.name in page
    assert world.sunrise.other_property.name not in page


def test_limited_manager_list_counts_their_properties_in_constant_queries(
        world, login, near_manager, surveys, django_assert_max_num_queries):
    client = login(near_manager)
    client.get("/o/sunrise/surveys/manage/")  # warm the session and caches
    # 15: session, user, organisation, access (membership, its properties, residencies);
    # the surveys; 4 counts (responses of the surveys inside the manager's properties, of the
    # wider ones; the people asked there by organisation-wide and by invited surveys); the
    # layout's organisation switcher (3) and unread notifications.
    with django_assert_max_num_queries(15):
        page = client.get("/o/sunrise/surveys/manage/").text
    assert "33.3 %" in page  # organisation-wide: 1 of the 3 asked in the Garden


def test_staff_home_lists_open_surveys_of_their_properties_only(world, login, surveys):
    page = login(world.sunrise.staff).get("/o/sunrise/").text
    assert surveys["near"].title in page and surveys["org"].title in page
    assert surveys["far"].title not in page
