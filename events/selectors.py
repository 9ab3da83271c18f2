"""Reads: which events a person sees, one event within reach, counts and registrations.

An owner sees published (and cancelled) events whose audience includes one of their units;
staff see every event of the properties they cover and the organisation-wide ones. Anything
else does not exist for them (404).
"""

import datetime as dt

from django.db.models import Count, Q, QuerySet, Sum
from django.http import Http404

from portal.tenancy.access import Access
from surveys.models import ResponseStatus, SurveyStatus
from surveys.selectors import answered_by, response_counts, surveys_for_manager, surveys_for_owner

from .models import Event, Registration

S = Registration.Status


def _audience_q(access: Access) -> Q:
    none = Q(pk__in=[])
    units = [r.unit for r in access.residencies]
    if not units:
        return none
    property_ids = {u.property_id for u in units}
    building_ids = {u.building_id for u in units}
    return Q(status__in=[Event.Status.PUBLISHED, Event.Status.CANCELLED]) & (
        Q(property__isnull=True)
        | Q(property_id__in=property_ids, building__isnull=True)
        | Q(building_id__in=building_ids)
    )


def _staff_q(access: Access) -> Q:
    if not access.is_staff:
        return Q(pk__in=[])
    if access.sees_all_properties:
        return Q(pk__isnull=False)  # not Q(): an empty Q vanishes from "staff | audience"
    return Q(property__isnull=True) | Q(property_id__in=access.scoped_property_ids)


def with_counts(events: QuerySet) -> QuerySet:
    return events.annotate(
        people_confirmed=Sum("registrations__party_size",
                             filter=Q(registrations__status=S.CONFIRMED), default=0),
        waitlisted=Count("registrations", filter=Q(registrations__status=S.WAITLISTED)),
        attended=Sum("registrations__party_size",
                     filter=Q(registrations__status=S.CONFIRMED,
                              registrations__checked_in_at__isnull=False), default=0),
    )


def events_visible(*, access: Access, staff_view: bool = False) -> QuerySet:
    """Events the caller may see; ``staff_view`` limits to the staff's own (manage pages)."""
    where = _staff_q(access) if staff_view else (_staff_q(access) | _audience_q(access))
    return (
        Event.objects.filter(organization=access.organization)
        .filter(where)
        .select_related("property", "building")
    )


def event_get_for(*, access: Access, pk: int, staff_view: bool = False) -> Event:
    event = with_counts(events_visible(access=access, staff_view=staff_view)).filter(
        pk=pk).select_related("organization", "feedback_survey").first()
    if event is None:
        raise Http404
    return event


def upcoming(*, access: Access, now: dt.datetime, staff_view: bool = False) -> QuerySet:
    return with_counts(events_visible(access=access, staff_view=staff_view)).filter(
        ends_at__gt=now
    ).order_by("starts_at", "pk")


def in_range(*, access: Access, start: dt.datetime, end: dt.datetime) -> QuerySet:
    return events_visible(access=access).filter(
        starts_at__lt=end, ends_at__gt=start
    ).order_by("starts_at", "pk")


def my_registrations(*, user_id: int, access: Access) -> dict[int, Registration]:
    """The caller's active registrations by event id."""
    return {
        r.event_id: r
        for r in Registration.objects.filter(
            organization=access.organization, user_id=user_id, status__in=Registration.ACTIVE
        )
    }


def registrations_of(event: Event) -> QuerySet:
    return (
        Registration.objects.filter(organization_id=event.organization_id, event=event)
        .select_related("user", "unit__building__property", "checked_in_by")
        .order_by("created_at", "pk")
    )


def search_registrations(event: Event, text: str) -> QuerySet:
    registrations = registrations_of(event).filter(status=S.CONFIRMED)
    text = (text or "").strip()
    if text:
        registrations = registrations.filter(
            Q(user__full_name__icontains=text) | Q(unit__number__icontains=text)
            | Q(unit__building__name__icontains=text)
        )
    return registrations


def feed_registrations(*, organization, user_id: int) -> QuerySet:
    return (
        Registration.objects.filter(organization=organization, user_id=user_id,
                                    status=S.CONFIRMED)
        .select_related("event")
        .order_by("event__starts_at")
    )


def feedback_for_owner(access: Access, event: Event) -> dict | None:
    """The event's feedback survey as the caller sees it, when it is open and asks them:
    {"survey", "answered"}. No query before the survey is sent, three after."""
    survey = event.feedback_survey
    if survey is None or event.feedback_opened_at is None or survey.status != SurveyStatus.OPEN:
        return None
    if not surveys_for_owner(access).filter(pk=survey.pk).exists():
        return None  # not an attendee: the surveys app would answer 404 too
    status = answered_by(access, [survey]).get(survey.pk)
    return {"survey": survey, "answered": status == ResponseStatus.SUBMITTED}


def feedback_for_manager(event: Event) -> dict | None:
    """The event's feedback survey with its response count (one query once it is open)."""
    survey = event.feedback_survey
    if survey is None:
        return None
    responses = 0
    if survey.status != SurveyStatus.DRAFT:
        responses = response_counts([survey.pk]).get(survey.pk, 0)
    return {"survey": survey, "responses": responses, "invited": survey.invited_count}


def feedback_drafts(access: Access) -> QuerySet:
    """Draft surveys a manager may attach to an event: not another event's already."""
    taken = Event.objects.filter(organization=access.organization,
                                 feedback_survey__isnull=False).values("feedback_survey_id")
    return (surveys_for_manager(access).filter(status=SurveyStatus.DRAFT)
            .exclude(pk__in=taken).order_by("-created_at", "-pk"))
