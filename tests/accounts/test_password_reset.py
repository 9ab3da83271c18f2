import re

from django.conf import settings
from django.core import mail
from django.urls import reverse

from tests import factories as f

NEW_PASSWORD = "a-brand-new-secret-42"


def request_reset(client, identifier):
    return client.post(reverse("accounts:password-reset"), {"email": identifier})


def link_in(text):
    match = re.search(r"https?://\S+/accounts/password/reset/\S+/\S+/", text)
    assert match, text
    return match.group(0).removeprefix(settings.SITE_URL)


def choose_new_password(client, path):
    response = client.get(path)  # Django moves the token into the session and redirects
    assert response.status_code == 302
    form_page = response["Location"]
    assert client.get(form_page).status_code == 200
    return client.post(form_page, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})


def test_email_user_gets_a_working_link_by_email(client, world, sms_outbox):
    response = request_reset(client, "Owner@Sunrise.TEST")
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:password-reset-done")
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["owner@sunrise.test"]
    assert sms_outbox == []

    response = choose_new_password(client, link_in(mail.outbox[0].body))

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:login")
    assert client.post(
        reverse("accounts:login"), {"username": "owner@sunrise.test", "password": NEW_PASSWORD}
    ).status_code == 302


def test_phone_only_user_gets_a_working_link_by_sms(client, db, sms_outbox):
    user = f.UserFactory(email=None, phone="+8613800138000")

    request_reset(client, "138-0013-8000")

    assert mail.outbox == []
    assert [sms.to for sms in sms_outbox] == ["+8613800138000"]
    choose_new_password(client, link_in(sms_outbox[0].body))
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)


def test_reset_goes_by_the_channel_the_person_typed(client, world, sms_outbox):
    owner = world.sunrise.owner  # has both an email and a phone number
    request_reset(client, owner.phone)
    assert [sms.to for sms in sms_outbox] == [owner.phone]
    assert mail.outbox == []


def test_unknown_identifier_gets_the_same_answer_and_no_message(client, db, sms_outbox):
    response = request_reset(client, "nobody@example.com")
    assert response["Location"] == reverse("accounts:password-reset-done")
    response = request_reset(client, "13912345678")
    assert response["Location"] == reverse("accounts:password-reset-done")
    assert mail.outbox == [] and sms_outbox == []


def test_inactive_or_invited_users_get_no_reset_message(client, db, sms_outbox):
    f.UserFactory(email="gone@example.com", is_active=False)
    f.UserFactory(email="invited@example.com", password=None)
    request_reset(client, "gone@example.com")
    request_reset(client, "invited@example.com")
    assert mail.outbox == []


def test_a_second_request_within_a_minute_sends_nothing(client, db, sms_outbox):
    f.UserFactory(email=None, phone="+8613800138000")
    request_reset(client, "13800138000")
    request_reset(client, "+86 138 0013 8000")
    assert len(sms_outbox) == 1


def test_reset_link_works_once(client, world):
    request_reset(client, "owner@sunrise.test")
    path = link_in(mail.outbox[0].body)
    choose_new_password(client, path)

    response = client.get(path, follow=True)

    assert response.context["validlink"] is False


def test_reset_email_is_in_the_users_language_not_the_browsers(client, world):
    owner = world.sunrise.owner
    owner.language = "en"
    owner.save(update_fields=["language"])
    client.post(
        reverse("accounts:password-reset"), {"email": owner.email},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert mail.outbox[0].subject == "Choose a new Courtyard password"


def test_mismatched_new_passwords_are_refused_at_the_field(client, world):
    request_reset(client, "owner@sunrise.test")
    form_page = client.get(link_in(mail.outbox[0].body))["Location"]
    response = client.post(
        form_page, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD + "x"}
    )
    assert response.status_code == 200
    assert response.context["form"].has_error("new_password2", "password_mismatch")


def test_password_reset_lifts_a_lockout(client, world):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(
            reverse("accounts:login"), {"username": "owner@sunrise.test", "password": "wrong"}
        )
    request_reset(client, "owner@sunrise.test")
    choose_new_password(client, link_in(mail.outbox[0].body))

    response = client.post(
        reverse("accounts:login"), {"username": "owner@sunrise.test", "password": NEW_PASSWORD}
    )

    assert response.status_code == 302
