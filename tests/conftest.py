"""One realistic world for every test: two organisations, properties, staff in and out of
scope, owners of different units (STYLE: Alice, Bob and Charlie, across tenants)."""

from contextlib import contextmanager
from dataclasses import dataclass

import pytest
from django_scopes import scopes_disabled

from portal.generations import clear_process_memory
from portal.tenancy.models import Membership, Residency

from . import factories as f


@pytest.fixture(autouse=True)
def _english_by_default(settings):
    # Assertions read English messages; tests about Chinese ask for it (Accept-Language,
    # the user's saved language, or translation.override).
    settings.LANGUAGE_CODE = "en"


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    # Uploaded and demo photos of a test go to its own folder, not the developer's var/media.
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # Argon2 is the production hasher; tests hash thousands of times and only need equality.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _clean_cache(settings):
    # Only the cache's own keys: cache.clear() would FLUSHDB the Redis database that the
    # Celery broker and the channel layer share, breaking sockets of concurrent test runs.
    from django.core.cache import cache

    client = cache._cache.get_client(write=True)
    prefix = settings.CACHES["default"].get("KEY_PREFIX", "")
    keys = list(client.scan_iter(match=f"{prefix}:*", count=1000))
    if keys:
        client.delete(*keys)
    clear_process_memory()
    yield


# Query budgets are for a cold request: what each web process remembers between requests
# (portal.generations) is forgotten before every counted block.
@pytest.fixture
def django_assert_num_queries(django_assert_num_queries):
    return _cold(django_assert_num_queries)


@pytest.fixture
def django_assert_max_num_queries(django_assert_max_num_queries):
    return _cold(django_assert_max_num_queries)


def _cold(assert_queries):
    @contextmanager
    def counted(*args, **kwargs):
        clear_process_memory()
        with assert_queries(*args, **kwargs) as context:
            yield context

    return counted


@dataclass
class OrgWorld:
    org: object
    property: object  # in the staff member's scope
    other_property: object  # outside it
    building: object
    other_building: object
    unit: object  # owner's and household member's unit
    neighbour_unit: object  # same building, another owner
    far_unit: object  # in other_property
    asset: object
    admin: object
    manager: object
    staff: object  # scope: property
    staff_out: object  # scope: other_property
    owner: object
    household: object
    neighbour: object
    far_owner: object
    unverified: object  # a residency that staff have not verified yet


@dataclass
class World:
    sunrise: OrgWorld
    harbor: OrgWorld
    password: str = f.PASSWORD


def _build_org(slug: str) -> OrgWorld:
    org = f.OrganizationFactory(slug=slug, name=f"{slug.title()} Property Services")
    prop = f.PropertyFactory(organization=org, name=f"{slug} Garden")
    other = f.PropertyFactory(organization=org, name=f"{slug} Lakeside")
    building = f.BuildingFactory(property=prop, name="1")
    other_building = f.BuildingFactory(property=other, name="A")
    unit = f.UnitFactory(building=building, number="101", floor=1)
    neighbour_unit = f.UnitFactory(building=building, number="102", floor=1)
    far_unit = f.UnitFactory(building=other_building, number="201", floor=2)
    asset = f.AssetFactory(property=prop, building=building, name=f"{slug} elevator 1")

    def person(name):
        return f.UserFactory(email=f"{name}@{slug}.test", full_name=f"{name.title()} {slug}")

    role = Membership.Role
    admin = f.MembershipFactory(organization=org, user=person("admin"), role=role.ADMIN).user
    manager = f.MembershipFactory(
        organization=org, user=person("manager"), role=role.MANAGER, all_properties=True
    ).user
    staff = f.MembershipFactory(
        organization=org, user=person("staff"), role=role.STAFF, properties=[prop]
    ).user
    staff_out = f.MembershipFactory(
        organization=org, user=person("staffout"), role=role.STAFF, properties=[other]
    ).user
    owner = f.ResidencyFactory(unit=unit, user=person("owner")).user
    household = f.ResidencyFactory(
        unit=unit, user=person("household"), relation=Residency.Relation.HOUSEHOLD
    ).user
    neighbour = f.ResidencyFactory(unit=neighbour_unit, user=person("neighbour")).user
    far_owner = f.ResidencyFactory(unit=far_unit, user=person("farowner")).user
    unverified = f.ResidencyFactory(
        unit=neighbour_unit, user=person("unverified"), verified_at=None
    ).user
    return OrgWorld(
        org, prop, other, building, other_building, unit, neighbour_unit, far_unit, asset,
        admin, manager, staff, staff_out, owner, household, neighbour, far_owner, unverified,
    )


@pytest.fixture
def world(db) -> World:
    with scopes_disabled():
        return World(sunrise=_build_org("sunrise"), harbor=_build_org("harbor"))


@pytest.fixture
def login(client):
    """``login(user)`` signs the test client in as ``user`` and returns the client."""

    def _login(user):
        client.force_login(user, backend="portal.accounts.backends.PhoneOrEmailBackend")
        return client

    return _login
