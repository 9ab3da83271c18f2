"""The feedback survey after an event: attached by a manager from the surveys app's template,
opened once by the beat job for the attendees only, answered once by each of them."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django_scopes import scope, scopes_disabled

from communications.models import Notification
from events.models import Event
from events.services import (
    checkin_registration,
    event_cancel,
    event_update,
    feedback_attach,
    feedback_detach,
    feedback_open_due,
)
from surveys.models import Answer, Audience, Invitee, QuestionKind, Response, Survey, SurveyStatus
from surveys.services import response_save, survey_duplicate, survey_schedule, survey_update
from surveys.services.templates import EVENT_FEEDBACK
from tests import factories as f

from .conftest import at

AFTER = at(2026, 3, 14, 17, 31)  # the event ends at 16:30; feedback is due an hour later


def opened(kind="survey.opened"):
    with scopes_disabled():
        return sorted(Notification.objects.filter(kind=kind)
                      .values_list("recipient_id", flat=True))


def _attached(hall, **fields):
    event = hall.event(**fields)
    survey = feedback_attach(access=hall.access(hall.w.manager), event=event)
    return Event.objects.get(pk=event.pk), survey


def _answers(survey, rating=4):
    rating_q, text_q = survey.questions.order_by("order")
    return {rating_q.pk: rating, text_q.pk: "More chairs, please"}


def test_attach_makes_a_short_draft_from_the_template_for_invited_people(hall):
    event, survey = _attached(hall)
    assert survey.status == SurveyStatus.DRAFT
    assert survey.template == EVENT_FEEDBACK and survey.audience == Audience.INVITED
    assert "Calligraphy class" in survey.title
    kinds = list(survey.questions.order_by("order").values_list("kind", "required"))
    assert kinds == [(QuestionKind.RATING, True), (QuestionKind.TEXT, False)]
    assert event.feedback_survey_id == survey.pk
    assert event.feedback_due_at == event.ends_at + dt.timedelta(hours=1)
    # Not to be sent to everybody from the survey pages: it opens by itself after the event.
    with pytest.raises(ValidationError):
        survey_schedule(access=hall.access(hall.w.manager), survey=survey)
    # One survey per event.
    with pytest.raises(ValidationError):
        feedback_attach(access=hall.access(hall.w.manager), event=event)
    # A copy made on the survey pages is an ordinary draft: the invited people stay behind.
    copy = survey_duplicate(access=hall.access(hall.w.manager), survey=survey)
    assert copy.audience == Audience.ORGANIZATION and copy.questions.count() == 2


def test_only_managers_attach(hall):
    event = hall.event()
    for user in (hall.w.staff, hall.w.owner):
        with pytest.raises(PermissionDenied):
            feedback_attach(access=hall.access(user), event=event)


def test_a_draft_of_the_organisation_can_be_attached_and_detached(hall):
    manager = hall.access(hall.w.manager)
    event = hall.event()
    from surveys.services import survey_create
    draft = survey_create(access=manager, title="Our own questions")
    feedback_attach(access=manager, event=event, survey=draft)
    assert Survey.objects.get(pk=draft.pk).audience == Audience.INVITED
    other = hall.event(title="Other")
    with pytest.raises(ValidationError):  # already another event's
        feedback_attach(access=manager, event=other, survey=draft)
    feedback_detach(access=manager, event=event)
    event.refresh_from_db()
    assert event.feedback_survey_id is None and event.feedback_due_at is None
    assert Survey.objects.get(pk=draft.pk).audience == Audience.ORGANIZATION


def test_the_job_opens_once_for_the_checked_in_attendees(hall, clock):
    event, survey = _attached(hall)
    mine = hall.register(hall.w.owner, event)
    hall.register(hall.w.neighbour, event)  # registered, but did not come
    staff = hall.access(hall.w.staff)
    clock.move_to(at(2026, 3, 14, 15, 5), tick=False)
    checkin_registration(access=staff, event=event, registration_id=mine.pk)
    clock.move_to(at(2026, 3, 14, 17, 0), tick=False)
    assert feedback_open_due() == 0  # the event ended 30 minutes ago: not yet
    clock.move_to(AFTER, tick=False)
    assert feedback_open_due() == 1
    assert feedback_open_due() == 0  # run twice: opens once
    survey.refresh_from_db()
    assert survey.status == SurveyStatus.OPEN and survey.invited_count == 1
    assert survey.closes_at == AFTER + dt.timedelta(days=7)
    assert set(Invitee.objects.filter(survey=survey).values_list("user_id", flat=True)) == {
        hall.w.owner.pk}
    assert opened() == [hall.w.owner.pk]
    with scopes_disabled():
        assert Notification.objects.get(kind="survey.opened").url == (
            f"/o/sunrise/surveys/{survey.pk}/")
    event.refresh_from_db()
    assert event.feedback_opened_at == AFTER and event.feedback_due_at is None


def test_without_check_in_every_confirmed_registration_is_asked(hall, clock):
    event, survey = _attached(hall, capacity=2, max_party_size=1)
    hall.register(hall.w.owner, event)
    hall.register(hall.w.neighbour, event)
    hall.register(hall.w.household, event)  # waitlisted: did not have a place
    clock.move_to(AFTER, tick=False)
    assert feedback_open_due() == 1
    assert opened() == sorted([hall.w.owner.pk, hall.w.neighbour.pk])


def test_nobody_registered_or_cancelled_events_send_nothing(hall, clock):
    empty, empty_survey = _attached(hall, title="Nobody came")
    cancelled, _survey = _attached(hall, title="Rained off")
    hall.register(hall.w.owner, cancelled)
    event_cancel(access=hall.access(hall.w.manager), event=cancelled)
    clock.move_to(AFTER, tick=False)
    assert feedback_open_due() == 0
    assert opened() == []
    empty_survey.refresh_from_db()
    assert empty_survey.status == SurveyStatus.DRAFT
    assert Event.objects.get(pk=cancelled.pk).feedback_opened_at is None


def test_a_moved_end_moves_the_feedback(hall, clock):
    event, _survey = _attached(hall)
    hall.register(hall.w.owner, event)
    event_update(access=hall.access(hall.w.manager), event=event,
                 ends_at=at(2026, 3, 14, 19, 0))
    clock.move_to(AFTER, tick=False)
    assert feedback_open_due() == 0
    clock.move_to(at(2026, 3, 14, 20, 1), tick=False)
    assert feedback_open_due() == 1


def test_a_survey_sent_by_hand_meanwhile_is_not_opened_again(hall, clock):
    event, survey = _attached(hall)
    hall.register(hall.w.owner, event)
    survey_update(access=hall.access(hall.w.manager), survey=survey,
                  audience=Audience.ORGANIZATION)
    clock.move_to(at(2026, 3, 14, 16, 0), tick=False)
    survey_update(access=hall.access(hall.w.manager), survey=survey,
                  opens_at=at(2026, 3, 14, 16, 0), closes_at=at(2026, 3, 20, 16, 0))
    survey_schedule(access=hall.access(hall.w.manager), survey=survey)
    clock.move_to(AFTER, tick=False)
    assert feedback_open_due() == 0  # claimed, not opened, not retried
    assert feedback_open_due() == 0


def test_attendee_answers_once_and_others_cannot(hall, clock):
    event, survey = _attached(hall)
    hall.register(hall.w.owner, event)
    clock.move_to(AFTER, tick=False)
    feedback_open_due()
    survey.refresh_from_db()
    owner = hall.access(hall.w.owner)
    response_save(access=owner, survey=survey, answers=_answers(survey), submit=True)
    with pytest.raises(ValidationError):  # the template's survey does not allow changes
        response_save(access=owner, survey=survey, answers=_answers(survey, 2), submit=True)
    # The same unit's household member and a neighbour did not attend.
    for user in (hall.w.household, hall.w.neighbour):
        with pytest.raises(PermissionDenied):
            response_save(access=hall.access(user), survey=survey, answers=_answers(survey),
                          submit=True)
    assert Response.objects.filter(survey=survey).count() == 1


# Pages -------------------------------------------------------------------------------------


def _open_for_owner(world, clock):
    w = world.sunrise
    with scope(organization=w.org):
        from .conftest import Hall
        hall = Hall(w)
        event, survey = _attached(hall)
        hall.register(w.owner, event)
    clock.move_to(AFTER, tick=False)
    assert feedback_open_due() == 1
    return event, survey


def test_owner_page_offers_give_feedback_until_answered(world, clock, login,
                                                        django_assert_max_num_queries):
    event, survey = _open_for_owner(world, clock)
    client = login(world.sunrise.owner)
    # The detail page's 11, plus the feedback survey: invited? (1) answered? (2).
    with django_assert_max_num_queries(14):
        page = client.get(f"/o/sunrise/events/{event.pk}/")
    assert "Give feedback" in page.text
    assert f"/o/sunrise/surveys/{survey.pk}/" in page.text
    with scope(organization=world.sunrise.org):
        questions = list(survey.questions.order_by("order"))
    answered = client.post(f"/o/sunrise/surveys/{survey.pk}/", {
        f"q{questions[0].pk}": "5", f"q{questions[1].pk}": "Great", "action": "submit"})
    assert answered.status_code == 302
    page = client.get(f"/o/sunrise/events/{event.pk}/")
    assert "Give feedback" not in page.text and "Thank you for your feedback" in page.text
    again = client.post(f"/o/sunrise/surveys/{survey.pk}/", {
        f"q{questions[0].pk}": "1", f"q{questions[1].pk}": "Changed", "action": "submit"})
    assert again.status_code == 200  # refused with a message, nothing changed
    with scope(organization=world.sunrise.org):
        assert list(Answer.objects.filter(survey=survey).exclude(number=None)
                    .values_list("number", flat=True)) == [5]


@pytest.mark.parametrize("role", ["neighbour", "household", "far_owner"])
def test_non_attendees_get_404_on_the_survey_page_and_api(world, clock, login, role):
    event, survey = _open_for_owner(world, clock)
    client = login(getattr(world.sunrise, role))
    assert client.get(f"/o/sunrise/surveys/{survey.pk}/").status_code == 404
    assert client.post(f"/o/sunrise/surveys/{survey.pk}/", {"action": "submit"}
                       ).status_code == 404
    api = f"/api/v1/orgs/sunrise/surveys/{survey.pk}/"
    assert client.get(api).status_code == 404
    assert client.post(api + "responses/", {"answers": [], "submit": True},
                       content_type="application/json").status_code == 404
    assert "Give feedback" not in client.get(f"/o/sunrise/events/{event.pk}/").text
    listed = client.get("/api/v1/orgs/sunrise/surveys/").json()
    assert survey.pk not in [item["id"] for item in listed["results"]]


def test_attendee_sees_it_in_the_api_and_answers_there(world, clock, login):
    _event, survey = _open_for_owner(world, clock)
    client = login(world.sunrise.owner)
    listed = client.get("/api/v1/orgs/sunrise/surveys/").json()
    assert survey.pk in [item["id"] for item in listed["results"]]
    with scope(organization=world.sunrise.org):
        rating, _text = survey.questions.order_by("order")
    url = f"/api/v1/orgs/sunrise/surveys/{survey.pk}/responses/"
    body = {"answers": [{"question": rating.pk, "number": 4}], "submit": True}
    assert client.post(url, body, content_type="application/json").status_code == 200
    assert client.post(url, body, content_type="application/json").status_code == 400


def test_manager_page_attaches_and_shows_responses(world, clock, login,
                                                   django_assert_max_num_queries):
    w = world.sunrise
    with scope(organization=w.org):
        from .conftest import Hall
        hall = Hall(w)
        event = hall.event()
        hall.register(w.owner, event)
    client = login(w.manager)
    base = f"/o/sunrise/manage/events/{event.pk}/"
    with django_assert_max_num_queries(13):  # with the drafts offered
        page = client.get(base)
    assert "Add a feedback survey" in page.text
    added = client.post(base + "feedback/", {"template": EVENT_FEEDBACK})
    assert added.status_code == 302
    with scope(organization=w.org):
        event.refresh_from_db()
        survey = event.feedback_survey
    assert added["Location"] == f"/o/sunrise/surveys/manage/{survey.pk}/"
    page = client.get(base)
    assert "Edit the questions" in page.text and "Remove the feedback survey" in page.text
    clock.move_to(AFTER, tick=False)
    assert feedback_open_due() == 1
    with scope(organization=w.org):
        survey.refresh_from_db()
        response_save(access=hall.access(w.owner), survey=survey, answers=_answers(survey),
                      submit=True)
    with django_assert_max_num_queries(13):  # the response count instead of the drafts
        page = client.get(base)
    assert "1 of 1 attendee answered" in page.text
    assert f"/o/sunrise/surveys/manage/{survey.pk}/results/" in page.text
    # Staff see the count, without the managers' link to results.
    staff_page = login(w.staff).get(base)
    assert "1 of 1 attendee answered" in staff_page.text
    assert "/results/" not in staff_page.text


def test_pages_queries_do_not_grow_with_attendees(world, clock, login,
                                                  django_assert_max_num_queries):
    w = world.sunrise
    with scopes_disabled():
        guests = [f.ResidencyFactory(unit=f.UnitFactory(building=w.building, number=f"9{n:02d}"))
                  .user for n in range(8)]
    with scope(organization=w.org):
        from .conftest import Hall
        hall = Hall(w)
        event, survey = _attached(hall, capacity=20)
        for guest in [w.owner, *guests]:
            hall.register(guest, event)
    clock.move_to(AFTER, tick=False)
    assert feedback_open_due() == 1
    assert len(opened()) == 9
    with scope(organization=w.org):
        survey.refresh_from_db()
        for guest in guests[:3]:
            response_save(access=hall.access(guest), survey=survey, answers=_answers(survey),
                          submit=True)
    client = login(w.manager)
    with django_assert_max_num_queries(13):
        page = client.get(f"/o/sunrise/manage/events/{event.pk}/")
    assert "3 of 9 attendees answered" in page.text
    client = login(guests[5])
    with django_assert_max_num_queries(14):
        page = client.get(f"/o/sunrise/events/{event.pk}/")
    assert "Give feedback" in page.text
