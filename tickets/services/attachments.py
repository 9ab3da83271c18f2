"""Photos (and staff PDFs) on tickets: checked, re-encoded and stored; and the two writes that
take photos along, a new request and a reply, each in one transaction.

Uploads are never stored as sent. An image is decoded by Pillow (never trusted by its name or
its declared type), rotated upright by its EXIF orientation and encoded again, which drops
every piece of metadata (GPS position, camera serial, comments): a photo of a flat's interior
must not tell where the flat is. HEIC/HEIF from iPhones becomes JPEG so every browser shows it.
The decoding happens before the transaction opens: a ticket number's counter row stays locked
until commit, and several large photos take seconds to re-encode.
"""

import io
import secrets
import warnings
from dataclasses import dataclass

import pillow_heif
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from PIL import Image, ImageOps, UnidentifiedImageError

from portal.tenancy.access import Access

from ..models import Status, Ticket, TimelineEntry
from .errors import TicketError
from .history import lock
from .rules import STAFF, actor_id, require_roles
from .submit import ticket_submit
from .workflow import ticket_comment

pillow_heif.register_heif_opener()

MAX_FILES = 9
MAX_BYTES = 10 * 1024 * 1024
# A 48-megapixel phone photo is about 48.8 million pixels; anything far beyond is a bomb.
MAX_PIXELS = 60_000_000
Image.MAX_IMAGE_PIXELS = MAX_PIXELS
# Stored photos are scaled down to this long side: enough to see a crack in a tile.
MAX_SIDE = 4096
THUMBNAIL_SIDE = 320
JPEG_QUALITY = 85
ACCEPTED_FORMATS = {"JPEG", "PNG", "HEIF"}
FIELD = "photos"


@dataclass(frozen=True)
class PreparedFile:
    """An upload that passed every check, ready to store."""

    original_name: str
    content: bytes
    content_type: str
    extension: str
    thumbnail: bytes | None = None
    width: int | None = None
    height: int | None = None


def _refuse(message: str) -> TicketError:
    return TicketError({FIELD: message}, code="attachment")


def _clean_name(name: str) -> str:
    # Kept for display only (the stored name is random); no path, bounded length.
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1].strip() or "photo"
    return base[-150:]


def _open_checked(data: bytes, name: str) -> Image.Image:
    """The decoded image, or TicketError for anything that is not a JPEG, PNG or HEIF photo
    of a sane size."""
    not_image = _refuse(
        _("“%(name)s” is not a photo we can read. Please send JPEG, PNG or HEIC pictures.")
        % {"name": name}
    )
    bomb = _refuse(_("“%(name)s” is too large an image.") % {"name": name})
    with warnings.catch_warnings():
        # Pillow only warns between MAX_IMAGE_PIXELS and twice that; both are refused here.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(data)) as probe:
                if probe.format not in ACCEPTED_FORMATS:
                    raise not_image
                if probe.width * probe.height > MAX_PIXELS:
                    raise bomb
                probe.verify()
            image = Image.open(io.BytesIO(data))
            image.load()
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
            raise bomb from error
        except TicketError:
            raise
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError) as error:
            raise not_image from error
    return image


def _encode(image: Image.Image, fmt: str) -> bytes:
    buffer = io.BytesIO()
    icc_profile = image.info.get("icc_profile")
    options = {"icc_profile": icc_profile} if icc_profile else {}
    if fmt == "JPEG":
        # Pillow carries a JPEG comment (COM segment) over unless told otherwise; it is
        # free text from the sender, so it goes with the rest of the metadata.
        image.save(
            buffer, "JPEG", quality=JPEG_QUALITY, optimize=True, comment=b"", **options
        )
    else:
        image.save(buffer, "PNG", optimize=True, **options)
    return buffer.getvalue()


