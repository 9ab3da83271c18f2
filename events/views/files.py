"""Files of events: the cover image (access-checked, never under a public URL), the .ics of
one event, and a person's private calendar feed, reached by its secret token alone."""

from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET, require_POST

from .. import selectors
from ..calendar import ics_for_events
from ..models import CalendarFeed
from ..services import feed_get, feed_regenerate, feed_revoke
from ..services.rules import covers
from .common import event_view, url


def _ics(request, content: bytes, filename: str, inline: bool = False) -> HttpResponse:
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(not inline, filename)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-cache"
    return response


def _visible(request, pk: int):
    event = selectors.event_get_for(access=request.access, pk=pk)
    if event.status == "draft" and not covers(request.access, event):
        raise Http404
    return event


@event_view("resident")
@require_GET
def event_cover(request, pk: int):
    event = _visible(request, pk)
    if not event.cover:
        raise Http404
    try:
        with event.cover.open("rb") as handle:
            content = handle.read()
    except FileNotFoundError as error:
        raise Http404 from error
    response = HttpResponse(content, content_type=event.cover_type or "image/jpeg")
    response["Content-Disposition"] = content_disposition_header(False, "cover")
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, max-age=3600"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    return response


@event_view("resident")
@require_GET
def event_ics(request, pk: int):
    event = _visible(request, pk)
    content = ics_for_events(
        [(event, request.build_absolute_uri(url(request, "detail", event.pk)))],
        name=event.title, zone=request.organization.time_zone, host=request.get_host(),
    )
    return _ics(request, content, f"event-{event.pk}.ics")


@event_view("resident")
def feed_page(request):
    if not request.access.residencies:
        raise Http404
    feed = feed_get(access=request.access)
    feed_url = webcal = ""
    if feed is not None:
        feed_url = request.build_absolute_uri(url(request, "feed-ics", feed.token))
        webcal = "webcal://" + feed_url.split("://", 1)[1]
    return render(request, "events/feed.html", {"feed": feed, "feed_url": feed_url,
                                                "webcal": webcal})


@event_view("resident")
@require_POST
def feed_new(request):
    if not request.access.residencies:
        raise Http404
    feed_regenerate(access=request.access)
    return redirect(url(request, "feed"))


@event_view("resident")
@require_POST
def feed_delete(request):
    if not request.access.residencies:
        raise Http404
    feed_revoke(access=request.access)
    return redirect(url(request, "feed"))


@require_GET
def feed_ics(request, token: str, org_slug: str):
    """No session here: phone calendars fetch this URL on their own. The token is the
    credential; an unknown or revoked one is a 404, like everything out of reach."""
    organization = request.organization
    feed = (
        CalendarFeed.objects.filter(organization=organization, token=token)
        .select_related("user").first()
    )
    if feed is None or not feed.user.is_active:
        raise Http404
    registrations = selectors.feed_registrations(organization=organization,
                                                 user_id=feed.user_id)
    base = request.build_absolute_uri("/")[:-1]
    content = ics_for_events(
        [(r.event, base + url(request, "detail", r.event_id)) for r in registrations],
        name=organization.name, zone=organization.time_zone, host=request.get_host(),
    )
    return _ics(request, content, "events.ics", inline=True)
