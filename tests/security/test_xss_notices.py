"""Hostile text through notices and disclosures (issue #10): every payload of the corpus as a
notice's title and Markdown body, a disclosure item's title and description and a
publication's text, an attachment's file name, a version's change note and people's names;
shown on the owner's feed and notice page, the staff's pages, the printable list, the home
pages, the notification centre, notification emails and the proof-of-delivery CSV.

A body the save-time check refuses (scripts, handlers, javascript: links) is written straight
to the row afterwards, as an import or an older version of the check could have left it: the
page must still render it harmless (nh3 on every display, DESIGN §10)."""

import datetime as dt
import math

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from notices.markdown import is_unsafe, literal, to_html
from notices.models import (
    DisclosurePublication,
    Notice,
    NoticeAttachment,
    NoticeReceipt,
    NoticeVersion,
)
from notices.services import (
    NoticeError,
    notice_create,
    notice_publish,
    notice_record_paper,
    notice_update,
)
from notices.services.disclosures import disclosure_item_save, disclosure_publish
from portal.tenancy.access import compute_access
from tests import factories as f

from .test_xss_features import (
    CORPUS,
    assert_inert,
    cells_show,
    client_for,
    crowd,
    csv_cells,
    emails_after_delivery,
    formula_cells,
    name_of,
    seeded_world,
    shown_text,
    title_of,
)

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PLACEHOLDER = "To be replaced."
VERSIONS = 20  # edits of a published notice, each with a hostile title and change note
FEED_PAGE = 20
GROUP = 8  # payloads per notice and per disclosure: a page renders many at once
GROUPS = [CORPUS[i:i + GROUP] for i in range(0, len(CORPUS), GROUP)]
INDEXES = range(len(CORPUS))
pytestmark = pytest.mark.django_db


def _body(group) -> str:
    return "\n\n".join(group)


def _notice(access, group, **fields):
    """A notice with the group's payloads as title and body; a refused body is forced into
    the row."""
    title = title_of(" ".join(group))
    try:
        return notice_create(access=access, title=title, body=_body(group), **fields), 0
    except NoticeError as error:
        assert set(error.error_dict) == {"body"}, error.error_dict
    notice = notice_create(access=access, title=title, body=PLACEHOLDER, **fields)
    Notice.objects.filter(pk=notice.pk).update(body=_body(group))
    NoticeVersion.objects.filter(notice=notice).update(body=_body(group))
    return notice, 1


def _disclosure(access, w, group, today):
    item = disclosure_item_save(
        access=access, kind="fees", title=title_of(" ".join(group)), description=_body(group),
        next_due_on=today + dt.timedelta(days=30), property_id=w.property.pk)
    try:
        return disclosure_publish(access=access, item=item, period=group[0][:40],
                                  body=_body(group))
    except NoticeError as error:
        assert set(error.error_dict) == {"body"}, error.error_dict
    publication = disclosure_publish(access=access, item=item, period=group[0][:40],
                                     body=PLACEHOLDER)
    DisclosurePublication.objects.filter(pk=publication.pk).update(body=_body(group))
    return publication


