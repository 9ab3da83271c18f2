import pytest
from django.urls import reverse
from django_scopes import scopes_disabled

from portal.accounts import services
from portal.accounts.models import Invitation, User
from tests import factories as f


@pytest.fixture
def operator(login, db):
    user = f.UserFactory(email="operator@courtyard.test", is_staff=True, is_superuser=True)
    return login(user)


def test_user_admin_pages_render_without_a_username_field(operator, world):
    owner = world.sunrise.owner
    changelist = operator.get(reverse("admin:accounts_user_changelist"), {"q": "sunrise"})
    assert changelist.status_code == 200
    assert owner.email in changelist.content.decode()
    assert operator.get(reverse("admin:accounts_user_change", args=[owner.pk])).status_code == 200
    assert operator.get(reverse("admin:accounts_user_add")).status_code == 200


def test_user_list_costs_a_constant_number_of_queries(
    operator, world, django_assert_max_num_queries
):
    with django_assert_max_num_queries(10):
        assert operator.get(reverse("admin:accounts_user_changelist")).status_code == 200


def test_operator_adds_a_phone_only_user_in_any_spelling(operator, db):
    response = operator.post(
        reverse("admin:accounts_user_add"),
        {"email": "", "phone": "138-0013-8000", "full_name": "Zhang Wei",
         "usable_password": "false", "password1": "", "password2": ""},
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    user = User.objects.get(full_name="Zhang Wei")
    assert user.phone == "+8613800138000" and user.email is None
    assert not user.has_usable_password()


def test_operator_must_give_an_email_or_a_phone(operator, db):
    response = operator.post(
        reverse("admin:accounts_user_add"),
        {"email": "", "phone": "", "full_name": "Nobody", "usable_password": "false"},
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.has_error("email")


def test_operator_cannot_add_an_email_twice_in_another_case(operator, world):
    response = operator.post(
        reverse("admin:accounts_user_add"),
        {"email": "OWNER@sunrise.test", "full_name": "Copy", "usable_password": "false"},
    )
    assert response.status_code == 200
    assert not response.context["adminform"].form.is_valid()


def test_invitation_admin_shows_the_token_hash_read_only(operator, world):
    with scopes_disabled():
        invitation = services.invitation_create(
            organization=world.sunrise.org, user=world.sunrise.owner, send=False
        )
    page = operator.get(reverse("admin:accounts_invitation_change", args=[invitation.pk]))
    body = page.content.decode()

    assert page.status_code == 200
    assert Invitation.hash_token(invitation.token) in body
    assert 'name="token_hash"' not in body
    assert invitation.token not in body
    assert operator.get(reverse("admin:accounts_invitation_add")).status_code == 403


def test_invitation_list_costs_a_constant_number_of_queries(
    operator, world, django_assert_max_num_queries
):
    with scopes_disabled():
        for user in (world.sunrise.owner, world.sunrise.neighbour, world.harbor.owner):
            services.invitation_create(organization=user_org(world, user), user=user, send=False)
    with django_assert_max_num_queries(10):
        assert operator.get(reverse("admin:accounts_invitation_changelist")).status_code == 200


def user_org(world, user):
    return world.sunrise.org if user.email.endswith("sunrise.test") else world.harbor.org


def test_send_new_link_action_creates_a_fresh_invitation(operator, world):
    pending = f.UserFactory(email="pending@example.com", password=None, is_active=False)
    with scopes_disabled():
        old = services.invitation_create(organization=world.sunrise.org, user=pending, send=False)

    response = operator.post(
        reverse("admin:accounts_invitation_changelist"),
        {"action": "send_new_link", "_selected_action": [old.pk]},
    )

    assert response.status_code == 302
    with scopes_disabled():
        assert Invitation.objects.filter(user=pending).count() == 2


def test_admin_is_closed_to_organisation_admins(login, world):
    client = login(world.sunrise.admin)  # an organisation's admin, not a platform operator
    response = client.get(reverse("admin:accounts_user_changelist"))
    assert response.status_code == 302
