"""iCalendar (RFC 5545) for one event and for a person's feed.

Times are written in UTC (``…Z``): every calendar app places a UTC instant correctly in the
phone's own zone, which a hand-written VTIMEZONE could get wrong around rule changes. The
organisation's zone is named in X-WR-TIMEZONE for apps that show the calendar's home zone.
"""

import datetime as dt

from django.utils import timezone
from icalendar import Calendar
from icalendar import Event as VEvent

from .models import Event

PRODID = "-//Courtyard//Community events//EN"


def _calendar(name: str, zone: str) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", zone)
    return calendar


def _vevent(event: Event, url: str, host: str) -> VEvent:
    item = VEvent()
    item.add("uid", f"event-{event.pk}@{host}")
    item.add("dtstamp", timezone.now())
    item.add("dtstart", event.starts_at.astimezone(dt.UTC))
    item.add("dtend", event.ends_at.astimezone(dt.UTC))
    item.add("summary", event.title)
    if event.place:
        item.add("location", event.place)
    if event.description:
        item.add("description", event.description)
    if url:
        item.add("url", url)
    item.add("status", "CANCELLED" if event.is_cancelled else "CONFIRMED")
    item.add("last-modified", event.updated_at)
    return item


def ics_for_events(events_and_urls, *, name: str, zone: str, host: str) -> bytes:
    calendar = _calendar(name, zone)
    for event, url in events_and_urls:
        calendar.add_component(_vevent(event, url, host))
    return calendar.to_ical()
