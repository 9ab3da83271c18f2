import datetime as dt

import pytest
import time_machine
from django.conf import settings
from django.test import Client
from django.utils import translation
from rest_framework.authtoken.models import Token

from tests import factories as f

URL = "/api/v1/auth/token/"
MISMATCH = (
    "The phone number or email and password do not match. "
    "Note that the password is case-sensitive."
)


@pytest.fixture
def phone_owner(db):
    return f.UserFactory(phone="+8613800138000", email="Li.Wei@Example.com", full_name="Li Wei")


def obtain(username, password=f.PASSWORD, client=None, **headers):
    client = client or Client()
    return client.post(
        URL, {"username": username, "password": password}, content_type="application/json",
        headers=headers,
    )


@pytest.mark.parametrize(
    "spelling", ["+8613800138000", "13800138000", "138 0013 8000", "+86 138-0013-8000"]
)
def test_token_is_issued_for_any_usual_spelling_of_the_phone_number(phone_owner, spelling):
    response = obtain(spelling)
    assert response.status_code == 200, response.content
    assert response.json() == {"token": Token.objects.get(user=phone_owner).key}


@pytest.mark.parametrize("spelling", ["li.wei@example.com", "LI.WEI@EXAMPLE.COM"])
def test_token_is_issued_for_the_email_in_any_case(phone_owner, spelling):
    response = obtain(spelling)
    assert response.status_code == 200, response.content
    assert response.json()["token"] == Token.objects.get(user=phone_owner).key


def test_signing_in_twice_returns_the_same_token_and_records_the_sign_in(phone_owner):
    first = obtain("13800138000").json()["token"]
    second = obtain("li.wei@example.com").json()["token"]
    assert first == second
    phone_owner.refresh_from_db()
    assert phone_owner.last_login is not None


def test_the_token_authenticates_api_requests(phone_owner):
    token = obtain("13800138000").json()["token"]
    response = Client().get("/api/v1/me/", headers={"Authorization": f"Token {token}"})
    assert response.status_code == 200
    assert response.json()["user"]["id"] == phone_owner.pk


def test_wrong_password_is_a_non_field_error_in_english(phone_owner):
    response = obtain("13800138000", "wrong", **{"Accept-Language": "en"})
    assert response.status_code == 400
    assert response.json() == {"non_field_errors": [MISMATCH]}
    assert not Token.objects.filter(user=phone_owner).exists()


def test_wrong_password_is_answered_in_chinese(phone_owner):
    response = obtain("13800138000", "wrong", **{"Accept-Language": "zh-hans"})
    assert response.status_code == 400
    assert response["Content-Language"] == "zh-hans"
    with translation.override("zh-hans"):
        expected = translation.gettext(MISMATCH)
    assert response.json() == {"non_field_errors": [expected]}


def test_unknown_account_gets_the_same_answer_as_a_wrong_password(phone_owner):
    unknown = obtain("nobody@example.com", "wrong", **{"Accept-Language": "en"})
    wrong = obtain("li.wei@example.com", "wrong", **{"Accept-Language": "en"})
    assert (unknown.status_code, unknown.json()) == (wrong.status_code, wrong.json())


def test_missing_fields_are_field_errors_in_the_callers_language(db):
    response = Client().post(
        URL, {"username": "13800138000"}, content_type="application/json",
        headers={"Accept-Language": "zh-hans"},
    )
    assert response.status_code == 400
    assert response.json() == {"password": ["该字段是必填项。"]}


def test_error_language_follows_the_header_not_the_accounts_saved_language(phone_owner):
    # Answering in the saved language would tell a stranger that the account exists.
    phone_owner.language = "zh-hans"
    phone_owner.save()
    response = obtain("13800138000", "wrong", **{"Accept-Language": "en"})
    assert response.json() == {"non_field_errors": [MISMATCH]}


