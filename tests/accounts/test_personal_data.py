"""A person's own data (PIPL): the download holds what we keep about them, in every
organisation and nobody else's; erasure anonymises them in one step and keeps the
organisation's records."""

import json

import pytest
from django.urls import reverse
from django_scopes import scope, scopes_disabled

from communications.models import Notification, NotificationPreference
from communications.services import notify
from portal.accounts.models import User
from portal.tenancy.access import compute_access
from portal.tenancy.models import Membership, Residency
from tests import factories as f
from tickets.models import Category, Ticket
from tickets.services import categories_ensure_defaults, sla_ensure_defaults, ticket_submit


@pytest.fixture
def owner_with_history(world):
    """Sunrise's owner with a request, a notification and a preference; also at home in
    harbor, so the download spans two organisations."""
    w = world.sunrise
    with scope(organization=w.org):
        categories_ensure_defaults(organization=w.org)
        sla_ensure_defaults(organization=w.org)
        repair = Category.objects.filter(kind=Category.Kind.REPAIR).first()
        ticket = ticket_submit(
            access=compute_access(w.owner, w.org), category=repair, title="Leaking pipe 漏水",
            description="Under the sink", unit=w.unit,
        )
        notify(organization=w.org, recipients=[w.owner.pk], kind="ticket.status",
               context={"ticket": ticket, "number": ticket.number, "status": "accepted"},
               url="/x/")
    with scopes_disabled():
        f.ResidencyFactory(unit=world.harbor.far_unit, user=w.owner)
        NotificationPreference.objects.create(user=w.owner, topic="tickets", email=False)
    return w.owner, ticket


def test_the_download_holds_my_data_from_every_organisation(owner_with_history, login, world):
    owner, ticket = owner_with_history
    response = login(owner).post(reverse("accounts:privacy-export"))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Cache-Control"] == "no-store"
    data = json.loads(response.content)
    assert data["profile"]["email"] == owner.email
    assert {home["organisation"] for home in data["homes"]} == {
        world.sunrise.org.name, world.harbor.org.name,
    }
    assert [r["title"] for r in data["requests"]] == ["Leaking pipe 漏水"]
    assert data["requests"][0]["number"] == ticket.number
    assert len(data["notifications"]) >= 1
    assert {"topic": "tickets", "email": False, "sms": False,
            "organisation_id": None} in data["notification_settings"]
    assert data["staff_access_to_my_data"] == []
    # Nobody else's data rides along.
    assert world.sunrise.neighbour.email not in response.content.decode()


def test_the_download_is_a_post_for_signed_in_people_only(client, login, world):
    url = reverse("accounts:privacy-export")
    assert login(world.sunrise.owner).get(url).status_code == 405
    client.logout()
    assert client.post(url).status_code == 302


def test_erasure_needs_the_password_and_changes_nothing_without_it(owner_with_history, login):
    owner, _ticket = owner_with_history
    response = login(owner).post(
        reverse("accounts:privacy"), {"password": "wrong", "confirm": "on"}
    )
    assert response.status_code == 200
    assert "password" in response.context["form"].errors
    owner.refresh_from_db()
    assert owner.is_active and owner.email and owner.erased_at is None


def test_erasure_anonymises_and_keeps_the_organisations_records(owner_with_history, login,
                                                                world):
    owner, ticket = owner_with_history
    client = login(owner)
    response = client.post(
        reverse("accounts:privacy"), {"password": world.password, "confirm": "on"}
    )
    assert response.status_code == 302
    person = User.objects.get(pk=owner.pk)
    assert (person.full_name, person.email, person.phone) == ("", None, None)
    assert not person.is_active and not person.has_usable_password()
    assert person.erased_at is not None
    assert str(person) == f"Deleted account #{person.pk}"
    with scopes_disabled():
        assert not Residency.objects.filter(user=person, is_active=True).exists()
        assert not Membership.objects.filter(user=person, is_active=True).exists()
        assert not Notification.objects.filter(recipient=person).exists()
        assert not NotificationPreference.objects.filter(user=person).exists()
        # The request stays in the building's records, without a name.
        kept = Ticket.objects.get(pk=ticket.pk)
        assert kept.requester_id == person.pk and kept.title == "Leaking pipe 漏水"
    # Signed out, and the old session no longer works.
    assert client.get(reverse("accounts:profile")).status_code == 302
