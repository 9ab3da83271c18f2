"""Every write of notices and disclosures, one function per use case (DESIGN §3). Rule
violations raise :class:`NoticeError` (a ValidationError keyed by field where there is one);
callers without the role ``PermissionDenied``."""

from .announce import announce
from .audience import audience_resolve
from .editing import notice_archive, notice_attachment_remove, notice_create, notice_update
from .errors import NoticeError
from .publishing import notice_publish, notice_unschedule, publish_due
from .receipts import (
    notice_acknowledge,
    notice_mark_read,
    notice_record_paper,
    notice_remind,
    remind_due,
)

__all__ = [
    "NoticeError",
    "announce",
    "audience_resolve",
    "notice_acknowledge",
    "notice_archive",
    "notice_attachment_remove",
    "notice_create",
    "notice_mark_read",
    "notice_publish",
    "notice_record_paper",
    "notice_remind",
    "notice_unschedule",
    "notice_update",
    "publish_due",
    "remind_due",
]
