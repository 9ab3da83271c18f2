"""Text messages carry an idempotency key that is the same on every claim of their outbox
row (issue #10): a worker that dies after the gateway accepted a text, before the row was
marked sent, does not cause a second text when the periodic job takes the row back."""

import datetime as dt
import json
import logging
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.utils import timezone
from django_scopes import scopes_disabled

from communications import delivery
from communications.models import Delivery
from communications.services import notify
from portal.sms import send_sms
from tests.security.fault_sms import FileOutboxBackend, replays_path


class WorkerKilled(BaseException):
    """Stands for SIGKILL: not an Exception, so the worker records no failure and the row
    stays claimed ("sending"), as when the process is gone."""


class KilledAfterAcceptance(FileOutboxBackend):
    """The gateway takes the text, then the worker dies before it hears back; once."""

    kills = 0

    def send(self, message):
        super().send(message)
        if KilledAfterAcceptance.kills:
            KilledAfterAcceptance.kills -= 1
            raise WorkerKilled


def _urgent_text(w, recipient=None):
    recipient = recipient or w.owner
    with scopes_disabled():
        notify(organization=w.org, recipients=[recipient.pk], kind="ticket.status",
               context={"number": 7, "status": "In progress"}, url="/o/sunrise/requests/7/",
               urgent=True)
        return Delivery.objects.get(channel=Delivery.Channel.SMS,
                                    notification__recipient=recipient)


def _send(row):
    return delivery.send_batch(organization_id=row.organization_id,
                               first_notification_id=row.notification_id,
                               last_notification_id=row.notification_id)


def _row(row):
    with scopes_disabled():
        return Delivery.objects.get(pk=row.pk)


def _worker_dies_after_acceptance(row, time_machine):
    KilledAfterAcceptance.kills = 1
    with pytest.raises(WorkerKilled):
        _send(row)
    assert _row(row).status == Delivery.Status.SENDING
    time_machine.move_to(timezone.now() + delivery.STALE_CLAIM + dt.timedelta(minutes=1))


@pytest.mark.django_db
def test_a_reclaimed_delivery_after_a_crash_after_acceptance_is_texted_once(
    world, settings, monkeypatch, tmp_path, time_machine
):
    outbox = tmp_path / "outbox.jsonl"
    monkeypatch.setenv("COURTYARD_FAULT_SMS_OUTBOX", str(outbox))
    monkeypatch.delenv("COURTYARD_FAULT_SMS_GATE", raising=False)
    settings.SMS_BACKEND = f"{__name__}.KilledAfterAcceptance"
    row = _urgent_text(world.sunrise)

    _worker_dies_after_acceptance(row, time_machine)
    assert delivery.send_due() == 1  # the abandoned claim is taken back and sent again
    assert delivery.send_due() == 0

    (text,) = [json.loads(line) for line in outbox.read_text().splitlines()]
    assert text["to"] == world.sunrise.owner.phone
    (replay,) = [json.loads(line) for line in replays_path(outbox).read_text().splitlines()]
    assert replay["key"] == text["key"] != ""  # the repeat reached the gateway, same key
    done = _row(row)
    assert (done.status, done.attempts) == (Delivery.Status.SENT, 1)


@pytest.mark.django_db
def test_every_claim_of_a_delivery_carries_the_same_key(world, sms_outbox, time_machine):
    # The memory backend keeps every call: without the key the gateway would text twice.
    row = _urgent_text(world.sunrise)
    _send(row)  # the email and the text
    with scopes_disabled():  # as if its worker had died before marking it sent
        Delivery.objects.filter(pk=row.pk).update(
            status=Delivery.Status.SENDING, claim=uuid.uuid4(), claimed_at=timezone.now()
        )
    time_machine.move_to(timezone.now() + delivery.STALE_CLAIM + dt.timedelta(minutes=1))
    assert delivery.send_due() == 1

    first, second = sms_outbox
    assert first.idempotency_key == second.idempotency_key
    assert first.idempotency_key.startswith(f"courtyard-delivery-{row.pk}-")
    _send(_urgent_text(world.sunrise, world.sunrise.household))
    assert len(sms_outbox) == 3
    assert sms_outbox[-1].idempotency_key not in {"", first.idempotency_key}


class _Gateway(BaseHTTPRequestHandler):
    requests: list[tuple[dict, dict]] = []

    def do_POST(self):  # noqa: N802 - the name http.server calls
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        _Gateway.requests.append((dict(self.headers), body))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def gateway(settings):
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Gateway)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    _Gateway.requests = []
    settings.SMS_BACKEND = "portal.sms.HttpGatewayBackend"
    settings.SMS_GATEWAY_URL = f"http://127.0.0.1:{server.server_port}/sms"
    yield _Gateway.requests
    server.shutdown()
    server.server_close()


@pytest.mark.django_db
def test_the_http_gateway_gets_the_key_as_header_and_in_the_body(world, gateway):
    row = _urgent_text(world.sunrise)
    _send(row)
    assert _row(row).status == Delivery.Status.SENT
    send_sms("+8613900139001", "Your code is 123456")  # no outbox row: no key

    (headers, body), (plain_headers, plain_body) = gateway
    assert headers["Idempotency-Key"] == body["idempotency_key"]
    assert body["idempotency_key"].startswith(f"courtyard-delivery-{row.pk}-")
    assert body["to"] == world.sunrise.owner.phone
    assert "Idempotency-Key" not in plain_headers and "idempotency_key" not in plain_body


def test_the_log_backend_logs_the_key(settings, caplog):
    settings.SMS_BACKEND = "portal.sms.LogBackend"
    with caplog.at_level(logging.INFO, logger="courtyard.sms"):
        send_sms("+8613900139001", "Water off at 14:00", idempotency_key="courtyard-delivery-9-1")
    assert "courtyard-delivery-9-1" in caplog.text
