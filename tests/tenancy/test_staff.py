import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django_scopes import scopes_disabled

from portal.accounts.models import Invitation
from portal.tenancy.models import Membership

from .helpers import url

User = get_user_model()


@pytest.fixture
def eager(settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True


def _membership(org, user):
    with scopes_disabled():
        return Membership.objects.get(organization=org, user=user)


def test_staff_list_shows_roles_scopes_and_account_states(world, login):
    response = login(world.sunrise.admin).get(url("staff-list"))
    rows = {m.user.email: m for m in response.context["memberships"]}
    assert set(rows) == {
        "admin@sunrise.test", "manager@sunrise.test", "staff@sunrise.test",
        "staffout@sunrise.test",
    }
    assert rows["staff@sunrise.test"].account_state == "active"
    assert [p.name for p in rows["staff@sunrise.test"].properties.all()] == ["sunrise Garden"]
    assert "harbor" not in response.content.decode()


def test_inviting_a_new_person_creates_an_inactive_user_a_membership_and_emails_a_link(
    world, login, eager, django_capture_on_commit_callbacks
):
    w = world.sunrise
    with django_capture_on_commit_callbacks(execute=True):
        response = login(w.admin).post(url("staff-invite"), {
            "full_name": "Li Na", "email": "Li.Na@Example.com", "phone": "138 0013 8000",
            "role": "staff", "title": "Front desk", "properties": [w.property.pk],
        })
    assert response.status_code == 302
    user = User.objects.get(email="li.na@example.com")
    assert (user.phone, user.is_active, user.has_usable_password()) == (
        "+8613800138000", False, False
    )
    membership = _membership(w.org, user)
    assert (membership.role, membership.title) == ("staff", "Front desk")
    with scopes_disabled():
        assert list(membership.properties.all()) == [w.property]
        assert Invitation.objects.filter(organization=w.org, user=user).count() == 1
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["li.na@example.com"]
    assert "/accounts/invitation/" in mail.outbox[0].body


def test_inviting_an_existing_person_reuses_their_account(
    world, login, eager, django_capture_on_commit_callbacks
):
    w = world.sunrise
    harbor_staff = world.harbor.staff  # has a password already, in another organisation
    with django_capture_on_commit_callbacks(execute=True):
        response = login(w.admin).post(url("staff-invite"), {
            "full_name": "Someone", "phone": harbor_staff.phone, "role": "manager",
            "all_properties": "on",
        })
    assert response.status_code == 302
    membership = _membership(w.org, harbor_staff)
    assert membership.all_properties
    harbor_staff.refresh_from_db()
    assert harbor_staff.full_name == "Staff harbor"  # not overwritten by another organisation
    assert harbor_staff.check_password(world.password)
    # The link tells them to sign in with the account they have.
    assert [m.to for m in mail.outbox] == [[harbor_staff.email]]


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"full_name": "X", "role": "staff", "all_properties": "on"}, "phone"),
        ({"full_name": "X", "phone": "12345", "role": "staff", "all_properties": "on"}, "phone"),
        ({"full_name": "X", "email": "not-an-email", "role": "staff", "all_properties": "on"},
         "email"),
        ({"full_name": "X", "email": "x@example.com", "role": "staff"}, "properties"),
        ({"full_name": "", "email": "x@example.com", "role": "staff", "all_properties": "on"},
         "full_name"),
        ({"full_name": "X", "email": "staff@sunrise.test", "role": "staff",
          "all_properties": "on"}, "email"),  # already on the staff list
    ],
)
def test_invite_form_reports_field_errors_and_writes_nothing(world, login, data, field):
    with scopes_disabled():
        before = (User.objects.count(), Membership.objects.count(), Invitation.objects.count())
    response = login(world.sunrise.admin).post(url("staff-invite"), data)
    assert response.status_code == 200
    assert response.context["form"].has_error(field)
    with scopes_disabled():
        after = (User.objects.count(), Membership.objects.count(), Invitation.objects.count())
    assert after == before


def test_invite_refuses_an_email_and_phone_of_two_different_people(world, login):
    response = login(world.sunrise.admin).post(url("staff-invite"), {
        "full_name": "X", "email": "owner@sunrise.test", "phone": world.sunrise.staff.phone,
        "role": "staff", "all_properties": "on",
    })
    assert response.context["form"].has_error("phone")


def test_invite_refuses_another_organisations_property(world, login):
    response = login(world.sunrise.admin).post(url("staff-invite"), {
        "full_name": "X", "email": "x@example.com", "role": "staff",
        "properties": [world.harbor.property.pk],
    })
    assert response.context["form"].has_error("properties")


def test_admin_changes_role_title_and_scope(world, login):
    w = world.sunrise
    membership = _membership(w.org, w.staff)
    response = login(w.admin).post(url("staff-edit", membership.pk), {
        "role": "manager", "title": "Project manager", "properties": [w.other_property.pk],
    })
    assert response.status_code == 302
    membership.refresh_from_db()
    assert (membership.role, membership.title) == ("manager", "Project manager")
    with scopes_disabled():
        assert list(membership.properties.all()) == [w.other_property]


def test_the_last_active_admin_cannot_demote_or_deactivate_themselves(world, login):
    w = world.sunrise
    membership = _membership(w.org, w.admin)
    client = login(w.admin)
    response = client.post(
        url("staff-edit", membership.pk), {"role": "manager", "all_properties": "on"}
    )
    assert response.context["form"].has_error("role")
    response = client.post(url("staff-deactivate", membership.pk))
    assert response.status_code == 302
    membership.refresh_from_db()
    assert (membership.role, membership.is_active) == ("admin", True)


def test_an_admin_may_step_down_when_another_admin_remains(world, login):
    w = world.sunrise
    manager = _membership(w.org, w.manager)
    client = login(w.admin)
    client.post(url("staff-edit", manager.pk), {"role": "admin"})
    own = _membership(w.org, w.admin)
    response = client.post(url("staff-deactivate", own.pk))
    assert response.status_code == 302
    own.refresh_from_db()
    assert not own.is_active


def test_deactivated_staff_lose_access_and_can_be_reactivated(world, login, client):
    w = world.sunrise
    membership = _membership(w.org, w.staff)
    login(w.admin).post(url("staff-deactivate", membership.pk))
    membership.refresh_from_db()
    assert not membership.is_active
    assert login(w.staff).get(url("resident-list")).status_code == 404
    login(w.admin).post(url("staff-reactivate", membership.pk))
    membership.refresh_from_db()
    assert membership.is_active


def test_resending_an_invitation_sends_a_new_link(
    world, login, eager, django_capture_on_commit_callbacks
):
    w = world.sunrise
    with django_capture_on_commit_callbacks(execute=True):
        login(w.admin).post(url("staff-invite"), {
            "full_name": "Wang", "email": "wang@example.com", "role": "staff",
            "all_properties": "on",
        })
    membership = _membership(w.org, User.objects.get(email="wang@example.com"))
    with django_capture_on_commit_callbacks(execute=True):
        response = login(w.admin).post(url("staff-resend", membership.pk))
    assert response.status_code == 302
    assert len(mail.outbox) == 2
    # Someone with a password gets no link that would reset it.
    with django_capture_on_commit_callbacks(execute=True):
        login(w.admin).post(url("staff-resend", _membership(w.org, w.staff).pk))
    assert len(mail.outbox) == 2
