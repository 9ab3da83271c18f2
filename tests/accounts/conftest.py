import pytest

from portal.sms import MemoryBackend


@pytest.fixture
def sms_outbox(settings):
    """Text messages sent during the test, through the real pluggable SMS backend."""
    settings.SMS_BACKEND = "portal.sms.MemoryBackend"
    MemoryBackend.outbox.clear()
    yield MemoryBackend.outbox
    MemoryBackend.outbox.clear()
