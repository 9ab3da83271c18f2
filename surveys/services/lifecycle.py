"""Scheduling, opening, closing and reminding.

The beat jobs read only due rows (indexed ``status, opens_at`` / ``status, closes_at`` /
``next_reminder_at``) and claim them with ``SELECT … FOR UPDATE SKIP LOCKED`` plus a status
condition, so two workers or a job run twice never open a survey or send a reminder twice; a
reminder is also recorded under a unique key (:class:`surveys.models.ReminderSent`).
"""

import datetime as dt
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django_scopes import scopes_disabled

from communications.live import send_to_org_staff_on_commit
from communications.services import notify, notify_batch
from portal.tenancy.access import Access

from ..models import CHOICE_KINDS, Audience, Invitee, ReminderSent, Survey, SurveyStatus
from .audience import audience_user_ids, invited_count, waiting_user_ids
from .builder import clean_survey, require_manager

JOB_BATCH = 200


def _closes_text(survey: Survey) -> str:
    tz = ZoneInfo(survey.organization.time_zone)
    return survey.closes_at.astimezone(tz).strftime("%Y-%m-%d %H:%M")


def _answer_url(survey: Survey) -> str:
    return reverse("surveys:answer", args=[survey.organization.slug, survey.pk])


def next_reminder_at(survey: Survey, after: dt.datetime) -> dt.datetime | None:
    moments = [survey.closes_at - dt.timedelta(hours=h) for h in survey.reminder_hours or []]
    future = [moment for moment in moments if moment > after]
    return min(future) if future else None


def validate_for_opening(survey: Survey, now: dt.datetime) -> None:
    clean_survey(survey)
    errors: dict[str, list[str]] = {}
    if survey.opens_at is None:
        errors["opens_at"] = [_("Set when the survey opens.")]
    if survey.closes_at is None:
        errors["closes_at"] = [_("Set when the survey closes.")]
    elif survey.closes_at <= now:
        errors["closes_at"] = [_("The closing time has already passed.")]
    if survey.audience == Audience.INVITED and not survey.invitees.exists():
        errors.setdefault("audience", []).append(_(
            "This survey asks invited people only (e.g. an event's attendees): it opens by "
            "itself when they are invited."
        ))
    questions = list(survey.questions.annotate(n=Count("choices")))
    if not questions:
        errors.setdefault("__all__", []).append(_("Add at least one question."))
    for question in questions:
        if question.kind in CHOICE_KINDS and question.n < 2:
            errors.setdefault("__all__", []).append(
                _("“%(question)s” needs at least two choices.") % {"question": question.text}
            )
    if errors:
        raise ValidationError(errors)


def survey_schedule(*, access: Access, survey: Survey, now: dt.datetime | None = None) -> Survey:
    """Freeze a draft: it opens at ``opens_at`` (at once when that has passed)."""
    require_manager(access)
    now = now or timezone.now()
    with transaction.atomic():
        survey = Survey.objects.select_for_update().get(pk=survey.pk)
        if survey.status != SurveyStatus.DRAFT:
            raise ValidationError(_("Only a draft survey can be scheduled."))
        validate_for_opening(survey, now)
        survey.status = SurveyStatus.SCHEDULED
        survey.save(update_fields=["status"])
        if survey.opens_at <= now:
            _open(survey, now)
    return survey


def _open(survey: Survey, now: dt.datetime) -> None:
    """Open a locked, scheduled survey and tell its audience (in the caller's batch)."""
    survey.status = SurveyStatus.OPEN
    survey.opened_at = now
    survey.invited_count = invited_count(survey)
    survey.next_reminder_at = next_reminder_at(survey, now)
    survey.save(update_fields=["status", "opened_at", "invited_count", "next_reminder_at"])
    with notify_batch():
        notify(
            organization=survey.organization, recipients=audience_user_ids(survey),
            kind="survey.opened", context={"title": survey.title, "closes": _closes_text(survey)},
            url=_answer_url(survey), object_type="surveys.survey", object_key=survey.pk,
        )


    send_to_org_staff_on_commit(
        survey.organization_id,
        {"type": "survey.opened", "org": survey.organization.slug, "survey": survey.pk},
    )