def _seed(w):
    """Everything hostile, through the services; returns what the pages are about."""
    with scopes_disabled():
        for person, payload in ((w.owner, CORPUS[2]), (w.household, CORPUS[7]),
                                (w.manager, CORPUS[11]), (w.staff, CORPUS[-1])):
            person.full_name = name_of(payload)
            person.save(update_fields=["full_name"])
    roll_unit = f.UnitFactory(building=w.building, number="103", floor=1)
    crowd(roll_unit, CORPUS)
    manager = compute_access(w.manager, w.org)
    seeded = {"notices": [], "refused": 0, "disclosures": []}
    for index, group in enumerate(GROUPS):
        notice, refused = _notice(manager, group, unit_ids=[w.unit.pk],
                                  ack_required=index % 2 == 0, pinned=index % 10 == 0)
        seeded["notices"].append(notice_publish(access=manager, notice=notice).pk)
        seeded["refused"] += refused
    files = notice_create(access=manager, title="Files", body="See the files.",
                          unit_ids=[w.unit.pk])
    for start in range(0, len(CORPUS), 10):
        uploads = [SimpleUploadedFile(f"{p[:120]}.pdf", PDF, "application/pdf")
                   for p in CORPUS[start:start + 10]]
        notice_update(access=manager, notice=files, title="Files", body="See the files.",
                      category="general", unit_ids=[w.unit.pk], uploads=uploads)
    seeded["files"] = notice_publish(access=manager, notice=files).pk
    roll = notice_publish(access=manager, notice=notice_create(
        access=manager, title=title_of(CORPUS[0]), body="Water off on Thursday.",
        unit_ids=[roll_unit.pk, w.unit.pk]))
    for index, payload in enumerate(CORPUS[:VERSIONS]):
        notice_update(access=manager, notice=roll, title=title_of(payload),
                      body=f"Water off on Thursday ({index}).", category="outage",
                      unit_ids=[roll_unit.pk, w.unit.pk], change_note=payload[:300])
    half = list(NoticeReceipt.objects.filter(notice=roll).order_by("pk")
                .values_list("pk", flat=True))[::2]
    notice_record_paper(access=compute_access(w.staff, w.org), notice=roll, receipt_ids=half)
    seeded["roll"] = roll.pk
    today = timezone.localdate()
    seeded["disclosures"] = [_disclosure(manager, w, g, today).pk for g in GROUPS]
    return seeded


def _render(w, seeded) -> dict:
    pages: dict[str, object] = {}

    def get(client, name, url, **params):
        response = client.get(url, params)
        assert response.status_code == 200, (name, response.status_code)
        pages[name] = response.content.decode() if name[:4] != "csv " else response.content

    o = "/o/sunrise"
    owner, manager, staff = client_for(w.owner), client_for(w.manager), client_for(w.staff)
    for page in range(1, math.ceil((len(GROUPS) + 2) / FEED_PAGE) + 1):
        get(owner, f"owner feed {page}", f"{o}/notices/", page=page)
    get(owner, "owner feed search", f"{o}/notices/", q="script")
    get(owner, "owner home", f"{o}/")
    for index, pk in enumerate(seeded["notices"]):
        get(owner, f"owner notice {index}", f"{o}/notices/{pk}/")
        get(manager, f"manager edit {index}", f"{o}/manage/notices/{pk}/")
    for index, pk in enumerate(seeded["disclosures"]):
        get(owner, f"owner disclosure {index}", f"{o}/disclosures/{pk}/")
    get(owner, "owner files notice", f"{o}/notices/{seeded['files']}/")
    get(owner, "owner versions", f"{o}/notices/{seeded['roll']}/")
    get(owner, "owner disclosure register", f"{o}/disclosures/")
    get(owner, "owner notifications", "/notifications/")
    roll, files = seeded["roll"], seeded["files"]
    get(manager, "manager list", f"{o}/manage/notices/")
    get(manager, "manager list published", f"{o}/manage/notices/", status="published")
    get(manager, "manager home", f"{o}/")
    get(manager, "manager files edit", f"{o}/manage/notices/{files}/")
    get(manager, "manager receipts", f"{o}/manage/notices/{roll}/receipts/")
    get(manager, "manager disclosures", f"{o}/manage/disclosures/")
    get(manager, "csv receipts", f"{o}/manage/notices/{roll}/receipts.csv")
    get(staff, "staff feed", f"{o}/notices/")
    get(staff, "staff notice", f"{o}/notices/{roll}/")
    get(staff, "staff printable", f"{o}/manage/notices/{roll}/print/", all="1")
    get(staff, "staff printable unread", f"{o}/manage/notices/{roll}/print/")
    get(staff, "staff outage tickets", f"{o}/manage/notices/{roll}/tickets/")
    get(staff, "staff home", f"{o}/")
    pages |= emails_after_delivery()
    return pages