def test_repeated_failures_lock_the_account_out_with_a_clear_message(phone_owner):
    limit = settings.AXES_FAILURE_LIMIT
    for _attempt in range(limit - 1):
        assert obtain("13800138000", "wrong").status_code == 400
    locked = obtain("13800138000", "wrong", **{"Accept-Language": "en"})
    assert locked.status_code == 429
    assert locked["Content-Type"] == "application/json"
    body = locked.json()
    assert body["code"] == "locked_out"
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    assert body["detail"] == (
        f"For your safety, signing in with this account from here is blocked for {minutes} "
        "minutes. Try again later or reset your password."
    )
    assert int(locked["Retry-After"]) == settings.AXES_COOLOFF_TIME.total_seconds()

    # Even the right password is refused while locked out, and no token is handed out.
    right = obtain("13800138000")
    assert right.status_code == 429
    assert not Token.objects.filter(user=phone_owner).exists()


def test_lockout_message_is_translated(phone_owner):
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        response = obtain("13800138000", "wrong", **{"Accept-Language": "zh-hans"})
    assert response.status_code == 429
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    with translation.override("zh-hans"):
        expected = translation.ngettext(
            "For your safety, signing in with this account from here is blocked for "
            "%(minutes)s minute. Try again later or reset your password.",
            "For your safety, signing in with this account from here is blocked for "
            "%(minutes)s minutes. Try again later or reset your password.",
            minutes,
        ) % {"minutes": minutes}
    assert response.json()["detail"] == expected


def test_lockout_message_states_the_configured_cool_off(phone_owner, settings):
    settings.AXES_COOLOFF_TIME = dt.timedelta(minutes=1)
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        response = obtain("13800138000", "wrong", **{"Accept-Language": "en"})
    assert response.status_code == 429
    assert "blocked for 1 minute." in response.json()["detail"]
    assert response["Retry-After"] == "60"


def test_lockout_ends_after_the_cool_off(phone_owner):
    start = dt.datetime(2025, 3, 3, 9, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False):
        for _attempt in range(settings.AXES_FAILURE_LIMIT):
            obtain("13800138000", "wrong")
        assert obtain("13800138000").status_code == 429
    later = start + settings.AXES_COOLOFF_TIME + dt.timedelta(minutes=1)
    with time_machine.travel(later, tick=False):
        assert obtain("13800138000").status_code == 200


def test_token_requests_are_throttled(phone_owner):
    # DEFAULT_THROTTLE_RATES["auth"] is 20/min per address.
    client = Client(REMOTE_ADDR="203.0.113.20")
    statuses = [obtain("13800138000", client=client).status_code for _ in range(21)]
    assert statuses == [200] * 20 + [429]
    assert obtain("13800138000", client=Client(REMOTE_ADDR="203.0.113.21")).status_code == 200


def test_a_forged_forwarded_for_header_does_not_escape_the_throttle(phone_owner):
    # Behind no proxy (PROXY_COUNT=0) X-Forwarded-For is whatever the client wrote: counting
    # by it would give every request a fresh allowance.
    client = Client(REMOTE_ADDR="203.0.113.30")
    statuses = [
        obtain("13800138000", client=client, **{"X-Forwarded-For": f"198.51.100.{n}"}).status_code
        for n in range(21)
    ]
    assert statuses[-1] == 429


def test_a_stale_token_does_not_prevent_signing_in_again(phone_owner):
    response = obtain("13800138000", **{"Authorization": "Token not-a-token"})
    assert response.status_code == 200


def test_revoking_the_token_signs_the_api_client_out(phone_owner, api):
    client = api(phone_owner)
    assert client.get("/api/v1/me/").status_code == 200
    assert client.delete(URL).status_code == 204
    assert not Token.objects.filter(user=phone_owner).exists()
    assert client.get("/api/v1/me/").status_code in (401, 403)


def test_revoking_needs_a_signed_in_caller(db):
    assert Client().delete(URL).status_code in (401, 403)
