"""Runs every row of every ``rows_*.py`` module for every role (see matrix.py for the rules).

Paths are formatted with the keys described in matrix.py; in ``data``, a value that is exactly
one placeholder (``{"unit": "{unit}"}``) is replaced by that key's value too.

One world serves the whole module: it is built and committed once, before the first test, and
every (row, role) test runs inside its own transaction that is rolled back, so a permitted
write never leaks into the next test. The world is deleted again when the module ends, so other
test modules start from an empty database as usual.
"""

import dataclasses
import importlib
import json
import re
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.shortcuts import resolve_url
from django.test import Client, override_settings
from django_scopes import scopes_disabled
from rest_framework.authtoken.models import Token

from portal.accounts.models import User
from portal.tenancy.models import Membership, Organization, Residency
from tests.conftest import OrgWorld, World, _build_org

from .matrix import ALL_ROLES, HARBOR_ROLES, SUNRISE_ROLES, Row

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
BACKEND = "portal.accounts.backends.PhoneOrEmailBackend"
HARBOR_PREFIX = "harbor_"


def load_rows() -> list[Row]:
    """Every ``ROWS`` of every ``rows_*.py`` beside this file, names unique across them."""
    rows: list[Row] = []
    for module_path in sorted(Path(__file__).parent.glob("rows_*.py")):
        module = importlib.import_module(f"{__package__}.{module_path.stem}")
        rows.extend(module.ROWS)
    seen: dict[str, Row] = {}
    for row in rows:
        if row.name in seen:
            raise ValueError(f"Two isolation rows are named {row.name!r}; names must be unique.")
        unknown = set(row.allowed) - set(ALL_ROLES)
        if unknown:
            raise ValueError(f"Row {row.name!r} allows unknown roles {sorted(unknown)}.")
        seen[row.name] = row
    return rows


def roles_for(row: Row) -> list[str]:
    if not row.one_allowed_role_is_enough:
        return list(ALL_ROLES)
    first_allowed = next(role for role in ALL_ROLES if role in row.allowed)
    return [role for role in ALL_ROLES if role not in row.allowed or role == first_allowed]


ROWS = load_rows()
CASES = [
    pytest.param(row, role, id=f"{row.name}-{role}") for row in ROWS for role in roles_for(row)
]


# --- The world -----------------------------------------------------------------------------


@dataclasses.dataclass
class MatrixWorld:
    world: World
    keys: dict  # the path placeholders of matrix.py, over the sunrise world
    users: dict  # role -> user
    tokens: dict  # user pk -> API token key
    sessions: dict  # user pk -> session key, signed in once for the module


def _user_for(world: World, role: str):
    if role.startswith(HARBOR_PREFIX):
        return getattr(world.harbor, role.removeprefix(HARBOR_PREFIX))
    return getattr(world.sunrise, role)


def _path_keys(world: World) -> dict:
    sunrise = world.sunrise
    keys: dict = {"org": sunrise.org.slug}
    for field in dataclasses.fields(OrgWorld):
        if field.name != "org":
            keys[field.name] = getattr(sunrise, field.name).pk
    for role in SUNRISE_ROLES:
        user = getattr(sunrise, role)
        residency = Residency.objects.filter(organization=sunrise.org, user=user).first()
        membership = Membership.objects.filter(organization=sunrise.org, user=user).first()
        if residency is not None:
            keys[f"{role}_residency"] = residency.pk
        if membership is not None:
            keys[f"{role}_membership"] = membership.pk
    return keys


def _signed_in_session(user) -> str:
    # What login() stores, without its signals (last_login, axes' access log): signing in is
    # tested elsewhere, and doing it once per module instead of once per case halves the time.
    session = importlib.import_module(settings.SESSION_ENGINE).SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = BACKEND
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return session.session_key


def _delete_world() -> None:
    """Everything the module world committed (found by its fixed names, so that a world that
    failed halfway through being built goes too); tokens go with their users."""
    Organization.objects.filter(slug__in=["sunrise", "harbor"]).delete()
    User.objects.filter(email__endswith="@sunrise.test").delete()
    User.objects.filter(email__endswith="@harbor.test").delete()


