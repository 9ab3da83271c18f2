"""Every tenant route and API operation has at least one row in the isolation matrix.

Routes come from the URL configuration, API operations from the OpenAPI schema. Each route is
normalised to a key by replacing every ``<converter:name>`` (or regex group) with ``{}``:
``o/<slug:org_slug>/manage/units/<int:pk>/`` is ``/o/{}/manage/units/{}/``. A row's path (and
a schema path) is resolved by Django with each ``{placeholder}`` set to ``1``, and the key of
the route it lands on is what it covers: so ``/o/{org}/manage/units/{unit}/`` covers that
route, and a literal segment (``/properties/new/``) covers only the route it really reaches.
API operations must also match the row's method.

Routes without ``org_slug`` carry no tenant data; each must be covered anyway or listed in
EXEMPT_ROUTES / EXEMPT_PREFIXES below with the reason, so a new one is a conscious decision.
"""

import re

import pytest
from django.urls import Resolver404, URLPattern, URLResolver, get_resolver, resolve
from drf_spectacular.generators import SchemaGenerator

from .test_matrix import ROWS

EXEMPT_ROUTES = {
    "/healthz": "load-balancer health check: no tenant data and no sign-in",
    "/privacy/": "the public privacy notice: static text, read before an account exists",
    "/api/v1/me/": "the caller's own profile, memberships and residencies (tests/api/test_me)",
    "/api/v1/auth/token/": "obtains or revokes the caller's own token (tests/api/test_auth_token)",
    "/api/schema/": "the OpenAPI description: no data",
    "/api/docs/": "Swagger UI for the schema: no data",
}
EXEMPT_PREFIXES = {
    "/accounts/": "sign-in, password, profile and invitation pages of the person themselves",
    "/admin/": "Django admin: platform operators only (is_staff), across organisations by design",
}

_CONVERTER = re.compile(r"<(?:[^<>:]+:)?[^<>]+>")
_REGEX_GROUP = re.compile(r"\(\?P<[^>]+>(?:[^()]|\([^()]*\))*\)")
_PLACEHOLDER = re.compile(r"\{[^{}]*\}")


def route_key(route: str) -> str:
    """``api/v1/orgs/<slug:org_slug>/properties/<int:pk>/`` -> ``/api/v1/orgs/{}/properties/{}/``.

    Regex routes (re_path, the admin) lose their anchors and escapes the same way.
    """
    text = _CONVERTER.sub("{}", _REGEX_GROUP.sub("{}", route))
    for anchor in ("^", "$", r"\Z"):
        text = text.replace(anchor, "")
    return "/" + text.replace("\\", "").lstrip("/")


def url_routes(patterns=None, prefix=""):
    """(route key, is tenant route) for every view in the URL configuration."""
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from url_routes(entry.url_patterns, route)
        elif isinstance(entry, URLPattern):
            yield route_key(route), "org_slug" in route


def key_of_path(path: str) -> str | None:
    """The route key that a path with ``{placeholders}`` resolves to, None when none does.

    Django's own resolver decides, so ``/properties/new/`` never passes for
    ``/properties/<int:pk>/``; each placeholder is tried as ``1``, which every converter in
    use (int, slug, str, path) accepts.
    """
    try:
        match = resolve(_PLACEHOLDER.sub("1", path.split("?", 1)[0]))
    except Resolver404:
        return None
    return route_key(match.route)


def api_operations():
    """(METHOD, route key) for every operation under an organisation in the OpenAPI schema."""
    schema = SchemaGenerator().get_schema(request=None, public=True)
    for path, operations in schema["paths"].items():
        if "{org_slug}" not in path:
            continue
        for method in operations:
            if method in {"get", "put", "patch", "post", "delete", "head", "options"}:
                yield method.upper(), key_of_path(path) or path


def row_keys() -> dict:
    return {row.name: key_of_path(row.path) for row in ROWS}


def _exempt(route: str) -> bool:
    return route in EXEMPT_ROUTES or route.startswith(tuple(EXEMPT_PREFIXES))


def test_route_keys_ignore_converter_and_placeholder_names():
    assert route_key("o/<slug:org_slug>/manage/units/<int:pk>/") == "/o/{}/manage/units/{}/"
    assert route_key(r"admin/^(?P<app_label>auth|accounts)/$") == "/admin/{}/"
    assert key_of_path("/o/{org}/?tab=2") == route_key("o/<slug:org_slug>/")
    assert key_of_path("/api/v1/orgs/{org}/properties/{property}/") == (
        "/api/v1/orgs/{}/properties/{}/"
    )
    assert key_of_path("/no/such/page/") is None


def test_every_tenant_page_and_endpoint_has_an_isolation_row():
    covered = set(row_keys().values())
    missing = sorted({route for route, tenant in url_routes() if tenant} - covered)
    if missing:
        pytest.fail(
            "Routes under an organisation without a row in tests/isolation/rows_*.py:\n  "
            + "\n  ".join(missing)
        )


def test_every_api_operation_under_an_organisation_has_a_row_with_its_method():
    covered = {(row.method.upper(), key_of_path(row.path)) for row in ROWS if row.api}
    missing = sorted(set(api_operations()) - covered)
    if missing:
        pytest.fail(
            "API operations without an api=True row in tests/isolation/rows_*.py:\n  "
            + "\n  ".join(f"{method} {path}" for method, path in missing)
        )


def test_every_route_outside_an_organisation_is_covered_or_exempt_with_a_reason():
    covered = set(row_keys().values())
    unexplained = sorted(
        {route for route, tenant in url_routes() if not tenant}
        - covered
        - {route for route, _tenant in url_routes() if _exempt(route)}
    )
    if unexplained:
        pytest.fail(
            "Routes outside any organisation: add a row, or list them in EXEMPT_ROUTES of "
            "tests/isolation/test_route_coverage.py with the reason:\n  " + "\n  ".join(unexplained)
        )


def test_every_row_points_at_an_existing_route():
    stale = sorted(f"{name}: {next(r.path for r in ROWS if r.name == name)}"
                   for name, key in row_keys().items() if key is None)
    assert not stale, "Rows whose path matches no route:\n  " + "\n  ".join(stale)
