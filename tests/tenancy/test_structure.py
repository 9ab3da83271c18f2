from decimal import Decimal

import pytest
from django.utils import translation
from django_scopes import scope, scopes_disabled

from portal.tenancy.models import Asset, Building, Property, Unit

from .helpers import url


def test_property_list_shows_counts_of_buildings_and_units(world, login):
    response = login(world.sunrise.admin).get(url("property-list"))
    rows = {p.name: (p.building_count, p.unit_count) for p in response.context["properties"]}
    assert rows == {"sunrise Garden": (1, 2), "sunrise Lakeside": (1, 1)}
    assert "harbor Garden" not in response.content.decode()


def test_admin_creates_and_edits_a_property(world, login):
    client = login(world.sunrise.admin)
    response = client.post(url("property-create"), {"name": "Maple Court", "address": "1 Road"})
    assert response.status_code == 302
    with scopes_disabled():
        prop = Property.objects.get(organization=world.sunrise.org, name="Maple Court")
    response = client.post(url("property-edit", prop.pk), {"name": "Maple Court II"})
    assert response.status_code == 302
    prop.refresh_from_db()
    assert (prop.name, prop.address) == ("Maple Court II", "")


def test_property_name_must_be_unique_within_the_organisation(world, login):
    client = login(world.sunrise.admin)
    response = client.post(url("property-create"), {"name": "SUNRISE garden"})
    assert response.status_code == 200
    assert response.context["form"].has_error("name")
    # Another organisation's names do not clash.
    assert client.post(url("property-create"), {"name": "harbor Garden"}).status_code == 302


def test_field_errors_are_in_the_users_language(world, login):
    admin = world.sunrise.admin
    admin.language = "en"
    admin.save()
    response = login(admin).post(url("property-create"), {"name": "sunrise Garden"})
    assert "A property with this name already exists." in response.content.decode()


def test_admin_adds_and_renames_a_building(world, login):
    w = world.sunrise
    client = login(w.admin)
    response = client.post(url("building-create", w.property.pk), {"name": "2"})
    assert response.status_code == 302
    with scopes_disabled():
        building = Building.objects.get(property=w.property, name="2")
    assert building.organization_id == w.org.pk
    response = client.post(url("building-edit", building.pk), {"name": "1"})
    assert response.context["form"].has_error("name")  # building "1" exists in this property
    assert client.post(url("building-edit", building.pk), {"name": "3"}).status_code == 302


def test_admin_creates_a_unit_with_its_property_taken_from_the_building(world, login):
    w = world.sunrise
    response = login(w.admin).post(
        url("unit-create"),
        {"building": w.other_building.pk, "number": "202", "floor": "2", "area": "101.25"},
    )
    assert response.status_code == 302
    with scopes_disabled():
        unit = Unit.objects.get(building=w.other_building, number="202")
    assert (unit.property_id, unit.floor, unit.area) == (w.other_property.pk, 2, Decimal("101.25"))


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"number": "101"}, "number"),  # already in building 1
        ({"number": "103", "area": "0"}, "area"),
        ({"number": "103", "area": "-5"}, "area"),
        ({"number": "103", "area": "abc"}, "area"),
        ({"number": ""}, "number"),
        ({"number": "103", "floor": "two"}, "floor"),
    ],
)
def test_unit_form_reports_field_errors_and_writes_nothing(world, login, data, field):
    w = world.sunrise
    with scopes_disabled():
        before = Unit.objects.count()
    response = login(w.admin).post(url("unit-create"), {"building": w.building.pk, **data})
    assert response.status_code == 200
    assert response.context["form"].has_error(field)
    with scopes_disabled():
        assert Unit.objects.count() == before


def test_unit_form_refuses_another_organisations_building(world, login):
    response = login(world.sunrise.admin).post(
        url("unit-create"), {"building": world.harbor.building.pk, "number": "999"}
    )
    assert response.context["form"].has_error("building")


def test_moving_a_unit_to_another_building_moves_its_property(world, login):
    w = world.sunrise
    response = login(w.admin).post(
        url("unit-edit", w.unit.pk),
        {"building": w.other_building.pk, "number": "101", "floor": "", "area": ""},
    )
    assert response.status_code == 302
    w.unit.refresh_from_db()
    assert (w.unit.building_id, w.unit.property_id) == (w.other_building.pk, w.other_property.pk)
    assert (w.unit.floor, w.unit.area) == (None, None)


def test_renumbering_a_unit_to_a_taken_number_is_refused(world, login):
    w = world.sunrise
    response = login(w.admin).post(
        url("unit-edit", w.unit.pk), {"building": w.building.pk, "number": "102"}
    )
    assert response.context["form"].has_error("number")
    w.unit.refresh_from_db()
    assert w.unit.number == "101"


def test_unit_list_filters_by_property_and_building_and_paginates(world, login):
    w = world.sunrise
    with scopes_disabled():
        Unit.objects.bulk_create(
            Unit(organization=w.org, property=w.other_property, building=w.other_building,
                 number=f"X{n:03d}")
            for n in range(60)
        )
    client = login(w.admin)
    page = client.get(url("unit-list"), {"property": w.property.pk}).context["page"]
    assert [u.number for u in page] == ["101", "102"]
    page = client.get(url("unit-list"), {"building": w.other_building.pk}).context["page"]
    assert page.paginator.count == 61 and len(page.object_list) == 50
    page = client.get(url("unit-list"), {"building": w.other_building.pk, "page": 2}).context[
        "page"
    ]
    assert len(page.object_list) == 11
    # An id of another organisation is ignored, not an error and not a leak.
    page = client.get(url("unit-list"), {"property": world.harbor.property.pk}).context["page"]
    assert page.paginator.count == 63


def test_admin_creates_and_edits_an_asset(world, login):
    w = world.sunrise
    client = login(w.admin)
    response = client.post(url("asset-create"), {
        "property": w.other_property.pk, "building": "", "name": "Main gate", "kind": "gate",
        "code": "G-1",
    })
    assert response.status_code == 302
    with scopes_disabled():
        asset = Asset.objects.get(name="Main gate")
    assert (asset.property_id, asset.building_id, asset.code) == (w.other_property.pk, None, "G-1")
    response = client.post(url("asset-edit", asset.pk), {
        "property": w.other_property.pk, "building": w.other_building.pk, "name": "Gate A",
        "kind": "gate", "code": "",
    })
    assert response.status_code == 302
    asset.refresh_from_db()
    assert (asset.building_id, asset.name) == (w.other_building.pk, "Gate A")


def test_asset_building_must_belong_to_its_property(world, login):
    w = world.sunrise
    response = login(w.admin).post(url("asset-create"), {
        "property": w.property.pk, "building": w.other_building.pk, "name": "Pump",
        "kind": "pump",
    })
    assert response.status_code == 200
    assert response.context["form"].has_error("building")


def test_services_refuse_a_building_of_another_property_too(world):
    from django.core.exceptions import ValidationError

    from portal.tenancy import services

    w = world.sunrise
    with scope(organization=w.org), translation.override("en"):
        with pytest.raises(ValidationError) as error:
            services.asset_create(
                organization=w.org, property=w.property, building=w.other_building,
                name="Pump", kind="pump",
            )
        assert "building" in error.value.message_dict
        with pytest.raises(ValidationError) as error:
            services.unit_create(organization=w.org, building=world.harbor.building, number="1")
        assert "building" in error.value.message_dict
