import threading
from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.db import connection, connections, transaction
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from portal.accounts import services
from portal.accounts.models import Invitation
from tests import factories as f

NEW_PASSWORD = "a-long-new-secret-42"


@pytest.fixture
def invited(world):
    """A new owner of sunrise's unit who has not chosen a password yet, and their link."""
    user = f.UserFactory(
        email="new.owner@example.com", phone=None, full_name="Li Lei", password=None,
        is_active=False,
    )
    with scopes_disabled():
        f.ResidencyFactory(unit=world.sunrise.neighbour_unit, user=user)
        invitation = services.invitation_create(
            organization=world.sunrise.org, user=user, created_by=world.sunrise.admin, send=False
        )
    return invitation


def accept_url(invitation):
    return reverse("accounts:invitation-accept", args=[invitation.token])


def accept(client, invitation, password=NEW_PASSWORD, again=None, privacy="on"):
    data = {"password1": password, "password2": again or password}
    if privacy:
        data["accept_privacy_notice"] = privacy
    return client.post(accept_url(invitation), data, HTTP_ACCEPT_LANGUAGE="en")


def test_invitation_link_sets_password_signs_in_and_activates(client, invited, world):
    assert client.get(accept_url(invited)).status_code == 200

    response = accept(client, invited)

    assert response.status_code == 302
    assert response["Location"] == reverse("org-home", args=[world.sunrise.org.slug])
    user = invited.user
    user.refresh_from_db()
    assert user.is_active and user.check_password(NEW_PASSWORD)
    assert client.session["_auth_user_id"] == str(user.pk)
    with scopes_disabled():
        invited.refresh_from_db()
    assert invited.used_at is not None


def test_the_accepted_privacy_notice_is_recorded_with_its_version(client, invited, settings):
    settings.PRIVACY_NOTICE_VERSION = "2026-11"
    page = client.get(accept_url(invited))
    assert reverse("privacy-notice") in page.content.decode()
    accept(client, invited)
    user = invited.user
    user.refresh_from_db()
    assert user.privacy_notice_version == "2026-11"
    assert user.privacy_notice_accepted_at is not None
    assert client.get(reverse("privacy-notice")).status_code == 200


def test_no_account_without_accepting_the_privacy_notice(client, invited):
    response = accept(client, invited, privacy=None)
    assert response.status_code == 200
    assert response.context["form"].errors["accept_privacy_notice"] == [
        "Please read and accept the privacy notice."
    ]
    user = invited.user
    user.refresh_from_db()
    assert not user.is_active and not user.has_usable_password()
    assert not user.privacy_notice_version


