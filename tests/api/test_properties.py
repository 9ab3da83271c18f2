import pytest
from django.test import Client
from django_scopes import scopes_disabled

from tests import factories as f


def properties_url(org="sunrise"):
    return f"/api/v1/orgs/{org}/properties/"


def names(response):
    return [p["name"] for p in response.json()["results"]]


def test_staff_list_only_the_properties_in_their_scope(world, api):
    s = world.sunrise
    assert names(api(s.staff).get(properties_url())) == ["sunrise Garden"]
    assert names(api(s.staff_out).get(properties_url())) == ["sunrise Lakeside"]


@pytest.mark.parametrize("role", ["admin", "manager"])
def test_admins_and_all_properties_managers_list_every_property(world, api, role):
    response = api(getattr(world.sunrise, role)).get(properties_url())
    assert names(response) == ["sunrise Garden", "sunrise Lakeside"]


def test_a_property_carries_its_buildings_and_unit_counts(world, api):
    s = world.sunrise
    response = api(s.staff).get(f"{properties_url()}{s.property.pk}/")
    assert response.status_code == 200
    assert response.json() == {
        "id": s.property.pk,
        "name": "sunrise Garden",
        "address": s.property.address,
        "unit_count": 2,
        "buildings": [{"id": s.building.pk, "name": "1", "unit_count": 2}],
    }


def test_staff_get_404_for_a_property_outside_their_scope(world, api):
    s = world.sunrise
    response = api(s.staff).get(f"{properties_url()}{s.other_property.pk}/")
    assert response.status_code == 404
    response = api(s.staff).get(f"{properties_url()}{s.other_property.pk}/units/")
    assert response.status_code == 404


def test_another_organisations_property_is_404_even_for_an_admin(world, api):
    harbor_property = world.harbor.property.pk
    client = api(world.sunrise.admin)
    assert client.get(f"{properties_url()}{harbor_property}/").status_code == 404
    assert client.get(f"{properties_url()}{harbor_property}/units/").status_code == 404


@pytest.mark.parametrize("role", ["owner", "household", "unverified"])
def test_residents_get_404_for_the_staff_api(world, api, role):
    assert api(getattr(world.sunrise, role)).get(properties_url()).status_code == 404


def test_outsiders_get_404_and_anonymous_callers_are_refused(world, api):
    assert api(world.harbor.admin).get(properties_url()).status_code == 404
    assert Client().get(properties_url()).status_code in (401, 403)
    assert api(world.sunrise.admin).get(properties_url("nowhere")).status_code == 404


def test_the_property_list_costs_the_same_queries_for_more_properties(
    world, api, django_assert_num_queries
):
    client = api(world.sunrise.manager)
    # token, organisation (middleware), membership + its properties, residencies,
    # properties, buildings
    with django_assert_num_queries(7):
        client.get(properties_url())
    with scopes_disabled():
        for index in range(5):
            prop = f.PropertyFactory(organization=world.sunrise.org, name=f"Extra {index}")
            for name in ("A", "B", "C"):
                f.UnitFactory.create_batch(3, building=f.BuildingFactory(property=prop, name=name))
    with django_assert_num_queries(7):
        response = client.get(properties_url())
    assert len(response.json()["results"]) == 7
    assert response.json()["results"][0]["buildings"][0]["unit_count"] == 3


def test_units_are_cursor_paginated_in_a_constant_number_of_queries(
    world, api, django_assert_num_queries
):
    s = world.sunrise
    with scopes_disabled():
        tower = f.BuildingFactory(property=s.property, name="Tower")
        f.UnitFactory.create_batch(60, building=tower, floor=7)
    client = api(s.staff)
    url = f"{properties_url()}{s.property.pk}/units/"

    # token, organisation, membership + its properties, residencies, the property, the units
    with django_assert_num_queries(7):
        first = client.get(url).json()
    assert len(first["results"]) == 50
    assert first["previous"] is None
    second = client.get(first["next"]).json()
    assert second["next"] is None
    seen = [u["id"] for u in first["results"] + second["results"]]
    assert len(seen) == len(set(seen)) == 62
    assert first["results"][0] == {
        "id": s.unit.pk, "number": "101", "floor": 1, "area": "89.50",
        "building": {"id": s.building.pk, "name": "1"},
    }


def test_units_can_be_filtered_by_building_and_floor(world, api):
    s = world.sunrise
    with scopes_disabled():
        tower = f.BuildingFactory(property=s.property, name="Tower")
        f.UnitFactory(building=tower, number="701", floor=7)
        f.UnitFactory(building=tower, number="801", floor=8)
    client = api(s.staff)
    url = f"{properties_url()}{s.property.pk}/units/"
    by_building = client.get(url, {"building": tower.pk}).json()["results"]
    assert sorted(u["number"] for u in by_building) == ["701", "801"]
    by_floor = client.get(url, {"building": tower.pk, "floor": 8}).json()["results"]
    assert [u["number"] for u in by_floor] == ["801"]
    # A building of another property (or organisation) simply matches nothing here.
    other = client.get(url, {"building": world.harbor.building.pk}).json()["results"]
    assert other == []
    assert client.get(url, {"building": "x"}).status_code == 400
