"""From an uploaded CSV or XLSX file to a Table: the header mapped to columns, and the rows.

CSV is read with the ``csv`` module and XLSX with openpyxl (the reader tablib uses) rather than
through ``tablib.Dataset``, because a Dataset drops the blank lines of a CSV and would shift
every row number after them.
"""

import codecs
import csv
import io
import zipfile
from dataclasses import dataclass
from datetime import date, datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .columns import ALIASES, COLUMNS, LAYOUTS, ImportRejected, Kind, RowError, header_key

MAX_COLUMNS = 50
# A small XLSX can unpack to gigabytes of XML; refuse workbooks that claim to be this large.
MAX_UNPACKED_BYTES = 100 * 1024 * 1024


@dataclass
class Table:
    kind: str
    headers: dict[str, str]  # column key -> the header as written in the file
    rows: list[tuple[int, dict[str, str]]]  # (row number in the file, column key -> text)

    def label(self, key: str) -> str:
        return self.headers.get(key) or str(COLUMNS[key].label)


def upload_format(upload) -> str:
    """``"csv"`` or ``"xlsx"``, or a ValidationError for the file field."""
    if upload.size > settings.IMPORT_MAX_UPLOAD_BYTES:
        raise ValidationError(
            _("The file is too large: at most %(size)s MB.")
            % {"size": f"{settings.IMPORT_MAX_UPLOAD_BYTES / 1024 / 1024:g}"},
            code="too_large",
        )
    name = (upload.name or "").lower()
    if name.endswith(".xls"):
        raise ValidationError(
            _("Old Excel files (.xls) cannot be read. In Excel, save the file as .xlsx or CSV."),
            code="wrong_type",
        )
    for extension in ("csv", "xlsx"):
        if name.endswith("." + extension):
            return extension
    raise ValidationError(_("Upload a CSV or an Excel (.xlsx) file."), code="wrong_type")


def read_table(upload, kind: str) -> Table:
    """The header and the non-blank rows of ``upload``; raises ImportRejected or ValidationError
    (the latter for problems of the file itself, shown on the form's file field)."""
    file_format = upload_format(upload)
    data = upload.read(settings.IMPORT_MAX_UPLOAD_BYTES + 1)
    if len(data) > settings.IMPORT_MAX_UPLOAD_BYTES:  # the declared size lied
        raise ValidationError(_("The file is too large."), code="too_large")
    raw_rows = _csv_rows(data) if file_format == "csv" else _xlsx_rows(data)
    header: tuple[int, list[str]] | None = None
    rows: list[tuple[int, list[str]]] = []
    for number, cells in raw_rows:
        if not any(cells):
            continue
        if header is None:
            header = (number, cells)
            continue
        if len(rows) >= settings.IMPORT_MAX_ROWS:
            raise ImportRejected([RowError(None, "", _(
                "The file has more than %(count)d rows. Split it into smaller files."
            ) % {"count": settings.IMPORT_MAX_ROWS})])
        rows.append((number, cells))
    if header is None or not rows:
        raise ImportRejected([RowError(None, "", _("The file has no rows to import."))])
    positions, headers = _map_header(header, kind)
    return Table(
        kind=kind,
        headers=headers,
        rows=[
            (number, {key: cells[i] if i < len(cells) else "" for key, i in positions.items()})
            for number, cells in rows
        ],
    )


def _decode(data: bytes) -> str:
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        # Excel's "Unicode text": UTF-16 with tabs between the cells.
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            pass
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8):]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        # What Excel on a Chinese Windows writes when told "CSV".
        return data.decode("gb18030")
    except UnicodeDecodeError:
        raise ValidationError(
            _("The file's text encoding is not recognised. Save it as CSV UTF-8 in Excel."),
            code="encoding",
        ) from None


def _csv_rows(data: bytes):
    not_text = ValidationError(
        _("This is not a CSV text file. Upload an Excel file with the .xlsx ending instead."),
        code="wrong_type",
    )
    if data.startswith(b"PK\x03\x04"):
        raise not_text
    text = _decode(data)
    if "\x00" in text[:4096]:
        raise not_text
    first_line = text.split("\n", 1)[0]
    delimiter = max([",", ";", "\t"], key=first_line.count)
    try:
        for number, cells in enumerate(csv.reader(io.StringIO(text), delimiter=delimiter), 1):
            yield number, [_text(cell) for cell in cells[:MAX_COLUMNS]]
    except csv.Error:
        raise ValidationError(_("The CSV file cannot be read."), code="malformed") from None


def _xlsx_rows(data: bytes):
    import openpyxl

    not_excel = ValidationError(
        _("The file cannot be read as an Excel workbook (.xlsx)."), code="wrong_type"
    )
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile:
        raise not_excel from None
    if unpacked > MAX_UNPACKED_BYTES:
        raise ValidationError(_("The workbook is too large."), code="too_large")
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a broken archive
        raise not_excel from None
    try:
        sheet = workbook.worksheets[0]
        for number, values in enumerate(
            sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS), 1
        ):
            yield number, [_text(value) for value in values]
    finally:
        workbook.close()


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        # Excel keeps phone numbers and floors typed as numbers as floats: 13800138000.0.
        return str(int(value)) if value.is_integer() else str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value).strip()


def _map_header(header: tuple[int, list[str]], kind: str):
    number, cells = header
    layout = LAYOUTS[Kind(kind)]
    wanted = set(layout["columns"])
    positions: dict[str, int] = {}
    headers: dict[str, str] = {}
    errors = []
    for i, text in enumerate(cells):
        key = ALIASES.get(header_key(text))
        if key not in wanted:
            continue  # other columns (notes, ids from another system) are left alone
        if key in positions:
            errors.append(RowError(number, text, _("This column appears twice.")))
            continue
        positions[key] = i
        headers[key] = text
    for key in layout["required"]:
        if key not in positions:
            errors.append(RowError(number, str(COLUMNS[key].label), _("This column is missing.")))
    if kind == Kind.RESIDENTS and "phone" not in positions and "email" not in positions:
        errors.append(RowError(
            number, str(COLUMNS["phone"].label),
            _("A phone number or an email column is needed to invite residents."),
        ))
    if errors:
        raise ImportRejected(errors)
    return positions, headers
