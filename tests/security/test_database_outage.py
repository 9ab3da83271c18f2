"""PostgreSQL unreachable (a restart, a failover): pages answer 503 with Retry-After and a page
that says "back in a moment", the API a JSON 503; nothing is half-written, and the same
request succeeds once the database is back (issue #10, faults).

The outage is real: the connection is closed and pointed at a port where nothing listens, so
the next query fails exactly as during a restart. PostgreSQL only (an in-memory SQLite test
database cannot be taken away from under its own connection).
"""

import copy

import pytest
from django.db import connections
from django.test import Client
from django_scopes import scope, scopes_disabled
from rest_framework.authtoken.models import Token

from tests.tickets.conftest import make_desk
from tickets.models import Ticket

API = "/api/v1/orgs/sunrise"


@pytest.fixture
def database_down():
    connection = connections["default"]
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL")
    saved = copy.deepcopy(connection.settings_dict)
    pooled = bool(saved.get("OPTIONS", {}).get("pool"))

    def restart_pool():
        # The pool keeps its connections and the address it was made with: drop it, so the
        # next query connects anew, as after a real restart.
        connection.close()
        if pooled:
            connection.close_pool()

    def down():
        restart_pool()
        connection.settings_dict.update(HOST="127.0.0.1", PORT="1")
        if pooled:  # a request waits this long for a connection before its 503
            connection.settings_dict["OPTIONS"]["pool"] = {
                **saved["OPTIONS"]["pool"], "timeout": 1.0,
            }

    def up():
        restart_pool()
        connection.settings_dict.clear()
        connection.settings_dict.update(copy.deepcopy(saved))

    yield down, up
    up()


@pytest.mark.django_db(transaction=True)
def test_pages_and_api_answer_503_and_nothing_is_lost(world, database_down):
    down, up = database_down
    w = world.sunrise
    with scope(organization=w.org):
        desk = make_desk(w)
    token = Token.objects.create(user=w.owner).key
    page = Client(raise_request_exception=False)
    page.force_login(w.owner, backend="portal.accounts.backends.PhoneOrEmailBackend")
    api = Client(raise_request_exception=False, headers={"Authorization": f"Token {token}"})
    body = {"category": desk.repair.pk, "title": "Lift stuck", "unit": w.unit.pk}

    down()
    home = page.get("/o/sunrise/")
    assert home.status_code == 503
    assert home["Retry-After"] == "30"
    assert "Back in a moment" in home.content.decode()
    created = api.post(f"{API}/tickets/", body, content_type="application/json")
    assert created.status_code == 503
    assert created["Retry-After"] == "30"
    assert created.json()["code"] == "unavailable"
    up()

    with scopes_disabled():
        assert not Ticket.objects.exists()
    retried = api.post(f"{API}/tickets/", body, content_type="application/json")
    assert retried.status_code == 201, retried.content
    assert page.get("/o/sunrise/").status_code == 200


def test_other_errors_stay_500(rf):
    from portal.errors import server_error

    try:
        raise ValueError("a bug")
    except ValueError:
        response = server_error(rf.get("/o/sunrise/"))
    assert response.status_code == 500
    assert "Retry-After" not in response
