"""Reading the people a notification goes to, fast enough for 20,000 at once.

A notice to a whole organisation names every owner: an ``IN (…)`` list of 20,000 ids costs
PostgreSQL more to parse and plan than the rows cost to read, and a model instance per person
costs Python more than both. Here the ids travel as one array parameter and people come back
as plain values, with a flag saying whether they have any preference row at all, so that
:func:`communications.preferences.preference_rows` is asked only about those who do.
"""

import datetime as dt
from collections.abc import Iterable
from typing import NamedTuple

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import BooleanField, Exists, F, Func, OuterRef, Q, Value
from django_scopes import scopes_disabled

from .models import NotificationPreference
from .preferences import Recipient, channels_for, preference_rows, topic_of


class Person(NamedTuple):
    email: str
    phone: str
    language: str
    quiet_start: dt.time | None
    quiet_end: dt.time | None
    has_preferences: bool


def pk_in(model, ids: Iterable[int]):
    """A filter for ``model`` rows whose primary key is in ``ids``: ``= ANY(array)`` with one
    parameter on PostgreSQL, ``IN`` elsewhere."""
    ids = list(ids)
    if connection.vendor != "postgresql":
        return Q(pk__in=ids)
    return _AnyOf(F("pk"), Value(ids))


class _AnyOf(Func):
    """``column = ANY(array)``; the array is a single parameter whatever its length."""

    arg_joiner = " = ANY("
    template = "%(expressions)s)"
    output_field = BooleanField()


def people(user_ids: Iterable[int]) -> dict[int, Person]:
    """The active people among ``user_ids``: one query."""
    User = get_user_model()
    with scopes_disabled():  # people are not tenant rows; the filter names them
        found = (
            User.objects.filter(pk_in(User, user_ids), is_active=True)
            .annotate(has_preferences=Exists(
                NotificationPreference.objects.filter(user=OuterRef("pk"))))
            .values_list("pk", "email", "phone", "language", "quiet_hours__start",
                         "quiet_hours__end", "has_preferences")
        )
        return {pk: Person(*rest) for pk, *rest in found}


def preferences(found: dict[int, Person], organization_ids: Iterable[int], kinds: Iterable[str]):
    """preference_rows() for the people who have any."""
    return preference_rows(
        user_ids=[pk for pk, person in found.items() if person.has_preferences],
        organization_ids=organization_ids, topics={topic_of(kind) for kind in kinds},
    )


def outside_channels(
    *, user_ids: Iterable[int], organization_id: int, kind: str, audience: str,
    urgent: bool = False, emergency: bool = False,
) -> dict[int, set[str]]:
    """Active person id -> the channels besides in-app that ``notify`` would use for them:
    what a feature records as "how they were told" (the proof of delivery of a notice)."""
    found = people(user_ids)
    rows = preferences(found, [organization_id], [kind])
    topic = topic_of(kind)
    return {
        pk: channels_for(
            recipient=Recipient(pk, person.email, person.phone),
            row=rows.get((pk, organization_id, topic)), kind=kind, audience=audience,
            urgent=urgent, emergency=emergency,
        )
        for pk, person in found.items()
    }