@pytest.fixture(scope="module")
def matrix_world(django_db_setup, django_db_blocker):
    fast_hasher = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    sessions: dict = {}
    try:
        with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=fast_hasher):
            with scopes_disabled():
                world = World(sunrise=_build_org("sunrise"), harbor=_build_org("harbor"))
                users = {role: _user_for(world, role) for role in SUNRISE_ROLES + HARBOR_ROLES}
                tokens = {
                    user.pk: Token.objects.create(user=user).key for user in users.values()
                }
                sessions = {user.pk: _signed_in_session(user) for user in users.values()}
                keys = _path_keys(world)
        yield MatrixWorld(world, keys, users, tokens, sessions)
    finally:
        with django_db_blocker.unblock(), scopes_disabled():
            engine = importlib.import_module(settings.SESSION_ENGINE)
            for session_key in sessions.values():
                engine.SessionStore(session_key).delete()
            _delete_world()


# --- Running a row -------------------------------------------------------------------------


_PLACEHOLDER = re.compile(r"\{(\w+)\}")


def _fill(value, keys: dict):
    """A data value that is exactly one ``"{placeholder}"`` becomes that key's value (a pk stays
    an int for JSON); lists are filled item by item; anything else is sent as it is."""
    if isinstance(value, str) and (match := _PLACEHOLDER.fullmatch(value)):
        return keys[match.group(1)]
    if isinstance(value, list | tuple):
        return [_fill(item, keys) for item in value]
    return value


def _request(client: Client, row: Row, path: str, keys: dict, headers: dict):
    method = row.method.upper()
    data = {name: _fill(value, keys) for name, value in (row.data or {}).items()}
    if method in SAFE_METHODS:
        return client.generic(
            method, f"{path}?{urlencode(data, doseq=True)}" if data else path, headers=headers
        )
    if row.api:
        return client.generic(
            method, path, json.dumps(data), content_type="application/json", headers=headers
        )
    if method == "POST":
        return client.post(path, data, headers=headers)
    return client.generic(
        method, path, urlencode(data, doseq=True),
        content_type="application/x-www-form-urlencoded", headers=headers,
    )


def _changed(row: Row, world: World):
    with scopes_disabled():
        return row.changed(world)


def _describe(row: Row, role: str, path: str, response) -> str:
    body = response.content[:300].decode(errors="replace")
    location = response.get("Location", "")
    return (
        f"{row.name}: {role} {row.method} {path} -> {response.status_code} {location}\n{body}"
    )


@pytest.mark.parametrize(("row", "role"), CASES)
def test_isolation(row: Row, role: str, matrix_world: MatrixWorld, db):
    world = matrix_world.world
    keys = dict(matrix_world.keys)
    with scopes_disabled():
        keys.update({key: compute(world) for key, compute in row.extra.items()})
    path = row.path.format(**keys)

    client = Client()
    headers = {}
    if role != "anonymous":
        user = matrix_world.users[role]
        if row.api:
            # A token, not the session, so the rows prove token authentication as well.
            headers["Authorization"] = f"Token {matrix_world.tokens[user.pk]}"
        else:
            client.cookies[settings.SESSION_COOKIE_NAME] = matrix_world.sessions[user.pk]

    unsafe = row.method.upper() not in SAFE_METHODS
    allowed = role in row.allowed
    before = _changed(row, world) if unsafe and not allowed and row.changed else None

    response = _request(client, row, path, keys, headers)
    detail = _describe(row, role, path, response)

    if allowed:
        ok = row.ok if isinstance(row.ok, tuple) else (row.ok,)
        assert response.status_code in ok, detail
    elif role == "anonymous" and row.api:
        assert response.status_code in (401, 403), detail
    elif role == "anonymous":
        assert response.status_code == 302, detail
        assert response["Location"].startswith(resolve_url(settings.LOGIN_URL)), detail
    else:
        assert response.status_code == 404, detail

    if before is not None:
        assert _changed(row, world) == before, f"refused caller changed data: {detail}"