@pytest.fixture(scope="module")
def shown(django_db_setup, django_db_blocker, tmp_path_factory):
    with seeded_world(django_db_blocker, tmp_path_factory.mktemp("media")) as w:
        with scope(organization=w.org):
            seeded = _seed(w)
            with scopes_disabled():
                seeded["files_names"] = list(NoticeAttachment.objects.filter(
                    notice_id=seeded["files"]).values_list("original_name", flat=True))
            seeded["titles"] = list(Notice.objects.filter(pk__in=seeded["notices"])
                                    .order_by("pk").values_list("title", flat=True))
            pages = _render(w, seeded)
        yield {"pages": pages, **seeded}


@pytest.mark.parametrize("index", INDEXES, ids=lambda i: f"p{i:03d}")
def test_each_payload_is_inert_wherever_a_notice_or_disclosure_shows_it(shown, index):
    payload, group = CORPUS[index], index // GROUP
    assert_inert("markdown alone", to_html(payload))
    pages = shown["pages"]
    for name in (f"owner notice {group}", f"manager edit {group}",
                 f"owner disclosure {group}"):
        assert_inert(name, pages[name])
    # The editor shows the text as typed (escaped in the textarea, not dropped).
    assert payload.strip() in shown_text(pages[f"manager edit {group}"])
    assert shown["titles"][group] in shown_text(pages[f"owner notice {group}"])


def test_lists_home_pages_and_staff_pages_are_inert(shown):
    pages = {name: markup for name, markup in shown["pages"].items()
             if isinstance(markup, str) and not name.startswith("email ")}
    assert len(pages) > 3 * len(GROUPS)
    for name, markup in pages.items():
        assert_inert(name, markup)
    feed = shown_text("".join(markup for name, markup in pages.items()
                              if name.startswith("owner feed ")))
    assert all(title in feed for title in shown["titles"]), "a title is missing from the feed"


def test_names_files_and_change_notes_are_shown_as_text(shown):
    pages = shown["pages"]
    printable = shown_text(pages["staff printable"])
    assert all(name_of(p).strip() in printable for p in CORPUS)
    files = shown_text(pages["owner files notice"])
    assert len(shown["files_names"]) == len(CORPUS)
    assert all(name in files for name in shown["files_names"])
    versions = shown_text(pages["owner versions"])
    assert all(p[:300].strip() in versions for p in CORPUS[:VERSIONS])


def test_notification_emails_are_inert(shown):
    emails = {name: markup for name, markup in shown["pages"].items()
              if name.startswith("email ")}
    assert len(emails) >= len(GROUPS) + len(CORPUS), "the owner and the crowd are mailed"
    for name, markup in emails.items():
        assert_inert(name, markup)
    text = shown_text("".join(emails.values()))
    # A title's first line is the notification's title (the rest goes to its body).
    assert all(title.splitlines()[0] in text for title in shown["titles"])
    assert all(name_of(p).strip() in text for p in CORPUS), "emails greet people by name"


def test_unsafe_bodies_are_refused_when_saved(shown):
    assert shown["refused"] == sum(any(is_unsafe(p) for p in g) for g in GROUPS)
    assert sum(is_unsafe(p) for p in CORPUS) > 100


def test_proof_of_delivery_csv_has_no_formula(shown):
    cells = csv_cells(shown["pages"]["csv receipts"])
    assert all(cells_show(cells, name_of(p)) for p in CORPUS)
    found = formula_cells(cells)
    assert not found, f"{len(found)} cells would run as formulas: {found[:5]}"


@pytest.mark.parametrize("index", INDEXES, ids=lambda i: f"p{i:03d}")
def test_literal_quotes_any_text_into_a_notice_body_as_text(index):
    """notices.markdown.literal: how votes and events quote people's words in an announced
    notice, so that the save-time check has nothing to refuse and readers see the words."""
    payload = CORPUS[index]
    body = literal(payload)
    assert not is_unsafe(body)
    rendered = to_html(body)
    assert_inert("literal", rendered)
    assert " ".join(payload.split()) in " ".join(shown_text(rendered).split())
