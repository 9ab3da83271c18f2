"""Hostile text through community events (issue #10): every payload of the corpus as an
event's title, description and place, and as the name of a person who registered; shown on
the owner's list, calendar and event page, in the .ics file, on the staff's list, event and
check-in pages, the home pages, and in the registrations CSV, where no cell may be a
formula. The .ics must carry each text as one value: a line break in it may not start a new
property or event."""

import datetime as dt

import icalendar
import pytest
from django.utils import timezone
from django_scopes import scope

from events.services import event_create, event_publish, registration_create
from portal.tenancy.access import compute_access
from tests import factories as f

from .test_xss_features import (
    CORPUS,
    assert_inert,
    cells_show,
    client_for,
    crowd,
    csv_cells,
    formula_cells,
    html_pages,
    name_of,
    seeded_world,
    shown_text,
    title_of,
)

EVENTS = 8
SIZE = -(-len(CORPUS) // EVENTS)
SLICES = [CORPUS[i:i + SIZE] for i in range(0, len(CORPUS), SIZE)]
# iCalendar's own injection: a line break in a text that would open a property or an event.
ICS_BREAKS = "Tea\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nSUMMARY:Free money\r\nURL:http://evil.example"
pytestmark = pytest.mark.django_db



def _seed(w):
    manager = compute_access(w.manager, w.org)
    start = timezone.localtime(timezone.now()).replace(hour=15, minute=0, second=0,
                                                       microsecond=0) + dt.timedelta(days=3)
    events = []
    for index, payloads in enumerate(SLICES):
        description = "\n\n".join(payloads) + ("\n\n" + ICS_BREAKS if index == 0 else "")
        event = event_create(
            access=manager, property=w.property, title=title_of(" ".join(payloads[:3])),
            description=description, place=title_of(" ".join(payloads[3:6])),
            starts_at=start + dt.timedelta(hours=index), capacity=len(CORPUS) + 10,
            ends_at=start + dt.timedelta(hours=index + 1), max_party_size=2,
            price_text=payloads[6][:100].strip())
        events.append(event_publish(access=manager, event=event))
    people = crowd(f.UnitFactory(building=w.building, number="103", floor=1), CORPUS)
    for person in people:
        registration_create(access=compute_access(person, w.org), event=events[0])
    return {"events": [e.pk for e in events], "month": start.strftime("%Y-%m")}


def _render(w, seeded) -> dict:
    pages: dict[str, object] = {}

    def get(client, name, url, **params):
        response = client.get(url, params)
        assert response.status_code == 200, (name, response.status_code)
        pages[name] = (response.content if name.startswith(("csv", "ics"))
                       else response.content.decode())

    o = "/o/sunrise"
    owner, manager, staff = client_for(w.owner), client_for(w.manager), client_for(w.staff)
    get(owner, "owner list", f"{o}/events/")
    get(owner, "owner calendar", f"{o}/events/calendar/", month=seeded["month"])
    get(owner, "owner home", f"{o}/")
    for index, pk in enumerate(seeded["events"]):
        get(owner, f"owner event {index}", f"{o}/events/{pk}/")
        get(owner, f"ics {index}", f"{o}/events/{pk}/event.ics")
        get(manager, f"manager event {index}", f"{o}/manage/events/{pk}/")
        get(manager, f"manager edit {index}", f"{o}/manage/events/{pk}/edit/")
    first = seeded["events"][0]
    get(manager, "manager list", f"{o}/manage/events/")
    get(manager, "manager home", f"{o}/")
    get(staff, "staff check-in", f"{o}/manage/events/{first}/check-in/")
    get(staff, "staff calendar", f"{o}/events/calendar/", month=seeded["month"])
    get(manager, "csv registrations", f"{o}/manage/events/{first}/registrations.csv")
    return pages


@pytest.fixture(scope="module")
def shown(django_db_setup, django_db_blocker, tmp_path_factory):
    with seeded_world(django_db_blocker, tmp_path_factory.mktemp("media")) as w:
        with scope(organization=w.org):
            pages = _render(w, _seed(w))
        yield pages



@pytest.mark.parametrize("index", range(len(CORPUS)), ids=lambda i: f"p{i:03d}")
def test_each_payload_is_shown_as_text_on_the_event_pages(shown, index):
    payload, event = CORPUS[index].strip(), index // SIZE
    assert_inert("manager event", shown[f"manager event {event}"])  # title, place, people
    for name in (f"owner event {event}", f"manager edit {event}"):
        assert_inert(name, shown[name])
        assert payload in shown_text(shown[name]), f"{name}: not shown"


def test_lists_calendars_check_in_and_home_pages_are_inert(shown):
    pages = html_pages(shown)
    for name, markup in pages.items():
        assert_inert(name, markup)
    calendar = shown_text(shown["owner calendar"])
    assert all(title_of(" ".join(s[:3])) in calendar for s in SLICES)
    check_in = shown_text(shown["staff check-in"])
    # The check-in list is paged (30 a page); the CSV below holds everyone.
    assert sum(name_of(p).strip() in check_in for p in CORPUS) >= 30


@pytest.mark.parametrize("index", range(EVENTS))
def test_ics_carries_each_text_as_one_value(shown, index):
    calendar = icalendar.Calendar.from_ical(shown[f"ics {index}"])
    events = list(calendar.walk("VEVENT"))
    assert len(events) == 1, "a text opened another event"
    event, payloads = events[0], SLICES[index]
    assert str(event["SUMMARY"]) == title_of(" ".join(payloads[:3]))
    assert str(event["LOCATION"]) == title_of(" ".join(payloads[3:6]))
    description = str(event["DESCRIPTION"]).replace("\r", "")
    assert all(p.strip().replace("\r", "") in description for p in payloads)
    if index == 0:
        assert "END:VEVENT\nBEGIN:VEVENT\nSUMMARY:Free money" in description
    assert "URL" not in event or "evil.example" not in str(event["URL"])
    lines = shown[f"ics {index}"].decode().split("\r\n")
    assert sum(line.startswith("BEGIN:VEVENT") for line in lines) == 1


def test_registrations_csv_holds_every_name(shown):
    cells = csv_cells(shown["csv registrations"])
    missing = [p for p in CORPUS if not cells_show(cells, name_of(p))]
    assert not missing, missing[:5]


def test_registrations_csv_has_no_formula(shown):
    found = formula_cells(csv_cells(shown["csv registrations"]))
    assert not found, f"{len(found)} cells would run as formulas: {found[:5]}"
