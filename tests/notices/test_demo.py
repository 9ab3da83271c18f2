"""The demo seed step writes realistic notices and a disclosure register, once."""

from io import StringIO

from django.core.management import call_command
from django_scopes import scopes_disabled

from notices.models import DisclosureItem, DisclosurePublication, Notice, NoticeReceipt


def _counts():
    with scopes_disabled():
        return (Notice.objects.count(), NoticeReceipt.objects.count(),
                DisclosureItem.objects.count(), DisclosurePublication.objects.count())


def test_demo_notices_and_register_are_idempotent(db, settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=StringIO())
    first = _counts()
    with scopes_disabled():
        outage = Notice.objects.get(category="outage", organization__slug="sunrise")
        assert outage.ack_required and outage.status == "published"
        assert NoticeReceipt.objects.filter(notice=outage, acknowledged_at__isnull=False).exists()
        assert Notice.objects.filter(status="scheduled").count() == 1
        assert DisclosurePublication.objects.filter(corrects__isnull=False).count() == 1
    assert first[2] == 5
    call_command("seed_demo", stdout=StringIO())
    assert _counts() == first
