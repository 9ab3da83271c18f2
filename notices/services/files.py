"""Uploaded files of notices (PDF and pictures) and disclosures (XLSX ledgers and PDF), checked
by their content, never by their name or declared type, and stored under random names."""

import io
import zipfile
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _

from tickets.services.attachments import MAX_BYTES, attachment_prepare

from .errors import NoticeError

MAX_FILES = 10
# An XLSX is a zip: its unpacked size is bounded so that a zip bomb is refused unread.
MAX_UNPACKED = 100 * 1024 * 1024
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Checked:
    original_name: str
    content: bytes
    content_type: str
    extension: str


def _messages(error: ValidationError) -> list[str]:
    return [str(message) for message in error.messages]


def notice_files_check(uploads, field: str = "attachments") -> list[Checked]:
    """PDFs and pictures (JPEG, PNG, HEIC; re-encoded without metadata) or NoticeError."""
    uploads = [upload for upload in (uploads or []) if upload]
    if len(uploads) > MAX_FILES:
        raise NoticeError({field: _("Attach at most %(count)d files.") % {"count": MAX_FILES}})
    checked = []
    for upload in uploads:
        try:
            prepared = attachment_prepare(upload=upload, allow_documents=True)
        except ValidationError as error:
            name = getattr(upload, "name", "")
            raise NoticeError({field: _("“%(name)s”: %(reason)s Only PDF files and pictures "
                                        "(JPEG, PNG, HEIC) are accepted.")
                               % {"name": name, "reason": " ".join(_messages(error))}}) from error
        checked.append(Checked(prepared.original_name, prepared.content,
                               prepared.content_type, prepared.extension))
    return checked


def _is_xlsx(data: bytes) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError, OSError):
        return False
    return "[Content_Types].xml" in names and "xl/workbook.xml" in names and (
        unpacked <= MAX_UNPACKED
    )


def ledger_files_check(uploads, field: str = "attachments") -> list[Checked]:
    """XLSX workbooks and PDFs, or NoticeError."""
    uploads = [upload for upload in (uploads or []) if upload]
    if len(uploads) > MAX_FILES:
        raise NoticeError({field: _("Attach at most %(count)d files.") % {"count": MAX_FILES}})
    checked = []
    for upload in uploads:
        name = (getattr(upload, "name", "") or "ledger").replace("\\", "/").rsplit("/", 1)[-1]
        name = name[-150:]
        if (getattr(upload, "size", 0) or 0) > MAX_BYTES:
            raise NoticeError({field: _("“%(name)s” is larger than %(limit)d MB.")
                               % {"name": name, "limit": MAX_BYTES >> 20}})
        if hasattr(upload, "seek"):
            upload.seek(0)
        data = upload.read(MAX_BYTES + 1)
        if len(data) > MAX_BYTES:
            raise NoticeError({field: _("“%(name)s” is larger than %(limit)d MB.")
                               % {"name": name, "limit": MAX_BYTES >> 20}})
        stem = name.rsplit(".", 1)[0] if "." in name else name
        if data.startswith(b"%PDF-"):
            checked.append(Checked(f"{stem}.pdf", data, "application/pdf", ".pdf"))
        elif _is_xlsx(data):
            checked.append(Checked(f"{stem}.xlsx", data, XLSX_TYPE, ".xlsx"))
        else:
            raise NoticeError({field: _("“%(name)s” is not an Excel workbook (XLSX) or a PDF.")
                               % {"name": name}})
    return checked


class StoredFiles:
    """Files written inside a transaction, removed again if it rolls back."""

    def __init__(self):
        self.names: list[tuple] = []

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, traceback):
        if exc_type is not None:
            for storage, name in self.names:
                storage.delete(name)
        return False

    def save(self, row, checked: Checked):
        row.original_name = checked.original_name
        row.content_type = checked.content_type
        row.extension = checked.extension
        row.size = len(checked.content)
        row.file.save("upload", ContentFile(checked.content), save=False)
        self.names.append((row.file.storage, row.file.name))
        row.save()
        return row
