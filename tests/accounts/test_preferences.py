import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

PROFILE = reverse("accounts:profile")
SWITCH = reverse("accounts:set-language")


def save_preferences(client, user, **changes):
    data = {"full_name": user.full_name, "language": "", "large_text": "", **changes}
    return client.post(PROFILE, data)


def test_profile_needs_sign_in(client, db):
    response = client.get(PROFILE)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_profile_saves_language_and_large_text_and_next_page_uses_them(login, world):
    owner = world.sunrise.owner
    client = login(owner)

    response = save_preferences(client, owner, language="en", large_text="on")

    assert response.status_code == 302
    owner.refresh_from_db()
    assert owner.language == "en" and owner.large_text is True
    page = client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert '<html lang="en">' in page
    assert '<body class="large-text' in page
    assert "Your preferences have been saved." in page


def test_profile_language_then_follows_the_account_back_to_chinese(login, world):
    owner = world.sunrise.owner
    client = login(owner)
    save_preferences(client, owner, language="en")
    save_preferences(client, owner, language="zh-hans")

    page = client.get(PROFILE, HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert '<html lang="zh-hans">' in page
    assert "large-text" not in page.split("<body", 1)[1].split(">", 1)[0]


def test_follow_the_browser_clears_the_saved_language(login, world):
    owner = world.sunrise.owner
    client = login(owner)
    save_preferences(client, owner, language="zh-hans")

    response = save_preferences(client, owner, language="")

    owner.refresh_from_db()
    assert owner.language == ""
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == ""  # deleted
    assert '<html lang="en">' in client.get(PROFILE, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert response.status_code == 302


def test_profile_rejects_unknown_language_at_the_field(login, world):
    owner = world.sunrise.owner
    client = login(owner)
    response = save_preferences(client, owner, language="xx")
    assert response.status_code == 200
    assert response.context["form"].has_error("language")
    owner.refresh_from_db()
    assert owner.language == ""


def test_profile_requires_a_name_at_the_field(login, world):
    owner = world.sunrise.owner
    client = login(owner)
    response = save_preferences(client, owner, full_name="")
    assert response.context["form"].has_error("full_name", "required")


def test_language_switch_for_anonymous_sets_the_cookie(client, db):
    response = client.post(SWITCH, {"language": "en", "next": "/accounts/login/"})

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/"
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    page = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert '<html lang="en">' in page


def test_language_switch_for_signed_in_user_is_saved_on_the_account(login, world):
    owner = world.sunrise.owner
    client = login(owner)

    client.post(SWITCH, {"language": "en", "next": PROFILE})

    owner.refresh_from_db()
    assert owner.language == "en"
    # Another device (no cookie) gets the account's language too.
    other_device = Client()
    other_device.force_login(owner, backend="portal.accounts.backends.PhoneOrEmailBackend")
    page = other_device.get(PROFILE, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert '<html lang="en">' in page


def test_language_switch_ignores_unknown_languages(login, world):
    owner = world.sunrise.owner
    client = login(owner)
    client.post(SWITCH, {"language": "xx", "next": PROFILE})
    owner.refresh_from_db()
    assert owner.language == ""


def test_language_switch_needs_post(client, db):
    assert client.get(SWITCH, {"language": "en"}).status_code == 405


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example", "/\\evil.example"])
def test_language_switch_never_redirects_off_site(client, db, target):
    response = client.post(SWITCH, {"language": "en", "next": target})
    assert response.status_code == 302
    assert response["Location"] == "/"
