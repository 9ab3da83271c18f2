from decimal import Decimal

from django.test import Client
from django_scopes import scopes_disabled

from portal.tenancy.models import Membership
from tests import factories as f

URL = "/api/v1/me/"


def test_me_describes_the_owner_and_their_home(world, api):
    s = world.sunrise
    with scopes_disabled():
        s.unit.area = Decimal("89.50")
        s.unit.save()
    body = api(s.owner).get(URL).json()

    assert body["user"] == {
        "id": s.owner.pk,
        "full_name": s.owner.full_name,
        "email": "owner@sunrise.test",
        "phone": s.owner.phone,
        "language": "",
        "large_text": False,
    }
    assert body["memberships"] == []
    assert body["residencies"] == [
        {
            "organization": "sunrise",
            "property": {"id": s.property.pk, "name": s.property.name},
            "building": {"id": s.building.pk, "name": s.building.name},
            "unit": {"id": s.unit.pk, "number": "101", "floor": 1, "area": "89.50"},
            "relation": "owner",
            "verified": True,
        }
    ]


def test_me_lists_staff_scope_per_organisation(world, api):
    s = world.sunrise
    staff_body = api(s.staff).get(URL).json()
    assert staff_body["memberships"] == [
        {
            "organization": {"slug": "sunrise", "name": s.org.name},
            "role": "staff",
            "all_properties": False,
            "property_ids": [s.property.pk],
        }
    ]
    assert staff_body["residencies"] == []

    # Administrators and all-properties managers cover every property, including future ones.
    for person in (s.admin, s.manager):
        membership = api(person).get(URL).json()["memberships"][0]
        assert membership["all_properties"] is True
        assert membership["property_ids"] == []


def test_me_shows_an_unverified_residency_as_such(world, api):
    residencies = api(world.sunrise.unverified).get(URL).json()["residencies"]
    assert [r["verified"] for r in residencies] == [False]


def test_me_leaves_out_inactive_memberships_and_organisations(world, api):
    s = world.sunrise
    with scopes_disabled():
        Membership.objects.filter(user=s.staff).update(is_active=False)
        s.org.is_active = False
        s.org.save()
    assert api(s.staff).get(URL).json()["memberships"] == []
    assert api(s.owner).get(URL).json()["residencies"] == []


def test_me_spans_organisations_in_a_constant_number_of_queries(
    world, api, django_assert_num_queries
):
    person = f.UserFactory()
    client = api(person)
    # token + user, memberships, their properties (skipped when there is none), residencies
    with django_assert_num_queries(3):
        assert client.get(URL).status_code == 200

    with scopes_disabled():
        for org_world in (world.sunrise, world.harbor):
            f.MembershipFactory(
                organization=org_world.org, user=person,
                properties=[org_world.property, org_world.other_property],
            )
            for unit in (org_world.unit, org_world.neighbour_unit, org_world.far_unit):
                f.ResidencyFactory(unit=unit, user=person)
    with django_assert_num_queries(4):
        body = client.get(URL).json()
    assert len(body["memberships"]) == 2
    assert len(body["residencies"]) == 6


def test_me_needs_a_signed_in_caller(db):
    assert Client().get(URL).status_code in (401, 403)


def test_me_works_with_a_session_too(world, login):
    assert login(world.sunrise.owner).get(URL).json()["user"]["id"] == world.sunrise.owner.pk


def test_patch_me_updates_preferences(world, api):
    owner = world.sunrise.owner
    response = api(owner).patch(
        URL, {"language": "en", "large_text": True, "full_name": "Wang Fang"},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert response.json()["user"]["language"] == "en"
    owner.refresh_from_db()
    assert (owner.language, owner.large_text, owner.full_name) == ("en", True, "Wang Fang")


def test_patch_me_changes_only_the_fields_sent(world, api):
    owner = world.sunrise.owner
    name = owner.full_name
    api(owner).patch(URL, {"large_text": True}, content_type="application/json")
    owner.refresh_from_db()
    assert owner.large_text is True
    assert (owner.full_name, owner.language) == (name, "")


def test_patch_me_cannot_change_email_or_phone(world, api):
    owner = world.sunrise.owner
    api(owner).patch(URL, {"email": "x@evil.test", "phone": "+8613900000000"},
                     content_type="application/json")
    owner.refresh_from_db()
    assert owner.email == "owner@sunrise.test"


def test_patch_me_rejects_an_unknown_language_in_the_callers_saved_language(world, api):
    owner = world.sunrise.owner
    owner.language = "en"
    owner.save()
    # The token caller's saved language wins over the header, as on the web pages.
    response = api(owner, **{"Accept-Language": "zh-hans"}).patch(
        URL, {"language": "klingon"}, content_type="application/json"
    )
    assert response.status_code == 400
    assert response["Content-Language"] == "en"
    assert response.json() == {"language": ['"klingon" is not a valid choice.']}
    owner.refresh_from_db()
    assert owner.language == "en"


def test_patch_me_error_is_chinese_for_a_chinese_speaker(world, api):
    owner = world.sunrise.owner
    owner.language = "zh-hans"
    owner.save()
    response = api(owner, **{"Accept-Language": "en"}).patch(
        URL, {"full_name": ""}, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json() == {"full_name": ["该字段不能为空。"]}
