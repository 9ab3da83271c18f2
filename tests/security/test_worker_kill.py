"""A Celery worker killed with SIGKILL in the middle of a delivery (issue #10, faults): the text
message goes out exactly once, after a restart, and running the tasks again sends nothing more.

Everything is real: the notification is written by ``notify`` and handed to the broker after
commit; a worker *process* (tests/security/fault_worker.py, the project's app and settings)
claims the outbox row and is caught inside the SMS gateway call (tests/security/fault_sms.py),
where the test kills it with SIGKILL. Then:

* the broker hands the unacknowledged task out again (acks_late) to the restarted worker; it
  finds the row claimed ("sending") and leaves it alone, so a slow worker that is not dead
  could not be doubled either;
* the periodic job takes back a row whose claim is older than ``STALE_CLAIM`` (the test moves
  the claim's time back instead of waiting 15 minutes) and sends it once; run again, it finds
  nothing.

When the worker is killed *after* the gateway accepted the text but before the row was marked
sent, the periodic job sends it again under the same idempotency key (portal/sms.py), and the
gateway, which honours the key like real providers do, acknowledges it without a second text.

PostgreSQL only: the worker is another process and must see the test's committed rows, which
an in-memory SQLite test database cannot offer.
"""

import json
import signal
import time
from datetime import timedelta

import pytest
from django.db import transaction
from django_scopes import scopes_disabled

from communications import delivery, tasks
from communications.models import Delivery
from communications.services import notify
from tests import factories as f

from .fault_processes import processes_fixture
from .fault_sms import replays_path
from .fault_worker import VISIBILITY_SECONDS

celery_processes = processes_fixture(gate=True)


def _delivery(pk: int) -> Delivery:
    with scopes_disabled():
        return Delivery.objects.get(pk=pk)


def _emergency_text():
    organization = f.OrganizationFactory(slug="sunrise")
    owner = f.UserFactory(email=None, phone="+8613900139000", full_name="Wang Fang")
    with transaction.atomic(), scopes_disabled():
        # emergency: the text message goes whatever the preferences say.
        notify(organization=organization, recipients=[owner.pk], kind="ticket.status",
               context={"number": 7, "status": "in progress"}, emergency=True)
    with scopes_disabled():
        (row,) = Delivery.objects.filter(channel=Delivery.Channel.SMS)
    return organization, row


def _claim_goes_stale(row: Delivery) -> None:
    """Fifteen minutes on: moves the claim's time back instead of waiting."""
    with scopes_disabled():
        Delivery.objects.filter(pk=row.pk).update(
            claimed_at=_delivery(row.pk).claimed_at - delivery.STALE_CLAIM - timedelta(minutes=1)
        )


@pytest.mark.django_db(transaction=True)
def test_a_delivery_interrupted_by_sigkill_is_sent_exactly_once(celery_processes):
    p = celery_processes
    organization, row = _emergency_text()

    worker = p.worker()
    p.until(p.gate.exists, "the worker to reach the SMS gateway")
    assert _delivery(row.pk).status == Delivery.Status.SENDING  # claimed, not sent
    p.kill(worker, signal.SIGKILL)
    killed_at = time.monotonic()
    assert worker.returncode == -signal.SIGKILL
    assert p.sent() == []

    # The broker hands the unacknowledged task out again once its visibility timeout is over.
    time.sleep(max(0.0, killed_at + VISIBILITY_SECONDS + 1 - time.monotonic()))
    p.worker()
    p.until(lambda: p.log_lines("worker-1.log", "send_deliveries[", "succeeded"),
            "the redelivered task to run on the restarted worker")
    # It found the row claimed and sent nothing: a slow worker that is alive is not doubled.
    assert p.sent() == []
    assert _delivery(row.pk).status == Delivery.Status.SENDING

    # Fifteen minutes on, the periodic job takes the abandoned claim back, once.
    _claim_goes_stale(row)
    tasks.send_due_deliveries.delay()
    tasks.send_due_deliveries.delay()
    tasks.send_deliveries.delay(organization.pk, row.notification_id, row.notification_id)
    p.until(lambda: p.log_lines("worker-1.log", "succeeded") >= 4, "the tasks to run")

    sent = p.sent()
    assert [message["to"] for message in sent] == ["+8613900139000"]
    assert "#7" in sent[0]["body"]
    done = _delivery(row.pk)
    assert (done.status, done.attempts) == (Delivery.Status.SENT, 1)


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_after_the_gateway_accepted_the_text_does_not_double_it(
    celery_processes,
):
    p = celery_processes
    p.env["COURTYARD_FAULT_SMS_GATE_AT"] = "accepted"
    _organization, row = _emergency_text()

    worker = p.worker()
    p.until(p.gate.exists, "the gateway to accept the text")
    (accepted,) = p.sent()  # it left; the worker has not heard back
    assert accepted["key"].startswith(f"courtyard-delivery-{row.pk}-")
    p.kill(worker, signal.SIGKILL)
    assert worker.returncode == -signal.SIGKILL
    assert _delivery(row.pk).status == Delivery.Status.SENDING  # never marked sent

    # The periodic job takes the abandoned claim back and sends it again: same key.
    p.worker()
    _claim_goes_stale(row)
    tasks.send_due_deliveries.delay()
    tasks.send_due_deliveries.delay()
    p.until(lambda: p.log_lines("worker-1.log", "send_due_deliveries[", "succeeded") >= 2,
            "the periodic jobs to run")

    assert p.sent() == [accepted]  # one text
    replays = replays_path(p.outbox).read_text().splitlines()
    assert [json.loads(line)["key"] for line in replays] == [accepted["key"]]
    done = _delivery(row.pk)
    assert (done.status, done.attempts) == (Delivery.Status.SENT, 1)
