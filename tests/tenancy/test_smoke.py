import pytest

from .helpers import url

PAGES = ["property-list", "property-create", "unit-list", "unit-create", "asset-list",
         "asset-create", "staff-list", "staff-invite", "resident-list", "resident-create",
         "import"]


@pytest.mark.parametrize("name", PAGES)
def test_admin_pages_render(world, login, name):
    response = login(world.sunrise.admin).get(url(name))
    assert response.status_code == 200
