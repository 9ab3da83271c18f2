"""Cells of our CSV downloads, which managers open in Excel or WPS: text that starts like a
formula (= + - @, or a tab or carriage return before one) would be evaluated there, so
a name such as ``=HYPERLINK(...)`` typed by an owner could run in the manager's spreadsheet
(OWASP "CSV injection"). Such text gets a leading apostrophe: shown as typed, never run."""

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def cell(value):
    """``value`` as a spreadsheet cell that is never a formula; non-text values unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def row(values) -> list:
    return [cell(value) for value in values]
