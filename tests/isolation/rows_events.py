"""Event pages of events/urls.py and the event API.

The event is published for sunrise's ``property``: its owners (owner, household, neighbour)
and the staff covering it see it; staff of the other property, owners elsewhere and every
other organisation get 404. Only managers change it; only the registered owner cancels their
registration. The calendar feed is reached by its token alone: the right token answers
everyone, a wrong one nobody.
"""

import datetime as dt

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from events.models import CalendarFeed, Event, Registration
from events.services import event_create, event_publish, feedback_attach, registration_create
from portal.tenancy.access import compute_access

from .matrix import ALL_MEMBERS, ALL_ROLES, ALL_STAFF, MANAGERS, STAFF_ROLES, Row
from .rows_tickets_owner import TINY_JPEG

E = "/o/{org}/events"
M = "/o/{org}/manage/events"
API = "/api/v1/orgs/{org}/events"
AUDIENCE = frozenset({"owner", "household", "neighbour"})
SEES = STAFF_ROLES | AUDIENCE
RESIDENTS = frozenset({"owner", "household", "neighbour", "far_owner"})
COVER_NAME = "events/isolation-matrix/cover.jpg"


def _w(world):
    return getattr(world, "sunrise", world)


def _event(world, publish=True, cover=False) -> Event:
    w = _w(world)
    manager = compute_access(w.manager, w.org)
    starts = timezone.now() + dt.timedelta(days=3)
    event = event_create(
        access=manager, title="Matrix event", place="Clubhouse", starts_at=starts,
        ends_at=starts + dt.timedelta(hours=2), capacity=10, max_party_size=2,
        property=w.property,
    )
    if cover:
        if not default_storage.exists(COVER_NAME):
            default_storage.save(COVER_NAME, ContentFile(TINY_JPEG))
        Event.objects.filter(pk=event.pk).update(cover=COVER_NAME, cover_type="image/jpeg")
    if publish:
        event = event_publish(access=manager, event=event)
    return event


def _published(world):
    return _event(world).pk


def _draft(world):
    return _event(world, publish=False).pk


def _with_cover(world):
    return _event(world, cover=True).pk


def _owners_registration(world):
    w = _w(world)
    event = _event(world)
    return registration_create(access=compute_access(w.owner, w.org), event=event)


def _registered_event(world):
    return _owners_registration(world).event_id


def _token(world):
    return _owners_registration(world).checkin_token


def _feed_token(world):
    w = _w(world)
    return CalendarFeed.objects.create(organization=w.org, user=w.owner).token


def _registrations(world):
    return sorted(Registration.objects.filter(organization=_w(world).org)
                  .values_list("pk", "status", "checked_in_at"))


def _events(world):
    return sorted(Event.objects.filter(organization=_w(world).org)
                  .values_list("pk", "status", "title"))


def _feeds(world):
    return sorted(CalendarFeed.objects.filter(organization=_w(world).org)
                  .values_list("user_id", "token"))


def _with_feedback(world):
    w = _w(world)
    event = _event(world)
    feedback_attach(access=compute_access(w.manager, w.org), event=event)
    return event.pk


def _feedback(world):
    return sorted(Event.objects.filter(organization=_w(world).org)
                  .values_list("pk", "feedback_survey_id", "feedback_due_at"))


def _latest_event(world):
    # Extras are computed in order: this is the event of the registration ``_token`` made.
    return Registration.objects.filter(organization=_w(world).org).latest("pk").event_id