def _flatten(image: Image.Image) -> Image.Image:
    """RGB for JPEG: transparency goes on white, as a viewer would show it."""
    if image.mode == "RGB":
        return image
    if image.mode in ("RGBA", "LA", "P", "PA"):
        image = image.convert("RGBA")
        background = Image.new("RGB", image.size, "white")
        background.paste(image, mask=image.getchannel("A"))
        return background
    return image.convert("RGB")


def _prepare_image(data: bytes, name: str) -> PreparedFile:
    image = _open_checked(data, name)
    source_format = image.format
    upright = ImageOps.exif_transpose(image)
    upright.thumbnail((MAX_SIDE, MAX_SIDE))
    # PNG stays PNG (screenshots stay sharp); JPEG and HEIF become JPEG.
    if source_format == "PNG":
        if upright.mode not in ("RGB", "RGBA", "L", "LA", "P"):
            upright = upright.convert("RGBA")
        content, content_type, extension = _encode(upright, "PNG"), "image/png", ".png"
    else:
        content = _encode(_flatten(upright), "JPEG")
        content_type, extension = "image/jpeg", ".jpg"
    thumb = _flatten(upright.copy())
    thumb.thumbnail((THUMBNAIL_SIDE, THUMBNAIL_SIDE))
    stem = name.rsplit(".", 1)[0] if "." in name else name
    return PreparedFile(
        original_name=f"{stem}{extension}", content=content, content_type=content_type,
        extension=extension, thumbnail=_encode(thumb, "JPEG"), width=upright.width,
        height=upright.height,
    )


def attachment_prepare(*, upload, allow_documents: bool = False) -> PreparedFile:
    """Check and re-encode one upload (a Django UploadedFile or any file with ``name``,
    ``size`` and ``read``). ``allow_documents`` (staff) also accepts PDF, stored as sent and
    always served as a download."""
    name = _clean_name(getattr(upload, "name", ""))
    size = getattr(upload, "size", None)
    if size is not None and size > MAX_BYTES:
        raise _refuse(
            _("“%(name)s” is larger than %(limit)d MB.") % {"name": name, "limit": MAX_BYTES >> 20}
        )
    if hasattr(upload, "seek"):
        upload.seek(0)
    data = upload.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise _refuse(
            _("“%(name)s” is larger than %(limit)d MB.") % {"name": name, "limit": MAX_BYTES >> 20}
        )
    if not data:
        raise _refuse(_("“%(name)s” is empty.") % {"name": name})
    if allow_documents and data.startswith(b"%PDF-"):
        stem = name.rsplit(".", 1)[0] if "." in name else name
        return PreparedFile(
            original_name=f"{stem}.pdf", content=data, content_type="application/pdf",
            extension=".pdf",
        )
    try:
        return _prepare_image(data, name)
    except TicketError:
        raise
    except (OSError, ValueError) as error:
        # Decoded but not re-encodable (an exotic pixel mode): refused like any unreadable file.
        raise _refuse(
            _("“%(name)s” is not a photo we can read. Please send JPEG, PNG or HEIC pictures.")
            % {"name": name}
        ) from error


def attachments_prepare(*, uploads, allow_documents: bool = False) -> list[PreparedFile]:
    """Every upload checked, or TicketError on the ``photos`` field for the first bad one."""
    uploads = list(uploads or [])
    if len(uploads) > MAX_FILES:
        raise _refuse(
            ngettext(
                "You can add at most %(count)d photo at a time.",
                "You can add at most %(count)d photos at a time.",
                MAX_FILES,
            )
            % {"count": MAX_FILES}
        )
    return [
        attachment_prepare(upload=upload, allow_documents=allow_documents) for upload in uploads
    ]


class _StoredFiles:
    """Files written inside a transaction, removed again if it rolls back (the storage is
    not transactional, and an orphan photo of someone's home must not linger)."""

    def __init__(self):
        self.names: list[tuple] = []

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, traceback):
        if exc_type is not None:
            for storage, name in self.names:
                storage.delete(name)
        return False


