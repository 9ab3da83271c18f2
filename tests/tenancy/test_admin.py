import pytest
from django_scopes import scopes_disabled

from portal.tenancy.models import Unit
from tests import factories as f


@pytest.fixture
def operator(world, client):
    user = f.UserFactory(is_staff=True, is_superuser=True)
    client.force_login(user, backend="portal.accounts.backends.PhoneOrEmailBackend")
    return client


@pytest.mark.parametrize(
    "model", ["organization", "property", "building", "unit", "asset", "membership", "residency"]
)
def test_platform_operators_list_and_open_every_tenancy_model(operator, world, model):
    response = operator.get(f"/admin/tenancy/{model}/")
    assert response.status_code == 200
    assert "harbor" in response.content.decode().lower()  # across organisations by design
    assert operator.get(f"/admin/tenancy/{model}/add/").status_code == 200


def test_a_unit_added_in_the_django_admin_takes_its_property_from_the_building(operator, world):
    w = world.sunrise
    response = operator.post("/admin/tenancy/unit/add/", {
        "organization": world.harbor.org.pk,  # corrected to the building's organisation
        "building": w.other_building.pk, "number": "A-9", "floor": "", "area": "",
    })
    assert response.status_code == 302
    with scopes_disabled():
        unit = Unit.objects.get(number="A-9")
    assert (unit.organization_id, unit.property_id) == (w.org.pk, w.other_property.pk)
