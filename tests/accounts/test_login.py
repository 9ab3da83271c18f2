from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.urls import reverse

from tests import factories as f

LOGIN = reverse("accounts:login")


def sign_in(client, username, password=f.PASSWORD, next=None, **headers):
    data = {"username": username, "password": password}
    if next is not None:
        data["next"] = next
    return client.post(LOGIN, data, **headers)


def signed_in_user_id(client):
    return client.session.get("_auth_user_id")


@pytest.fixture
def phone_user(db):
    return f.UserFactory(email=None, phone="+8613800138000", full_name="Wang Fang")


@pytest.mark.parametrize(
    "spelling", ["13800138000", "+86 138 0013 8000", "138-0013-8000", "+8613800138000",
                 " 8613800138000 ", "１３８００１３８０００"],
)
def test_login_accepts_usual_phone_spellings(client, phone_user, spelling):
    response = sign_in(client, spelling)
    assert response.status_code == 302
    assert signed_in_user_id(client) == str(phone_user.pk)


@pytest.mark.parametrize(
    "spelling", ["owner@sunrise.test", "OWNER@Sunrise.TEST", " Owner@sunrise.test"]
)
def test_login_accepts_email_in_any_case(client, world, spelling):
    response = sign_in(client, spelling)
    assert response.status_code == 302
    assert signed_in_user_id(client) == str(world.sunrise.owner.pk)


def test_wrong_password_shows_translated_error_and_does_not_sign_in(client, world):
    response = sign_in(client, "owner@sunrise.test", "wrong", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert "do not match" in response.content.decode()
    assert signed_in_user_id(client) is None


def test_inactive_user_cannot_log_in(client, world):
    owner = world.sunrise.owner
    owner.is_active = False
    owner.save(update_fields=["is_active"])
    response = sign_in(client, "owner@sunrise.test")
    assert response.status_code == 200
    assert signed_in_user_id(client) is None


def test_invited_user_without_password_cannot_log_in(client, db):
    f.UserFactory(email="new@example.com", password=None, is_active=False)
    response = sign_in(client, "new@example.com", "any-guess-at-all")
    assert response.status_code == 200
    assert signed_in_user_id(client) is None


def test_login_follows_a_local_next(client, world):
    response = sign_in(client, "owner@sunrise.test", next="/accounts/profile/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/profile/"


@pytest.mark.parametrize(
    "target", ["https://evil.example/", "//evil.example/", "http://evil.example/accounts/",
               "javascript:alert(1)", "/\\evil.example"],
)
def test_login_refuses_to_redirect_off_site(client, world, target):
    response = sign_in(client, "owner@sunrise.test", next=target)
    assert response.status_code == 302
    assert response["Location"] == reverse(settings.LOGIN_REDIRECT_URL)


def test_signed_in_visitor_of_login_page_is_sent_on_safely(login, world):
    client = login(world.sunrise.owner)
    response = client.get(LOGIN, {"next": "https://evil.example/"})
    assert response.status_code == 302
    assert response["Location"] == reverse(settings.LOGIN_REDIRECT_URL)


def test_repeated_failures_lock_out_with_translated_429_page(client, world):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "owner@sunrise.test", "wrong")

    # Even the right password is refused now.
    response = sign_in(client, "owner@sunrise.test", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 429
    assert "accounts/locked_out.html" in [t.name for t in response.templates]
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    assert f"blocked for {minutes} minutes" in response.content.decode()
    assert signed_in_user_id(client) is None


def test_lockout_page_states_the_configured_cooloff(client, world, settings):
    settings.AXES_COOLOFF_TIME = timedelta(minutes=1)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "owner@sunrise.test", "wrong")
    response = sign_in(client, "owner@sunrise.test", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 429
    assert "blocked for 1 minute." in response.content.decode()


def test_lockout_page_is_in_the_visitors_language(client, world):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "owner@sunrise.test", "wrong")
    response = sign_in(client, "owner@sunrise.test", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 429
    assert '<html lang="zh-hans">' in response.content.decode()


def test_every_spelling_of_one_phone_counts_towards_one_lockout(client, phone_user):
    spellings = ["13800138000", "+86 138 0013 8000", "138-0013-8000", "8613800138000",
                 "+8613800138000"]
    for spelling in spellings[: settings.AXES_FAILURE_LIMIT]:
        sign_in(client, spelling, "wrong")

    response = sign_in(client, "138 0013 8000")

    assert response.status_code == 429
    assert signed_in_user_id(client) is None


def test_email_case_does_not_buy_extra_guesses(client, world):
    for index in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "owner@sunrise.test".upper() if index % 2 else "owner@sunrise.test",
                "wrong")
    assert sign_in(client, "Owner@Sunrise.test").status_code == 429


def test_lockout_of_one_account_leaves_others_alone(client, world):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "owner@sunrise.test", "wrong")
    assert sign_in(client, "neighbour@sunrise.test").status_code == 302


def test_successful_login_resets_failure_count(client, world):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        sign_in(client, "owner@sunrise.test", "wrong")

    assert sign_in(client, "OWNER@sunrise.test").status_code == 302

    assert not AccessAttempt.objects.exists()
    client.logout()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        sign_in(client, "owner@sunrise.test", "wrong")
    assert sign_in(client, "owner@sunrise.test").status_code == 302


def test_successful_phone_login_resets_failure_count_of_phone_only_user(client, phone_user):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        sign_in(client, "138-0013-8000", "wrong")

    assert sign_in(client, "13800138000").status_code == 302

    assert not AccessAttempt.objects.exists()


def test_logout_needs_post(login, world):
    client = login(world.sunrise.owner)
    assert client.get(reverse("accounts:logout")).status_code == 405
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert signed_in_user_id(client) is None


def test_lockout_without_cooloff_says_so_without_minutes(client, world, settings):
    settings.AXES_COOLOFF_TIME = None  # locked until an operator lifts it in the admin
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "owner@sunrise.test", "wrong")
    response = sign_in(client, "owner@sunrise.test", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 429
    assert "ask your property manager" in response.content.decode()
    assert "minute" not in response.content.decode()
