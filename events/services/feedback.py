"""The feedback survey after an event (活动反馈): a manager attaches a draft of the surveys
app to the event; some time after the event ends a beat job opens it for the attendees only.

Everything about the survey itself (questions, audience, opening, notifying, answering, one
answer per person, results) is the surveys app's: this module only says which survey, when,
and who attended.

Who attended: the confirmed registrations that were checked in at the door. An event where
nobody was checked in (the staff did not use check-in) asks every confirmed registration
instead, so that an event run without check-in still hears from its guests.

Exactly once: the job claims due events with one conditional UPDATE (``feedback_opened_at``
still empty → stamped with the run's claim id) and reads back what it claimed; of two workers,
or a run repeated, each event goes to exactly one, and the claim commits with the opening.
"""

import datetime as dt
import logging
import uuid

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_scopes import scopes_disabled

from communications.services import notify_batch
from portal.tenancy.access import Access
from surveys.models import Audience, Survey, SurveyStatus
from surveys.services import survey_from_template, survey_open_for_invitees, survey_update
from surveys.services.templates import EVENT_FEEDBACK

from ..conf import feedback_delay_minutes, feedback_open_days
from ..models import Event, Registration
from . import announce
from .errors import EventConflict, EventError
from .rules import require_manager

logger = logging.getLogger("courtyard.events")
BATCH = 100


def feedback_due_at(event: Event) -> dt.datetime | None:
    """When the job must open the feedback survey (None: nothing to do)."""
    if event.feedback_survey_id is None or event.feedback_opened_at is not None:
        return None
    if event.is_cancelled:
        return None
    return event.ends_at + dt.timedelta(minutes=feedback_delay_minutes())


def _lock(event: Event) -> Event:
    return Event.objects.select_for_update(of=("self",)).select_related("organization").get(
        pk=event.pk)


def feedback_attach(*, access: Access, event: Event, template: str = EVENT_FEEDBACK,
                    survey: Survey | None = None) -> Survey:
    """Give the event a feedback survey: a new draft from a template of the surveys app, or
    one of the organisation's drafts. It asks the attendees only ("invited" audience), so it
    cannot be sent to everybody from the survey pages by mistake."""
    require_manager(access, event)
    with transaction.atomic():
        event = _lock(event)
        if event.is_cancelled:
            raise EventConflict(_("This event is cancelled."), code="cancelled")
        if event.feedback_survey_id is not None:
            raise EventConflict(_("This event already has a feedback survey."),
                                code="has_feedback")
        if survey is None:
            survey = survey_from_template(access=access, template=template, subject=event.title)
        else:
            survey = Survey.objects.select_for_update().get(pk=survey.pk)
            if survey.organization_id != event.organization_id:
                raise EventError({"survey": _("Choose one of your organisation's surveys.")})
            if survey.status != SurveyStatus.DRAFT:
                raise EventError({"survey": _("Choose a draft survey.")})
            if Event.objects.filter(organization_id=event.organization_id,
                                    feedback_survey=survey).exists():
                raise EventError({"survey": _("This survey belongs to another event.")})
        survey = survey_update(access=access, survey=survey, audience=Audience.INVITED)
        event.feedback_survey = survey
        event.feedback_due_at = feedback_due_at(event)
        event.save(update_fields=["feedback_survey", "feedback_due_at", "updated_at"])
    return survey


def feedback_detach(*, access: Access, event: Event) -> None:
    """Take the survey off the event before it was sent; it stays a draft in the surveys
    list, asking the whole organisation again if someone schedules it there."""
    require_manager(access, event)
    with transaction.atomic():
        event = _lock(event)
        if event.feedback_survey_id is None:
            raise EventConflict(_("This event has no feedback survey."), code="no_feedback")
        if event.feedback_opened_at is not None:
            raise EventConflict(_("The feedback survey has already been sent."), code="sent")
        survey = Survey.objects.get(pk=event.feedback_survey_id)
        if survey.status == SurveyStatus.DRAFT and survey.audience == Audience.INVITED:
            survey_update(access=access, survey=survey, audience=Audience.ORGANIZATION)
        event.feedback_survey = None
        event.feedback_due_at = None
        event.save(update_fields=["feedback_survey", "feedback_due_at", "updated_at"])


def attendees_by_event(event_ids) -> dict[int, set[int]]:
    """{event id: user ids who attended}, one query for every event (see the module's
    docstring for who counts)."""
    checked: dict[int, set[int]] = {}
    confirmed: dict[int, set[int]] = {}
    for event_id, user_id, checked_in_at in Registration.objects.filter(
        event_id__in=list(event_ids), status=Registration.Status.CONFIRMED,
    ).values_list("event_id", "user_id", "checked_in_at"):
        confirmed.setdefault(event_id, set()).add(user_id)
        if checked_in_at is not None:
            checked.setdefault(event_id, set()).add(user_id)
    return {pk: checked.get(pk) or confirmed.get(pk, set()) for pk in event_ids}


def _claim(now: dt.datetime, batch_size: int) -> list[Event]:
    claim = uuid.uuid4()
    due = dict(feedback_due_at__lte=now, feedback_opened_at__isnull=True,
               feedback_survey__isnull=False, status=Event.Status.PUBLISHED)
    ids = list(Event.objects.filter(**due).order_by("feedback_due_at")
               .values_list("pk", flat=True)[:batch_size])
    if not ids:
        return []
    # The condition is repeated in the UPDATE: a row another run claimed meanwhile (its
    # feedback_opened_at is set once that run commits) is not taken again.
    Event.objects.filter(pk__in=ids, **due).update(
        feedback_opened_at=now, feedback_due_at=None, feedback_claim=claim)
    return list(Event.objects.filter(feedback_claim=claim)
                .select_related("organization", "feedback_survey").order_by("pk"))


def feedback_open_due(*, now: dt.datetime | None = None, batch_size: int = BATCH) -> int:
    """Beat job: open the feedback surveys whose moment has come, for the attendees, and tell
    them (one notify batch for the whole run). Returns how many surveys opened."""
    now = now or timezone.now()
    closes_at = now + dt.timedelta(days=feedback_open_days())
    opened = 0
    with scopes_disabled(), transaction.atomic(), notify_batch():  # a job spans organisations
        events = _claim(now, batch_size)
        attendees = attendees_by_event([e.pk for e in events])
        for event in events:
            people = attendees.get(event.pk) or set()
            if not people:
                continue  # nobody came: the survey stays a draft, the manager's page says so
            try:
                survey_open_for_invitees(survey=event.feedback_survey, user_ids=people,
                                         closes_at=closes_at, now=now)
            except ValidationError as error:
                # E.g. the manager emptied the draft or sent it by hand: it is not retried.
                logger.warning("event %s: feedback survey not opened: %s", event.pk,
                               "; ".join(error.messages))
                continue
            announce.updated(event, people)
            opened += 1
    return opened