def survey_open_for_invitees(
    *, survey: Survey, user_ids, closes_at: dt.datetime, now: dt.datetime | None = None,
) -> Survey:
    """Open a draft for these people only (the "invited" audience) until ``closes_at``, and
    tell them, in the caller's notify batch: a system action (a job), not a manager's.

    Raises ValidationError (nothing written) when the draft cannot open: not a draft any
    more, no question, no one to ask.
    """
    now = now or timezone.now()
    with transaction.atomic():
        survey = (Survey.objects.select_for_update(of=("self",)).select_related("organization")
                  .get(pk=survey.pk))
        if survey.status != SurveyStatus.DRAFT:
            raise ValidationError(_("Only a draft survey can be opened."), code="not_draft")
        Invitee.objects.bulk_create(
            [Invitee(organization_id=survey.organization_id, survey=survey, user_id=pk)
             for pk in sorted(set(user_ids))],
            ignore_conflicts=True,
        )
        survey.audience = Audience.INVITED
        survey.opens_at, survey.closes_at = now, closes_at
        validate_for_opening(survey, now)
        survey.save(update_fields=["audience", "audience_property", "audience_building",
                                   "opens_at", "closes_at"])
        _open(survey, now)
    return survey


def surveys_open_due(*, now: dt.datetime | None = None) -> int:
    """Beat job: open every scheduled survey whose time has come. Returns how many opened."""
    now = now or timezone.now()
    with scopes_disabled(), transaction.atomic(), notify_batch():
        due = list(
            Survey.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(status=SurveyStatus.SCHEDULED, opens_at__lte=now, closes_at__gt=now)
            .select_related("organization")[:JOB_BATCH]
        )
        for survey in due:
            _open(survey, now)
    return len(due)


def _close(survey: Survey, now: dt.datetime) -> None:
    survey.status = SurveyStatus.CLOSED
    survey.closed_at = now
    survey.next_reminder_at = None
    survey.save(update_fields=["status", "closed_at", "next_reminder_at"])


    send_to_org_staff_on_commit(
        survey.organization_id,
        {"type": "survey.closed", "org": survey.organization.slug, "survey": survey.pk},
    )


def surveys_close_due(*, now: dt.datetime | None = None) -> int:
    """Beat job: close open (or never opened, scheduled) surveys whose closing time passed."""
    now = now or timezone.now()
    with scopes_disabled(), transaction.atomic():
        due = list(
            Survey.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(Q(status=SurveyStatus.OPEN) | Q(status=SurveyStatus.SCHEDULED),
                    closes_at__lte=now)
            .select_related("organization")[:JOB_BATCH]
        )
        for survey in due:
            _close(survey, now)
    return len(due)


def survey_close(*, access: Access, survey: Survey, now: dt.datetime | None = None) -> Survey:
    """A manager closes a survey early (or withdraws a scheduled one)."""
    require_manager(access)
    now = now or timezone.now()
    with transaction.atomic():
        survey = Survey.objects.select_for_update().get(pk=survey.pk)
        if survey.status not in (SurveyStatus.OPEN, SurveyStatus.SCHEDULED):
            raise ValidationError(_("Only an open or scheduled survey can be closed."))
        if survey.closes_at is None or survey.closes_at > now:
            survey.closes_at = now
            if survey.opens_at and survey.opens_at >= now:
                survey.opens_at = now - dt.timedelta(seconds=1)
            survey.save(update_fields=["closes_at", "opens_at"])
        _close(survey, now)
    return survey


def surveys_remind_due(*, now: dt.datetime | None = None) -> int:
    """Beat job: remind those who have not answered. Each configured reminder goes out once;
    reminders that fell due together (a job that did not run for a while) send one message.
    Returns the number of surveys that reminded."""
    now = now or timezone.now()
    reminded = 0
    with scopes_disabled(), transaction.atomic(), notify_batch():
        due = list(
            Survey.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(next_reminder_at__lte=now, status=SurveyStatus.OPEN)
            .select_related("organization")[:JOB_BATCH]
        )
        for survey in due:
            hours = [h for h in survey.reminder_hours
                     if survey.closes_at - dt.timedelta(hours=h) <= now]
            fresh = _record_reminders(survey, hours)
            survey.next_reminder_at = next_reminder_at(survey, now)
            survey.save(update_fields=["next_reminder_at"])
            if not fresh:
                continue
            waiting = waiting_user_ids(survey)
            ReminderSent.objects.filter(survey=survey, hours_before_close__in=fresh).update(
                recipients=len(waiting)
            )
            notify(
                organization=survey.organization, recipients=waiting, kind="survey.reminder",
                context={"title": survey.title, "closes": _closes_text(survey)},
                url=_answer_url(survey), object_type="surveys.survey", object_key=survey.pk,
            )
            reminded += 1
    return reminded


def _record_reminders(survey: Survey, hours: list[int]) -> list[int]:
    """The reminders among ``hours`` not recorded before; recorded now under the unique key."""
    fresh = []
    for h in hours:
        try:
            with transaction.atomic():
                ReminderSent.objects.create(
                    organization_id=survey.organization_id, survey=survey, hours_before_close=h
                )
        except IntegrityError:
            continue
        fresh.append(h)
    return fresh
