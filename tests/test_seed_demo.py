import re
from io import StringIO

import phonenumbers
import pytest
from django.apps import apps
from django.contrib.auth import authenticate, get_user_model
from django.core.management import CommandError, call_command
from django.db.models import Count
from django_scopes import scopes_disabled

from portal.demo import registry, seed_step
from portal.tenancy.models import Asset, Building, Membership, Property, Residency, Unit

from .factories import OrganizationFactory

LOGINS = [
    "admin@sunrise.example",
    "manager@sunrise.example",
    "staff@sunrise.example",
    "owner@sunrise.example",
    "owner@harbor.example",
]


def seed() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


@pytest.fixture
def seeded(db, settings):
    settings.DEBUG = True
    return seed()


def row_counts() -> dict[str, int]:
    models = [*apps.get_app_config("tenancy").get_models(), get_user_model()]
    with scopes_disabled():
        return {model._meta.label: model._base_manager.count() for model in models}


def test_seed_demo_builds_sunrise_with_300_units_and_20_staff(seeded):
    with scopes_disabled():
        sunrise = dict(organization__slug="sunrise")
        assert Property.objects.filter(**sunrise).count() == 2
        assert Building.objects.filter(**sunrise).count() >= 6
        units = Unit.objects.filter(**sunrise)
        assert units.count() == 300
        assert all(1 <= unit.floor <= 18 for unit in units)
        assert all(60 <= unit.area <= 160 for unit in units)
        assert all(re.fullmatch(r"\d-\d{1,2}0\d", unit.number) for unit in units)
        assert units.filter(number="1-1801").exists()

        roles = dict(
            Membership.objects.filter(**sunrise).values_list("role").annotate(n=Count("pk"))
        )
        assert roles == {"admin": 1, "manager": 2, "staff": 17}
        assert Membership.objects.filter(**sunrise, title__startswith="维修组").count() >= 3
        assert Asset.objects.filter(**sunrise, kind=Asset.Kind.ELEVATOR).count() >= 6

        residencies = Residency.objects.filter(**sunrise, verified_at__isnull=False)
        owners = residencies.filter(relation=Residency.Relation.OWNER)
        assert owners.count() == 300
        assert owners.values("unit").distinct().count() == 300  # one owner per unit
        assert residencies.filter(relation=Residency.Relation.HOUSEHOLD).count() > 50


def test_seed_demo_builds_a_small_second_organisation(seeded):
    with scopes_disabled():
        harbor = dict(organization__slug="harbor")
        assert Property.objects.filter(**harbor).count() == 1
        assert Building.objects.filter(**harbor).count() >= 2
        assert Unit.objects.filter(**harbor).count() >= 3
        assert set(Membership.objects.filter(**harbor).values_list("role", flat=True)) == {
            "admin", "staff"
        }
        assert Residency.objects.filter(**harbor, relation="owner").count() >= 3


def test_staff_scopes_follow_the_fixed_logins(seeded):
    with scopes_disabled():
        staff = Membership.objects.get(user__email="staff@sunrise.example")
        assert not staff.all_properties
        assert [p.name for p in staff.properties.all()] == ["阳光花园 Sunshine Garden"]
        manager = Membership.objects.get(user__email="manager@sunrise.example")
        assert manager.role == "manager" and manager.all_properties
        owner = Residency.objects.get(user__email="owner@sunrise.example")
        household = Residency.objects.filter(unit=owner.unit, relation="household")
        assert owner.relation == "owner" and owner.is_verified
        assert household.filter(verified_at__isnull=False).exists()
        assert owner.unit.property == staff.properties.get()  # staff@ serves owner@'s unit
        assert Residency.objects.get(user__email="owner@harbor.example").organization.slug == (
            "harbor"
        )


@pytest.mark.parametrize("login", LOGINS)
def test_demo_logins_authenticate_with_the_published_password(seeded, rf, login):
    request = rf.post("/accounts/login/")  # django-axes needs the request
    user = authenticate(request, username=login, password="courtyard-demo")
    assert user is not None and user.email == login and user.is_active


def test_demo_owner_signs_in_with_a_phone_number_too(seeded, rf):
    user = authenticate(rf.post("/"), username="138 0013 8004", password="courtyard-demo")
    assert user is not None and user.email == "owner@sunrise.example"


def test_demo_residents_have_valid_mainland_mobile_numbers(seeded):
    with scopes_disabled():
        phones = list(
            get_user_model().objects.filter(residencies__isnull=False)
            .values_list("phone", flat=True).distinct()
        )
    assert len(phones) > 450
    for phone in phones:
        parsed = phonenumbers.parse(phone)
        assert phone.startswith("+8613")
        assert phonenumbers.is_valid_number(parsed)
        assert phonenumbers.number_type(parsed) == phonenumbers.PhoneNumberType.MOBILE


def test_seed_demo_prints_the_logins_and_the_address(seeded):
    for login in LOGINS:
        assert login in seeded
    assert "courtyard-demo" in seeded
    assert "http://127.0.0.1:8000" in seeded


def test_second_run_creates_and_changes_nothing(seeded):
    before = row_counts()
    output = seed()
    assert row_counts() == before
    assert "nothing changed" in output


def test_second_run_restores_a_changed_demo_password(seeded, rf):
    user = get_user_model().objects.get(email="staff@sunrise.example")
    user.set_password("something-else-42")
    user.save()
    seed()
    assert authenticate(rf.post("/"), username=user.email, password="courtyard-demo") == user


def test_a_feature_step_runs_after_the_organisations_and_finds_them(db, settings):
    settings.DEBUG = True
    seen = []

    @seed_step(order=150)
    def probe(ctx):
        sunrise = ctx.orgs["sunrise"]
        seen.append((sunrise.people["owner"].email, sunrise.people["owner"].pk is not None,
                     len(sunrise.units), sunrise.people["staff"].email))

    try:
        seed()
    finally:
        del registry._steps[f"{probe.__module__}.{probe.__qualname__}"]
    assert seen == [("owner@sunrise.example", True, 300, "staff@sunrise.example")]


def test_seed_demo_refuses_a_real_installation_with_debug_off(db, settings):
    settings.DEBUG = False
    OrganizationFactory(slug="real-estate-co")
    with pytest.raises(CommandError, match="real-estate-co"):
        call_command("seed_demo", stdout=StringIO())
    assert row_counts()["accounts.User"] == 0
    call_command("seed_demo", stdout=StringIO(), force=True)
    assert row_counts()["tenancy.Unit"] > 300


def test_seed_demo_fills_an_empty_database_with_debug_off(db, settings):
    settings.DEBUG = False  # a fresh demo server, or the browser tests
    call_command("seed_demo", stdout=StringIO())
    assert row_counts()["tenancy.Unit"] > 300
