"""Who the load acts as, prepared for each run: sessions (signed with this run's SECRET_KEY,
written straight into the session table — no login, no Argon2) and the seeded API tokens."""

import itertools
from datetime import timedelta

from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.utils import timezone
from django.utils.crypto import get_random_string
from django_scopes import scopes_disabled

from portal.tenancy.models import Membership, Residency
from tickets.models import Category

from .seed.people import token_for

BACKEND = "portal.accounts.backends.PhoneOrEmailBackend"


def _sessions(user_ids: list[int]) -> dict[int, str]:
    if not user_ids:
        return {}
    # Every seeded user shares one password hash, hence one session hash.
    auth_hash = get_user_model().objects.get(pk=user_ids[0]).get_session_auth_hash()
    store, expires = SessionStore(), timezone.now() + timedelta(days=1)
    keys, rows = {}, []
    for user_id in user_ids:
        key = get_random_string(32, "abcdefghijklmnopqrstuvwxyz0123456789")
        keys[user_id] = key
        data = {SESSION_KEY: str(user_id), BACKEND_SESSION_KEY: BACKEND,
                HASH_SESSION_KEY: auth_hash}
        rows.append(Session(session_key=key, session_data=store.encode(data),
                            expire_date=expires))
    Session.objects.bulk_create(rows, batch_size=1000)
    return keys


def prepare(counts) -> dict:
    """Managers (one per organisation), property staff, owners with sessions for pages and
    sockets, owners with tokens for creating tickets."""
    Session.objects.all().delete()  # the harness's own database: last run's sessions
    with scopes_disabled():
        managers = list(
            Membership.objects.filter(role="manager").order_by("organization_id", "pk")
            .distinct("organization_id").values_list("user_id", "organization__slug")
        )
        owners = list(
            Residency.objects.filter(relation="owner").order_by("pk")
            .values_list("user_id", "organization__slug", "unit_id", "organization_id")
        )
        repair = dict(Category.objects.filter(kind="repair").values_list("organization_id", "pk"))
    # Owners spread over the organisations: every k-th one.
    want = max(counts.sockets, 64)
    step = max(1, len(owners) // want)
    page_owners = owners[::step][:want]
    sessions = _sessions([uid for uid, _slug in managers] + [o[0] for o in page_owners])
    token_owner_ids = set()
    with scopes_disabled():
        from rest_framework.authtoken.models import Token

        token_owner_ids = set(Token.objects.filter(
            user__residencies__relation="owner").values_list("user_id", flat=True))
    # Interleaved by organisation, as owners file: one community's counter is not the queue
    # of every filer at once (ticket numbers are sequential per organisation, locked until
    # each filing commits).
    by_org: dict[int, list] = {}
    for owner in owners:
        if owner[0] in token_owner_ids:
            by_org.setdefault(owner[3], []).append(owner)
    creators = [owner for turn in itertools.zip_longest(*by_org.values()) for owner in turn
                if owner is not None]
    return {
        "managers": [{"user": uid, "slug": slug, "token": token_for(uid),
                      "session": sessions[uid]} for uid, slug in managers],
        "owners": [{"user": uid, "slug": slug, "unit": unit, "session": sessions[uid]}
                   for uid, slug, unit, _org in page_owners],
        "creators": [{"user": uid, "slug": slug, "unit": unit, "token": token_for(uid),
                      "category": repair[org]} for uid, slug, unit, org in creators],
    }
