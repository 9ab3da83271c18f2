"""List pages cost the same number of queries for 3 rows as for a full page (STYLE: query
budgets written down)."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_scopes import scopes_disabled

from portal.accounts.services import invitation_create
from portal.generations import clear_process_memory
from tests import factories as f

from .helpers import url

# Ten for every page (session, user, organisation; membership, its properties and
# residencies for the access check; memberships, residencies and organisations for the
# organisation switcher; the bell's unread count), then the page's own: count, rows, and
# the filters' choices.
BUDGET = 15


def _queries(client, path, **params) -> int:
    clear_process_memory()  # the budget is a cold request's
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path, params)
    assert response.status_code == 200
    return len(queries)


def _grow(world, count=40):
    """Many units, residents in every state, and invitations, all in the admin's reach."""
    w = world.sunrise
    with scopes_disabled():
        for n in range(count):
            unit = f.UnitFactory(building=w.building, number=f"9{n:02d}")
            resident = f.ResidencyFactory(unit=unit, verified_at=None if n % 2 else timezone.now())
            if n % 3:
                invitation_create(organization=w.org, user=resident.user, send=False)


def test_unit_list_query_count_is_constant(world, login, django_assert_max_num_queries):
    client = login(world.sunrise.admin)
    params = {"building": world.sunrise.building.pk}
    few = _queries(client, url("unit-list"), **params)
    _grow(world)
    with django_assert_max_num_queries(BUDGET):
        many = _queries(client, url("unit-list"), **params)
    assert many == few


def test_resident_list_query_count_is_constant(world, login, django_assert_max_num_queries):
    users = (world.sunrise.admin, world.sunrise.staff)
    few = [_queries(login(user), url("resident-list"), state="") for user in users]
    _grow(world)
    for user, expected in zip(users, few, strict=True):
        client = login(user)
        with django_assert_max_num_queries(BUDGET):
            assert _queries(client, url("resident-list"), state="") == expected


def test_staff_property_and_asset_lists_query_counts_are_constant(
    world, login, django_assert_max_num_queries
):
    names = ("staff-list", "property-list", "asset-list")
    client = login(world.sunrise.admin)
    few = [_queries(client, url(name)) for name in names]
    _grow(world)
    with scopes_disabled():
        for _n in range(10):
            f.MembershipFactory(organization=world.sunrise.org, properties=[world.sunrise.property])
            f.PropertyFactory(organization=world.sunrise.org)
            f.AssetFactory(property=world.sunrise.property)
    with django_assert_max_num_queries(BUDGET * 3):
        many = [_queries(client, url(name)) for name in names]
    assert many == few
