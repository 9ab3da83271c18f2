"""Celery wiring: a real worker in this process, consuming from the project's Redis broker."""

import queue
import uuid
from datetime import timedelta

import pytest
import time_machine
from celery.contrib.testing.worker import start_worker
from celery.exceptions import Retry
from celery.signals import task_postrun
from django.conf import settings
from django.core import mail
from django.core.cache import cache
from django.db import connections, transaction
from django.utils import timezone
from django_scopes import scopes_disabled

from portal.accounts import services, tasks
from portal.accounts.models import Invitation
from portal.celery import app
from portal.sms import MemoryBackend
from portal.tasks import HEARTBEAT_KEY, heartbeat
from tests import factories as f

WAIT_SECONDS = 20


@pytest.fixture
def finished_tasks():
    """Names of the tasks the worker has finished, in order, as they finish."""
    finished: queue.Queue = queue.Queue()

    def record(sender=None, **kwargs):
        # The worker thread ends its own database connections: an open one would block
        # dropping the PostgreSQL test database at the end of the run.
        connections.close_all()
        finished.put(sender.name)

    task_postrun.connect(record, weak=False)
    yield finished
    task_postrun.disconnect(record)


@pytest.fixture(scope="module")
def worker():
    # A queue of our own on the shared broker: a demo worker or another test run on the same
    # Redis must not take these tasks (it would not see this test's database).
    own_queue = f"test-{uuid.uuid4().hex[:12]}"
    previous = app.conf.task_default_queue
    app.conf.task_default_queue = own_queue
    try:
        with start_worker(app, perform_ping_check=False, queues=[own_queue]) as running:
            yield running
    finally:
        app.conf.task_default_queue = previous


@pytest.fixture(autouse=True)
def sms_outbox(settings):
    settings.SMS_BACKEND = "portal.sms.MemoryBackend"  # read by the worker thread per message
    MemoryBackend.outbox.clear()
    yield MemoryBackend.outbox
    MemoryBackend.outbox.clear()


def wait_for(finished_tasks, task, times=1):
    for _ in range(times):
        assert finished_tasks.get(timeout=WAIT_SECONDS) == task.name


@pytest.fixture
def invitee(db):
    organization = f.OrganizationFactory(slug="sunrise", name="Sunrise Property Services")
    user = f.UserFactory(
        email="new.owner@example.com", phone=None, full_name="Li Lei", password=None,
        is_active=False, language="en",
    )
    return organization, user


@pytest.mark.django_db(transaction=True)
def test_invitation_is_emailed_by_a_worker_through_the_broker(worker, finished_tasks, invitee):
    organization, user = invitee
    with transaction.atomic(), scopes_disabled():
        invitation = services.invitation_create(organization=organization, user=user)
        assert mail.outbox == []  # nothing leaves before the commit

    wait_for(finished_tasks, tasks.send_invitation)

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["new.owner@example.com"]
    assert services.invitation_url(invitation.token) in message.body
    assert "Sunrise Property Services" in message.subject
    with scopes_disabled():
        invitation.refresh_from_db()
    assert invitation.sent_by_email_at is not None


@pytest.mark.django_db(transaction=True)
def test_invitation_task_run_twice_sends_one_email(worker, finished_tasks, invitee):
    organization, user = invitee
    with scopes_disabled():
        invitation = services.invitation_create(organization=organization, user=user, send=False)

    tasks.send_invitation.delay(invitation.pk, invitation.token)
    tasks.send_invitation.delay(invitation.pk, invitation.token)
    wait_for(finished_tasks, tasks.send_invitation, times=2)

    assert len(mail.outbox) == 1


@pytest.mark.django_db(transaction=True)
def test_invitation_to_a_phone_goes_by_sms_once(worker, finished_tasks, invitee):
    organization, _ = invitee
    user = f.UserFactory(email=None, phone="+8613900139000", password=None, is_active=False)
    with scopes_disabled():
        invitation = services.invitation_create(organization=organization, user=user, send=False)

    tasks.send_invitation.delay(invitation.pk, invitation.token)
    tasks.send_invitation.delay(invitation.pk, invitation.token)
    wait_for(finished_tasks, tasks.send_invitation, times=2)

    assert [sms.to for sms in MemoryBackend.outbox] == ["+8613900139000"]
    assert services.invitation_url(invitation.token) in MemoryBackend.outbox[0].body
    assert mail.outbox == []


@pytest.mark.django_db(transaction=True)
def test_used_invitation_is_not_sent(worker, finished_tasks, invitee):
    organization, user = invitee
    with scopes_disabled():
        invitation = services.invitation_create(organization=organization, user=user, send=False)
    services.invitation_accept(token=invitation.token, password="a-long-new-secret-42")

    tasks.send_invitation.delay(invitation.pk, invitation.token)
    wait_for(finished_tasks, tasks.send_invitation)

    assert mail.outbox == []


@pytest.mark.django_db
def test_purge_deletes_only_invitations_expired_longer_than_the_ttl(invitee):
    organization, user = invitee
    with scopes_disabled():
        open_link = services.invitation_create(organization=organization, user=user, send=False)
    start = timezone.now()

    with time_machine.travel(start + settings.INVITATION_TTL + timedelta(days=1), tick=False):
        with scopes_disabled():
            recent = services.invitation_create(organization=organization, user=user, send=False)
        # The first link expired a day ago: kept, so the admin still sees it.
        assert tasks.purge_expired_invitations() == 0

    with time_machine.travel(start + 2 * settings.INVITATION_TTL + timedelta(hours=1), tick=False):
        assert tasks.purge_expired_invitations() == 1

    with scopes_disabled():
        remaining = set(Invitation.objects.values_list("pk", flat=True))
    assert remaining == {recent.pk}
    assert open_link.pk not in remaining


def test_every_beat_task_is_registered():
    app.loader.import_default_modules()
    for entry in settings.CELERY_BEAT_SCHEDULE.values():
        assert entry["task"] in app.tasks


@pytest.mark.django_db(transaction=True)
def test_heartbeat_runs_on_the_worker_for_the_health_check(worker, finished_tasks):
    cache.delete(HEARTBEAT_KEY)
    heartbeat.delay()
    wait_for(finished_tasks, heartbeat)
    assert cache.get(HEARTBEAT_KEY)


@pytest.mark.django_db
def test_failed_sms_is_left_unsent_for_the_next_attempt(settings, invitee):
    organization, _ = invitee
    user = f.UserFactory(email=None, phone="+8613900139000", password=None, is_active=False)
    settings.SMS_BACKEND = "portal.sms.HttpGatewayBackend"
    settings.SMS_GATEWAY_URL = "http://127.0.0.1:1/sms"  # nothing listens: connection refused
    with scopes_disabled():
        invitation = services.invitation_create(organization=organization, user=user, send=False)

    # The task asks Celery to try again later (with back-off) instead of failing for good.
    with pytest.raises(Retry):
        tasks.send_invitation.apply(args=(invitation.pk, invitation.token), throw=True)

    with scopes_disabled():
        invitation.refresh_from_db()
    assert invitation.sent_by_sms_at is None
