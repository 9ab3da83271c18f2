"""Two beat workers publishing the same scheduled notices at once, on PostgreSQL: each notice
goes out once (SQLite serialises writers; nothing to race there)."""

import datetime as dt
import threading

import pytest
from django.db import connection
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from communications.models import Notification
from notices.models import Notice, NoticeReceipt
from notices.services import notice_publish, publish_due

from .conftest import Board

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _postgresql_only(db):
    if connection.vendor != "postgresql":
        pytest.skip("races need a database with concurrent writers (PostgreSQL)")


def test_two_workers_publish_each_notice_once(world):
    w = world.sunrise
    later = timezone.now() + dt.timedelta(minutes=5)
    with scope(organization=w.org):
        board = Board(w)
        for n in range(5):
            notice_publish(access=board.access(w.manager), notice=board.draft(title=f"N{n}"),
                           publish_at=later)
    barrier = threading.Barrier(3)
    results = []

    def worker():
        try:
            barrier.wait(timeout=10)
            results.append(publish_due(now=later))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(results) == 5
    with scopes_disabled():
        assert Notice.objects.filter(status="published").count() == 5
        assert NoticeReceipt.objects.filter(user=w.owner).count() == 5
        assert Notification.objects.filter(kind="notice.published",
                                           recipient=w.owner).count() == 5
