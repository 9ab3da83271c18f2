import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django_scopes import scopes_disabled

from portal.accounts.models import Invitation
from portal.tenancy.models import Residency

from .helpers import url

User = get_user_model()


@pytest.fixture
def eager(settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True


def _residency(user, unit=None):
    with scopes_disabled():
        residencies = Residency.objects.filter(user=user)
        if unit is not None:
            residencies = residencies.filter(unit=unit)
        return residencies.get()


def _names(response):
    return sorted(r.user.email.split("@")[0] for r in response.context["page"])


def test_admin_sees_every_active_residency_of_the_organisation(world, login):
    response = login(world.sunrise.admin).get(url("resident-list"))
    assert _names(response) == ["farowner", "household", "neighbour", "owner", "unverified"]


def test_staff_see_only_residencies_in_their_property_scope(world, login):
    assert _names(login(world.sunrise.staff).get(url("resident-list"))) == [
        "household", "neighbour", "owner", "unverified"
    ]
    assert _names(login(world.sunrise.staff_out).get(url("resident-list"))) == ["farowner"]


def test_staff_cannot_widen_their_scope_with_a_filter(world, login):
    w = world.sunrise
    response = login(w.staff).get(url("resident-list"), {"property": w.other_property.pk})
    assert "farowner" not in _names(response)


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"state": "unverified"}, ["unverified"]),
        ({"state": "verified", "building": "{building}"}, ["household", "neighbour", "owner"]),
        ({"q": "Household"}, ["household"]),
        ({"q": "102"}, ["neighbour", "unverified"]),
        ({"q": "neighbour@sunrise"}, ["neighbour"]),
        ({"property": "{other_property}"}, ["farowner"]),
    ],
)
def test_resident_list_filters_and_search(world, login, params, expected):
    w = world.sunrise
    params = {k: v.format(building=w.building.pk, other_property=w.other_property.pk)
              for k, v in params.items()}
    assert _names(login(w.admin).get(url("resident-list"), params)) == expected


def test_search_finds_a_phone_number_written_with_spaces(world, login):
    owner = world.sunrise.owner
    spaced = f"{owner.phone[3:6]} {owner.phone[6:10]} {owner.phone[10:]}"
    assert _names(login(world.sunrise.admin).get(url("resident-list"), {"q": spaced})) == [
        "owner"
    ]


def test_staff_in_scope_verify_a_residency(world, login):
    w = world.sunrise
    residency = _residency(w.unverified)
    response = login(w.staff).post(url("resident-verify", residency.pk))
    assert response.status_code == 302
    residency.refresh_from_db()
    assert residency.verified_at is not None and residency.verified_by == w.staff
    # The resident now has access to the organisation.
    assert login(w.unverified).get(f"/o/{w.org.slug}/").status_code == 200


def test_staff_outside_the_scope_cannot_verify(world, login):
    residency = _residency(world.sunrise.unverified)
    response = login(world.sunrise.staff_out).post(url("resident-verify", residency.pk))
    assert response.status_code == 404
    residency.refresh_from_db()
    assert residency.verified_at is None


def test_verifying_twice_keeps_the_first_verifier(world, login):
    w = world.sunrise
    residency = _residency(w.unverified)
    login(w.staff).post(url("resident-verify", residency.pk))
    login(w.admin).post(url("resident-verify", residency.pk))
    residency.refresh_from_db()
    assert residency.verified_by == w.staff


def test_deactivating_a_residency_removes_the_residents_access(world, login):
    w = world.sunrise
    residency = _residency(w.neighbour)
    back = url("resident-list") + "?q=102"
    response = login(w.staff).post(url("resident-deactivate", residency.pk), {"next": back})
    assert response.status_code == 302 and response["Location"] == back
    residency.refresh_from_db()
    assert not residency.is_active
    assert login(w.neighbour).get(f"/o/{w.org.slug}/").status_code == 404
    assert _names(login(w.admin).get(url("resident-list"), {"state": "inactive"})) == [
        "neighbour"
    ]


def test_an_outside_next_address_is_ignored(world, login):
    residency = _residency(world.sunrise.neighbour)
    response = login(world.sunrise.staff).post(
        url("resident-deactivate", residency.pk), {"next": "https://evil.example/"}
    )
    assert response["Location"] == url("resident-list")


def test_staff_add_a_resident_by_hand_who_is_verified_and_invited(
    world, login, eager, django_capture_on_commit_callbacks
):
    w = world.sunrise
    with django_capture_on_commit_callbacks(execute=True):
        response = login(w.staff).post(url("resident-create"), {
            "full_name": "Zhao Lei", "phone": "13900139000", "email": "zhao@example.com",
            "building": w.building.pk, "unit_number": "102", "relation": "renter",
        })
    assert response.status_code == 302
    user = User.objects.get(phone="+8613900139000")
    residency = _residency(user)
    assert (residency.unit, residency.relation) == (w.neighbour_unit, "renter")
    assert residency.verified_by == w.staff
    assert [m.to for m in mail.outbox] == [["zhao@example.com"]]


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"unit_number": "999"}, "unit_number"),
        ({"phone": "", "email": ""}, "phone"),
        ({"phone": "42"}, "phone"),
        ({"email": "owner@sunrise.test", "phone": ""}, "unit_number"),  # already lives there
    ],
)
def test_add_resident_form_reports_field_errors(world, login, data, field):
    w = world.sunrise
    with scopes_disabled():
        before = Residency.objects.count()
    response = login(w.admin).post(url("resident-create"), {
        "full_name": "X", "phone": "13900139001", "building": w.building.pk,
        "unit_number": "101", "relation": "owner", **data,
    })
    assert response.status_code == 200
    assert response.context["form"].has_error(field)
    with scopes_disabled():
        assert Residency.objects.count() == before


def test_staff_cannot_add_a_resident_outside_their_scope(world, login):
    w = world.sunrise
    with scopes_disabled():
        before = Residency.objects.count()
    response = login(w.staff_out).post(url("resident-create"), {
        "full_name": "X", "phone": "13900139001", "building": w.building.pk,
        "unit_number": "101", "relation": "owner",
    })
    assert response.status_code == 404
    with scopes_disabled():
        assert Residency.objects.count() == before


def test_adding_a_deactivated_resident_again_revives_the_residency(world, login):
    w = world.sunrise
    residency = _residency(w.neighbour)
    login(w.admin).post(url("resident-deactivate", residency.pk))
    response = login(w.admin).post(url("resident-create"), {
        "full_name": "Neighbour", "email": w.neighbour.email, "building": w.building.pk,
        "unit_number": "102", "relation": "household",
    })
    assert response.status_code == 302
    residency.refresh_from_db()
    assert (residency.is_active, residency.relation) == (True, "household")


def test_resending_an_invitation_to_a_resident_without_password(
    world, login, eager, django_capture_on_commit_callbacks
):
    w = world.sunrise
    w.unverified.set_unusable_password()
    w.unverified.save()
    residency = _residency(w.unverified)
    with django_capture_on_commit_callbacks(execute=True):
        response = login(w.staff).post(url("resident-resend", residency.pk))
    assert response.status_code == 302
    assert [m.to for m in mail.outbox] == [[w.unverified.email]]
    with scopes_disabled():
        assert Invitation.objects.filter(user=w.unverified, organization=w.org).count() == 1
    listed = login(w.staff).get(url("resident-list"), {"q": "unverified"}).context["page"]
    assert [r.account_state for r in listed] == ["invited"]
