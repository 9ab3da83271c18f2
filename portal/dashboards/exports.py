"""CSV (UTF-8 with a byte-order mark, so that Excel shows Chinese) and XLSX of one table."""

import tablib
from django.http import HttpResponse

from portal.spreadsheet import row as spreadsheet_row

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def table_dataset(table) -> tablib.Dataset:
    dataset = tablib.Dataset(headers=spreadsheet_row(str(header) for header in table.headers))
    for row in table.plain_rows():
        dataset.append(spreadsheet_row("" if cell is None else cell if isinstance(cell, int | float)
                                       else str(cell) for cell in row))
    dataset.title = str(table.title)[:31]
    return dataset


def export_response(table, fmt: str, filename: str) -> HttpResponse:
    dataset = table_dataset(table)
    if fmt == "csv":
        body = ("\ufeff" + dataset.export("csv")).encode("utf-8")
    else:
        body = dataset.export("xlsx")
    response = HttpResponse(body, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return response