def test_used_link_is_refused_with_a_clear_message(client, invited):
    accept(client, invited)
    client.logout()

    response = client.get(accept_url(invited), HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 410
    assert "already been used" in response.content.decode()
    assert accept(client, invited, password="another-secret-77").status_code == 410
    invited.user.refresh_from_db()
    assert invited.user.check_password(NEW_PASSWORD)


def test_expired_link_is_refused_with_a_clear_message(client, invited):
    later = timezone.now() + settings.INVITATION_TTL + timedelta(minutes=1)
    with time_machine.travel(later, tick=False):
        response = client.get(accept_url(invited), HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 410
        assert "has expired" in response.content.decode()
        assert accept(client, invited).status_code == 410
    invited.user.refresh_from_db()
    assert not invited.user.has_usable_password()


def test_unknown_link_is_refused(client, db):
    response = client.get(
        reverse("accounts:invitation-accept", args=["made-up-token"]), HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 410
    assert "not valid" in response.content.decode()


def test_mismatched_passwords_are_refused_at_the_field(client, invited):
    response = accept(client, invited, again="something-else-99")
    assert response.status_code == 200
    assert response.context["form"].has_error("password2", "mismatch")
    with scopes_disabled():
        invited.refresh_from_db()
    assert invited.used_at is None


def test_weak_password_is_refused_at_the_field(client, invited):
    response = accept(client, invited, password="12345678")
    assert response.status_code == 200
    assert response.context["form"].errors["password2"]


def test_only_the_hash_of_the_token_is_stored(invited):
    with scopes_disabled():
        stored = Invitation.objects.get(pk=invited.pk)
    assert invited.token not in stored.token_hash
    assert stored.token_hash == Invitation.hash_token(invited.token)


def test_link_for_an_existing_account_does_not_set_its_password(client, world):
    owner = world.sunrise.owner  # already signs in with a password
    with scopes_disabled():
        invitation = services.invitation_create(
            organization=world.harbor.org, user=owner, created_by=world.harbor.admin, send=False
        )

    page = client.get(accept_url(invitation), HTTP_ACCEPT_LANGUAGE="en")
    response = accept(client, invitation, password="takeover-secret-55")

    assert "already have a Courtyard account" in page.content.decode()
    assert "password1" not in page.content.decode()
    assert response.status_code == 200
    owner.refresh_from_db()
    assert owner.check_password(world.password)
    with pytest.raises(services.InvitationError):
        services.invitation_accept(token=invitation.token, password="takeover-secret-55")


def test_existing_account_signed_in_uses_its_link(login, world):
    owner = world.sunrise.owner
    with scopes_disabled():
        invitation = services.invitation_create(
            organization=world.harbor.org, user=owner, send=False
        )
    client = login(owner)

    response = client.get(accept_url(invitation))

    assert response.status_code == 302
    assert response["Location"] == reverse("org-home", args=["harbor"])
    with scopes_disabled():
        invitation.refresh_from_db()
    assert invitation.used_at is not None


def test_someone_else_signed_in_cannot_use_an_existing_accounts_link(login, world):
    with scopes_disabled():
        invitation = services.invitation_create(
            organization=world.harbor.org, user=world.sunrise.owner, send=False
        )
    client = login(world.sunrise.neighbour)

    response = client.get(accept_url(invitation), HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 200
    assert "signed in with another account" in response.content.decode()
    with scopes_disabled():
        invitation.refresh_from_db()
    assert invitation.used_at is None


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_accepts_of_one_link_make_exactly_one_success():
    if connection.vendor != "postgresql":
        pytest.skip("the race needs row locks between real connections: run on PostgreSQL")
    organization = f.OrganizationFactory(slug="race")
    user = f.UserFactory(email="race@example.com", password=None, is_active=False)
    with scopes_disabled():
        invitation = services.invitation_create(organization=organization, user=user, send=False)
    barrier = threading.Barrier(2)
    outcomes = []

    def accept_in_own_connection(password):
        try:
            # Both transactions are open and have read the unused link before either claims it.
            with transaction.atomic():
                services.invitation_get(invitation.token)
                barrier.wait(timeout=10)
                services.invitation_accept(token=invitation.token, password=password)
            outcomes.append(("ok", password))
        except services.InvitationError:
            outcomes.append(("refused", password))
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=accept_in_own_connection, args=(secret,))
        for secret in ("first-secret-11", "second-secret-22")
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(result for result, _ in outcomes) == ["ok", "refused"]
    winner = next(password for result, password in outcomes if result == "ok")
    user.refresh_from_db()
    assert user.check_password(winner)
    with scopes_disabled():
        assert Invitation.objects.get(pk=invitation.pk).used_at is not None


def test_existing_account_signs_in_from_its_link_and_lands_in_the_organisation(client, world):
    owner = world.sunrise.owner
    with scopes_disabled():
        invitation = services.invitation_create(
            organization=world.harbor.org, user=owner, send=False
        )

    response = client.post(
        reverse("accounts:login"),
        {"username": owner.email, "password": world.password, "next": accept_url(invitation)},
    )
    assert response["Location"] == accept_url(invitation)
    response = client.get(response["Location"])

    assert response["Location"] == reverse("org-home", args=["harbor"])
