import datetime as dt

from django.utils import timezone

from communications.models import Notification
from surveys.models import OnePer, ReminderSent, Survey, SurveyStatus
from surveys.services import (
    survey_schedule,
    surveys_close_due,
    surveys_open_due,
    surveys_remind_due,
)


def _scheduled(kit, **fields):
    now = timezone.now()
    fields.setdefault("opens_at", now + dt.timedelta(minutes=30))
    fields.setdefault("closes_at", now + dt.timedelta(days=3))
    survey = kit.draft(**fields)
    return survey_schedule(access=kit.manager, survey=survey)


def test_opening_happens_exactly_once_when_the_job_runs_twice(kit):
    survey = _scheduled(kit)
    assert survey.status == SurveyStatus.SCHEDULED
    assert surveys_open_due(now=timezone.now()) == 0  # not yet
    later = survey.opens_at + dt.timedelta(minutes=1)
    assert surveys_open_due(now=later) == 1
    assert surveys_open_due(now=later) == 0
    survey.refresh_from_db()
    assert survey.status == SurveyStatus.OPEN and survey.invited_count == 4
    told = Notification.objects.filter(kind="survey.opened")
    w = kit.w
    assert sorted(told.values_list("recipient_id", flat=True)) == sorted(
        [w.owner.pk, w.household.pk, w.neighbour.pk, w.far_owner.pk]
    )


def test_reminders_go_once_each_to_those_who_have_not_answered(kit):
    survey = _scheduled(kit, reminder_hours=[48, 4], one_per=OnePer.UNIT)
    surveys_open_due(now=survey.opens_at)
    survey.refresh_from_db()
    assert survey.next_reminder_at == survey.closes_at - dt.timedelta(hours=48)
    kit.answer(Survey.objects.get(pk=survey.pk), kit.w.owner)  # answers for unit

    first = survey.closes_at - dt.timedelta(hours=47)
    assert surveys_remind_due(now=first) == 1
    assert surveys_remind_due(now=first) == 0
    reminded = Notification.objects.filter(kind="survey.reminder")
    # the household shares the owner's answered unit: only the other units are reminded
    assert sorted(reminded.values_list("recipient_id", flat=True)) == sorted(
        [kit.w.neighbour.pk, kit.w.far_owner.pk]
    )
    second = survey.closes_at - dt.timedelta(hours=3)
    assert surveys_remind_due(now=second) == 1
    assert surveys_remind_due(now=second) == 0
    assert reminded.count() == 4
    assert set(ReminderSent.objects.values_list("hours_before_close", flat=True)) == {48, 4}
    survey.refresh_from_db()
    assert survey.next_reminder_at is None


def test_closing_at_closes_at(kit):
    survey = kit.open()
    assert surveys_close_due(now=timezone.now()) == 0
    assert surveys_close_due(now=survey.closes_at) == 1
    assert surveys_close_due(now=survey.closes_at) == 0
    survey.refresh_from_db()
    assert survey.status == SurveyStatus.CLOSED


def test_the_task_runs_every_job(kit):
    from surveys.tasks import run_due

    assert run_due() == {"opened": 0, "reminded": 0, "closed": 0}
