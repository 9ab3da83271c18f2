"""Writing notices: create, edit (a published notice gets a new version), archive, files."""

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.tenancy.access import Access

from ..markdown import is_unsafe
from ..models import Notice, NoticeAttachment, NoticeAudience, NoticeVersion
from ..models.notice import Category, Status
from .audience import audience_rows
from .errors import NoticeError
from .files import StoredFiles, notice_files_check
from .rules import actor_id, require_manager

UNSAFE_TEXT = gettext_lazy(
    "The text contains HTML that is not allowed here (scripts, event handlers, embedded "
    "content or links that are not web, mail or phone links). Remove it and use Markdown "
    "formatting instead."
)


def lock(notice: Notice) -> Notice:
    return Notice.objects.select_for_update().get(
        pk=notice.pk, organization_id=notice.organization_id
    )


def validate_fields(
    *, title: str, body: str, category: str, whole_organization: bool, rows: list,
    ack_required: bool, ack_deadline: dt.datetime | None, expires_at: dt.datetime | None,
    now: dt.datetime,
) -> None:
    errors: dict[str, str] = {}
    if not title.strip():
        errors["title"] = _("Give the notice a title.")
    if not body.strip():
        errors["body"] = _("Write the text of the notice.")
    elif is_unsafe(body):
        errors["body"] = str(UNSAFE_TEXT)
    if category not in Category.values:
        errors["category"] = _("Choose a category.")
    if not whole_organization and not rows:
        errors["audience"] = _(
            "Choose who the notice is for: the whole organisation, or properties, buildings "
            "or units."
        )
    if ack_required and ack_deadline is not None and ack_deadline <= now:
        errors["ack_deadline"] = _("The acknowledgement deadline must be in the future.")
    if expires_at is not None and expires_at <= now:
        errors["expires_at"] = _("The expiry time must be in the future.")
    if errors:
        raise NoticeError(errors)


def _store_files(notice: Notice, checked, stored: StoredFiles) -> None:
    for item in checked:
        stored.save(NoticeAttachment(organization_id=notice.organization_id, notice=notice),
                    item)


def notice_create(
    *, access: Access, title: str, body: str, category: str = Category.GENERAL,
    whole_organization: bool = False, property_ids=None, building_ids=None, unit_ids=None,
    pinned: bool = False, ack_required: bool = False, ack_deadline: dt.datetime | None = None,
    expires_at: dt.datetime | None = None, uploads=(),
) -> Notice:
    """A draft notice with its audience, first version and files; nothing is sent yet."""
    require_manager(access)
    organization = access.organization
    now = timezone.now()
    rows = audience_rows(organization=organization, property_ids=property_ids,
                         building_ids=building_ids, unit_ids=unit_ids)
    validate_fields(title=title, body=body, category=category,
                    whole_organization=whole_organization, rows=rows,
                    ack_required=ack_required, ack_deadline=ack_deadline,
                    expires_at=expires_at, now=now)
    checked = notice_files_check(uploads)
    with StoredFiles() as stored, transaction.atomic():
        notice = Notice.objects.create(
            organization=organization, title=title.strip(), body=body, category=category,
            whole_organization=whole_organization, pinned=pinned, ack_required=ack_required,
            ack_deadline=ack_deadline if ack_required else None, expires_at=expires_at,
            created_by_id=actor_id(access), created_at=now, updated_at=now,
        )
        for row in rows:
            row.notice = notice
        NoticeAudience.objects.bulk_create(rows)
        NoticeVersion.objects.create(
            organization=organization, notice=notice, number=1, title=notice.title,
            body=body, category=category, edited_by_id=actor_id(access), created_at=now,
        )
        _store_files(notice, checked, stored)
    return notice


def notice_update(
    *, access: Access, notice: Notice, title: str, body: str, category: str,
    whole_organization: bool = False, property_ids=None, building_ids=None, unit_ids=None,
    pinned: bool = False, ack_required: bool = False, ack_deadline: dt.datetime | None = None,
    expires_at: dt.datetime | None = None, change_note: str = "", uploads=(),
) -> Notice:
    """Edit a notice. A draft or scheduled one changes in place; a published one keeps what it
    said as a version and its readers see that it was updated. New people in a widened
    audience of a published notice get their receipts at once."""
    from .publishing import add_receipts

    require_manager(access)
    organization = access.organization
    now = timezone.now()
    rows = audience_rows(organization=organization, property_ids=property_ids,
                         building_ids=building_ids, unit_ids=unit_ids)
    validate_fields(title=title, body=body, category=category,
                    whole_organization=whole_organization, rows=rows,
                    ack_required=ack_required, ack_deadline=ack_deadline,
                    expires_at=expires_at, now=now)
    checked = notice_files_check(uploads)
    with StoredFiles() as stored, transaction.atomic():
        notice = lock(notice)
        if notice.status == Status.ARCHIVED:
            raise NoticeError(_("An archived notice cannot be edited."), code="archived")
        published = notice.status == Status.PUBLISHED
        text_changed = (title.strip(), body, category) != (notice.title, notice.body,
                                                            notice.category)
        notice.title, notice.body, notice.category = title.strip(), body, category
        notice.whole_organization, notice.pinned = whole_organization, pinned
        notice.ack_required = ack_required
        notice.ack_deadline = ack_deadline if ack_required else None
        notice.expires_at, notice.updated_at = expires_at, now
        if published and text_changed:
            notice.version += 1
            notice.content_updated_at = now
            NoticeVersion.objects.create(
                organization=organization, notice=notice, number=notice.version,
                title=notice.title, body=body, category=category, change_note=change_note,
                edited_by_id=actor_id(access), created_at=now,
            )
        elif not published:
            NoticeVersion.objects.filter(notice=notice, number=notice.version).update(
                title=notice.title, body=body, category=category, created_at=now)
        notice.save()
        NoticeAudience.objects.filter(organization=organization, notice=notice).delete()
        for row in rows:
            row.notice = notice
        NoticeAudience.objects.bulk_create(rows)
        _store_files(notice, checked, stored)
        if published:
            add_receipts(notice=notice, rows=rows, now=now, actor=actor_id(access))
    return notice


@transaction.atomic
def notice_archive(*, access: Access, notice: Notice) -> Notice:
    """Take a notice off the owners' feed (its receipts and history stay)."""
    require_manager(access)
    notice = lock(notice)
    if notice.status == Status.ARCHIVED:
        return notice
    notice.status, notice.publish_at, notice.remind_at = Status.ARCHIVED, None, None
    notice.pinned = False
    notice.updated_at = timezone.now()
    notice.save()
    return notice


@transaction.atomic
def notice_attachment_remove(*, access: Access, notice: Notice, attachment_id: int) -> None:
    require_manager(access)
    notice = lock(notice)
    attachment = NoticeAttachment.objects.filter(notice=notice, pk=attachment_id).first()
    if attachment is None:
        raise NoticeError(_("No such file."))
    name, storage = attachment.file.name, attachment.file.storage
    attachment.delete()
    transaction.on_commit(lambda: storage.delete(name))