def _store(
    *, access: Access, ticket: Ticket, prepared: PreparedFile, entry: TimelineEntry | None,
    is_public: bool, stored: _StoredFiles,
):
    from ..models import Attachment

    attachment = Attachment(
        organization_id=ticket.organization_id, ticket=ticket, entry=entry,
        uploaded_by_id=actor_id(access), is_public=is_public,
        storage_key=secrets.token_hex(16), extension=prepared.extension,
        original_name=prepared.original_name, content_type=prepared.content_type,
        size=len(prepared.content), width=prepared.width, height=prepared.height,
    )
    attachment.file.save("upload", ContentFile(prepared.content), save=False)
    stored.names.append((attachment.file.storage, attachment.file.name))
    if prepared.thumbnail is not None:
        attachment.thumbnail.save("thumb", ContentFile(prepared.thumbnail), save=False)
        stored.names.append((attachment.thumbnail.storage, attachment.thumbnail.name))
    attachment.save()
    return attachment


def _check_may_attach(access: Access, ticket: Ticket, is_public: bool) -> None:
    who = require_roles(access, ticket)
    if not is_public and STAFF not in who:
        raise TicketError(_("Only staff can add internal attachments."), code="staff_only")
    if STAFF not in who and ticket.status in (Status.CLOSED, Status.CANCELLED):
        raise _refuse(_("This request is finished; please submit a new request."))


def _save_all(access, ticket, prepared, entry, is_public, stored):
    return [
        _store(access=access, ticket=ticket, prepared=item, entry=entry, is_public=is_public,
               stored=stored)
        for item in prepared
    ]


def attachments_add(
    *, access: Access, ticket: Ticket, uploads, entry: TimelineEntry | None = None,
    is_public: bool = True, allow_documents: bool | None = None,
) -> list:
    """Attach uploads to a ticket (optionally to one of its timeline entries). All or none:
    one bad file refuses the lot. Staff may attach PDFs and non-public files."""
    who = require_roles(access, ticket)
    if allow_documents is None:
        allow_documents = STAFF in who
    prepared = attachments_prepare(uploads=uploads, allow_documents=allow_documents)
    with _StoredFiles() as stored, transaction.atomic():
        # The current status decides (a stale copy might predate a cancellation).
        ticket = lock(ticket)
        _check_may_attach(access, ticket, is_public)
        return _save_all(access, ticket, prepared, entry, is_public, stored)


def attachment_add(
    *, access: Access, ticket: Ticket, upload, entry: TimelineEntry | None = None,
    is_public: bool = True,
):
    """One upload; see :func:`attachments_add`."""
    return attachments_add(
        access=access, ticket=ticket, uploads=[upload], entry=entry, is_public=is_public
    )[0]


def ticket_submit_with_photos(*, access: Access, photos=(), **fields) -> Ticket:
    """An owner's request (:func:`ticket_submit`, same keyword arguments) with up to nine
    photos on its "submitted" entry, in one transaction: a bad photo saves nothing."""
    prepared = attachments_prepare(uploads=photos)
    with _StoredFiles() as stored, transaction.atomic():
        ticket = ticket_submit(access=access, **fields)
        if prepared:
            created = TimelineEntry.objects.filter(
                organization_id=ticket.organization_id, ticket=ticket,
                kind=TimelineEntry.Kind.CREATED,
            ).first()
            _save_all(access, ticket, prepared, created, True, stored)
    return ticket


def ticket_reply_with_photos(
    *, access: Access, ticket: Ticket, body: str, photos=(), internal: bool = False
) -> TimelineEntry:
    """A reply (:func:`ticket_comment`) with photos on it, in one transaction. An owner's
    reply to a ticket waiting on them resumes it, as without photos."""
    who = require_roles(access, ticket)
    prepared = attachments_prepare(uploads=photos, allow_documents=STAFF in who)
    with _StoredFiles() as stored, transaction.atomic():
        entry = ticket_comment(access=access, ticket=ticket, body=body, internal=internal)
        _save_all(access, ticket, prepared, entry, not internal, stored)
    return entry
