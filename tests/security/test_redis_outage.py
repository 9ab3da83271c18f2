"""Redis down (issue #10, faults): pages and the API keep answering without a server error,
and what was queued meanwhile goes out afterwards.

"Down" is a Redis address where nothing listens, for the cache (throttles, rate limits), the
Celery broker and the channel layer at once — what every client sees while the server is
stopped. The outbox rows live in the database, so the periodic delivery job sends them once
Redis is back.
"""

import time

import kombu.pools
import pytest
from django.core import mail
from django.test import Client
from django_scopes import scope, scopes_disabled
from rest_framework.authtoken.models import Token

from communications.delivery import send_due
from communications.models import Delivery
from portal.celery import app
from tests.tickets.conftest import make_desk

DEAD = "redis://127.0.0.1:1/0"
API = "/api/v1/orgs/sunrise"


def _point_celery_at(url: str) -> None:
    # Celery keeps its connection pools, and kombu keeps them per broker URL for the whole
    # process: closing only ``app.pool`` here would close the healthy broker's pool and leave
    # it registered, so every later test's publish failed with "Acquire on closed pool".
    # Closing and forgetting them all makes the next publish open a fresh pool for ``url``.
    app.conf.broker_url = url
    kombu.pools.reset()
    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture
def redis_down(settings):
    healthy_broker = app.conf.broker_url
    settings.CACHES = {"default": {**settings.CACHES["default"], "LOCATION": DEAD}}
    layer = settings.CHANNEL_LAYERS["default"]
    settings.CHANNEL_LAYERS = {
        "default": {**layer, "CONFIG": {**layer["CONFIG"], "hosts": [{"address": DEAD}]}}
    }
    _point_celery_at(DEAD)
    yield
    _point_celery_at(healthy_broker)


@pytest.fixture
def desk(world):
    with scope(organization=world.sunrise.org):
        yield make_desk(world.sunrise)


def _api(user) -> Client:
    token, _ = Token.objects.get_or_create(user=user)
    return Client(headers={"Authorization": f"Token {token.key}"})


def test_pages_and_api_answer_and_the_outbox_is_delivered_after(
    desk, world, login, redis_down, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    w = world.sunrise
    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True):
        created = _api(w.owner).post(f"{API}/tickets/", {
            "category": desk.repair.pk, "title": "Water leak in the hall", "unit": w.unit.pk,
        }, content_type="application/json")
    assert created.status_code == 201, created.content
    number = created.json()["number"]
    with django_capture_on_commit_callbacks(execute=True):
        accepted = _api(w.staff).post(
            f"{API}/tickets/{number}/transition/", {"to": "accepted"},
            content_type="application/json",
        )
    assert accepted.status_code < 500, accepted.content

    pages = {
        "login": Client().get("/accounts/login/"),
        "owner home": login(w.owner).get("/o/sunrise/"),
        "owner requests": login(w.owner).get("/o/sunrise/requests/"),
        "notifications": login(w.owner).get("/notifications/"),
        "staff queue": login(w.staff).get("/o/sunrise/tickets/"),
        "api list": _api(w.staff).get(f"{API}/tickets/"),
        "healthz": Client().get("/healthz"),
    }
    errors = {name: r.status_code for name, r in pages.items() if r.status_code >= 500
              and name != "healthz"}
    assert not errors, errors
    # The health check tells the truth: Redis is down, so it is not healthy.
    assert pages["healthz"].status_code == 503
    # No request waited for a dead Redis for long.
    assert time.monotonic() - started < 30

    with scopes_disabled():
        waiting = Delivery.objects.filter(status=Delivery.Status.QUEUED).count()
    assert waiting >= 1, "the owner's email about the accepted request should be queued"
    assert not mail.outbox

    # Redis is back (the fixture's settings are the healthy ones again at teardown; the
    # delivery job needs only the database and the mail backend).
    sent = send_due()
    assert sent == waiting
    assert len(mail.outbox) == waiting
    assert send_due() == 0  # once, not twice
