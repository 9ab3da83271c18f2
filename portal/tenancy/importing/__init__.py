"""Reading an uploaded spreadsheet of units or residents, and checking every row of it.

An administrator fixes the file in Excel and uploads it again, so every problem is reported at
once, with the row number Excel shows (the header is row 1), and a file with any problem
writes nothing: :mod:`portal.tenancy.services.imports` writes only a plan that came back from
here without errors.
"""

from .columns import (
    COLUMNS,
    Column,
    ImportRejected,
    Kind,
    RowError,
    columns_of,
    template_csv,
)
from .planning import ResidentsPlan, UnitsPlan, plan_residents, plan_units
from .reading import Table, read_table, upload_format

__all__ = [
    "COLUMNS",
    "Column",
    "ImportRejected",
    "Kind",
    "ResidentsPlan",
    "RowError",
    "Table",
    "UnitsPlan",
    "columns_of",
    "plan_residents",
    "plan_units",
    "read_table",
    "template_csv",
    "upload_format",
]