EV = {"event": _published}
CHECK_IN = {"token": _token, "event": _latest_event}
REG = {"event": _registered_event}
ROWS = [
    # Owners' pages.
    Row("events-list", "GET", f"{E}/", allowed=ALL_MEMBERS),
    Row("events-calendar", "GET", f"{E}/calendar/", allowed=ALL_MEMBERS,
        data={"month": "2026-03"}),
    Row("events-detail", "GET", E + "/{event}/", allowed=SEES, extra=EV),
    Row("events-detail-draft", "GET", E + "/{event}/", allowed=STAFF_ROLES,
        extra={"event": _draft}),
    Row("events-register", "POST", E + "/{event}/register/", allowed=AUDIENCE, ok=302,
        data={"party_size": 1}, changed=_registrations, extra=EV),
    Row("events-unregister", "POST", E + "/{event}/unregister/", allowed=frozenset({"owner"}),
        ok=302, changed=_registrations, extra=REG),
    Row("events-cover", "GET", E + "/{event}/cover/", allowed=SEES,
        extra={"event": _with_cover}),
    Row("events-ics", "GET", E + "/{event}/event.ics", allowed=SEES, extra=EV),
    Row("events-feed-page", "GET", f"{E}/feed/", allowed=RESIDENTS),
    Row("events-feed-new", "POST", f"{E}/feed/new/", allowed=RESIDENTS, ok=302,
        changed=_feeds),
    Row("events-feed-revoke", "POST", f"{E}/feed/revoke/", allowed=RESIDENTS, ok=302,
        changed=_feeds, extra={"token": _feed_token}),
    # The token is the credential: with it anyone (a phone calendar) reads the feed …
    Row("events-feed-ics", "GET", E + "/feed/{token}.ics", allowed=frozenset(ALL_ROLES),
        extra={"token": _feed_token}),
    # … and without the right one, nobody; signed in or not, it is a 404.
    Row("events-feed-ics-wrong-token", "GET", E + "/feed/not-a-token.ics",
        allowed=frozenset(ALL_ROLES), ok=404, extra={"token": _feed_token}),
    # Managers' and staff's pages.
    Row("events-manage-list", "GET", f"{M}/", allowed=ALL_STAFF),
    Row("events-manage-new", "GET", f"{M}/new/", allowed=MANAGERS),
    Row("events-manage-detail", "GET", M + "/{event}/", allowed=STAFF_ROLES, extra=EV),
    Row("events-manage-edit", "GET", M + "/{event}/edit/", allowed=MANAGERS, extra=EV),
    Row("events-manage-publish", "POST", M + "/{event}/publish/", allowed=MANAGERS, ok=302,
        changed=_events, extra={"event": _draft}),
    Row("events-manage-cancel", "POST", M + "/{event}/cancel/", allowed=MANAGERS, ok=302,
        changed=_events, extra=EV),
    Row("events-manage-checkin", "GET", M + "/{event}/check-in/", allowed=STAFF_ROLES,
        extra=EV, data={"q": "owner"}),
    Row("events-manage-checkin-post", "POST", M + "/{event}/check-in/", allowed=STAFF_ROLES,
        data={"token": "{token}"}, changed=_registrations,
        extra=CHECK_IN),
    Row("events-manage-export", "GET", M + "/{event}/registrations.csv", allowed=STAFF_ROLES,
        extra=EV),
    Row("events-manage-feedback", "POST", M + "/{event}/feedback/", allowed=MANAGERS, ok=302,
        data={"template": "event_feedback"}, changed=_feedback, extra=EV),
    Row("events-manage-feedback-remove", "POST", M + "/{event}/feedback/remove/",
        allowed=MANAGERS, ok=302, changed=_feedback, extra={"event": _with_feedback}),
    # API.
    Row("events-api-list", "GET", f"{API}/", allowed=ALL_MEMBERS, api=True),
    Row("events-api-detail", "GET", API + "/{event}/", allowed=SEES, api=True, extra=EV),
    Row("events-api-registrations", "GET", API + "/{event}/registrations/", allowed=SEES,
        api=True, extra=EV),
    Row("events-api-register", "POST", API + "/{event}/registrations/", allowed=AUDIENCE,
        ok=201, api=True, data={"party_size": 1}, changed=_registrations, extra=EV),
    Row("events-api-cancel", "DELETE", API + "/{event}/registrations/",
        allowed=frozenset({"owner"}), api=True, changed=_registrations, extra=REG),
    Row("events-api-check-in", "POST", API + "/{event}/check-in/", allowed=STAFF_ROLES,
        api=True, data={"token": "{token}"}, changed=_registrations,
        extra=CHECK_IN),
]
