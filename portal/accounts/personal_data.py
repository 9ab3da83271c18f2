"""A person's own data (PIPL arts. 45 and 47): everything we hold about them as one download,
and erasure on request.

Accounts knows no app (DESIGN §3), so apps contribute: a module ``<app>/personal_data.py``
(imported for every installed app, like ``admin.py``) registers what it holds::

    @exporter("tickets")
    def export(user) -> list[dict]: ...      # JSON-serialisable rows about the person

    @eraser("tickets")
    def erase(user) -> None: ...             # remove what identifies them beyond the User row

Erasure anonymises rather than deletes: the User row stays (tickets, ballots and timelines
point at it and remain the organisation's records) but loses name, email, phone, password and
every place; their notifications, preferences and sessions go. The audit rows of staff access
(PersonalDataAccess) are kept: they are the proof the law asks for.
"""

import datetime as dt
from collections.abc import Callable

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext as _
from django_scopes import scopes_disabled
from rest_framework.authtoken.models import Token

from portal.realtime import close_user_sockets_on_commit
from portal.tenancy.models import Membership, PersonalDataAccess, Residency

Exporter = Callable[[object], list[dict]]
Eraser = Callable[[object], None]

_exporters: dict[str, Exporter] = {}
_erasers: dict[str, Eraser] = {}
_discovered = False


def exporter(section: str):
    def register(function: Exporter) -> Exporter:
        _exporters[section] = function
        return function

    return register


def eraser(name: str):
    def register(function: Eraser) -> Eraser:
        _erasers[name] = function
        return function

    return register


def _discover() -> None:
    global _discovered
    if not _discovered:
        autodiscover_modules("personal_data")
        _discovered = True


def when(value: dt.datetime | dt.date | None) -> str | None:
    """A moment as ISO 8601 text in the download, or None (the apps' exporters share it)."""
    return value.isoformat() if value else None


def _places(user) -> dict:
    residencies = Residency.objects.filter(user=user).select_related(
        "organization", "unit__building", "unit__property"
    )
    memberships = Membership.objects.filter(user=user).select_related("organization")
    return {
        "homes": [
            {
                "organisation": residency.organization.name,
                "property": residency.unit.property.name,
                "building": residency.unit.building.name,
                "unit": residency.unit.number,
                "relation": residency.relation,
                "verified_at": when(residency.verified_at),
                "active": residency.is_active,
            }
            for residency in residencies
        ],
        "staff_roles": [
            {"organisation": m.organization.name, "role": m.role, "active": m.is_active}
            for m in memberships
        ],
    }


def personal_data_export(*, user) -> dict:
    """Everything we hold about ``user``, across organisations, as JSON-ready data."""
    _discover()
    with scopes_disabled():  # a person's own data spans organisations by design
        data = {
            "generated_at": timezone.now().isoformat(),
            "profile": {
                "full_name": user.full_name,
                "email": user.email,
                "phone": user.phone,
                "language": user.language,
                "large_text": user.large_text,
                "date_joined": when(user.date_joined),
                "last_login": when(user.last_login),
            },
            **_places(user),
            # PIPL: a person may know who looked at their data.
            "staff_access_to_my_data": [
                {"organisation": row.organization.name, "staff": str(row.staff or ""),
                 "kind": row.kind, "where": row.context, "at": when(row.created_at)}
                for row in PersonalDataAccess.objects.filter(subject=user)
                .select_related("organization", "staff").order_by("created_at")
            ],
        }
        for section, export in sorted(_exporters.items()):
            data[section] = export(user)
    return data


def personal_data_erase(*, user, password: str) -> None:
    """Anonymise ``user`` after checking their password; one transaction, all or nothing."""
    if not user.check_password(password):
        raise ValidationError({"password": _("The password is not correct.")})
    with transaction.atomic(), scopes_disabled():
        erase_person(get_user_model().objects.select_for_update().get(pk=user.pk))


def erase_person(person) -> None:
    """Anonymise ``person`` without asking for a password: their own request (above), or the
    organisation they belonged to leaving (portal.tenancy.offboarding). Call in a transaction.
    """
    _discover()
    with scopes_disabled():
        for erase in _erasers.values():
            erase(person)
        Residency.objects.filter(user=person).update(is_active=False)
        Membership.objects.filter(user=person).update(is_active=False)
        Token.objects.filter(user=person).delete()
        person.full_name = ""
        person.email = None
        person.phone = None
        person.language = ""
        person.large_text = False
        person.is_active = False
        person.erased_at = timezone.now()
        person.set_unusable_password()
        person.save()
        close_user_sockets_on_commit(person.pk)
