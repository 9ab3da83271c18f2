import datetime as dt

from django.utils import timezone
from django_scopes import scope

from surveys.models import Question, Response, ResponseStatus, Survey, SurveyStatus

from .conftest import Kit


def _open(world, **fields):
    with scope(organization=world.sunrise.org):
        kit = Kit(world.sunrise)
        return kit, kit.open(**fields)


def test_owner_sees_answers_saves_a_draft_and_submits(world, login):
    kit, survey = _open(world)
    client = login(world.sunrise.owner)
    listing = client.get("/o/sunrise/surveys/")
    assert listing.status_code == 200 and "Parking survey" in listing.text
    form = client.get(f"/o/sunrise/surveys/{survey.pk}/")
    assert form.status_code == 200 and 'class="btn-check"' in form.text
    with scope(organization=world.sunrise.org):
        answers = kit.answers(survey, multiple=(0, 1))
    data = {f"q{qid}": value for qid, value in answers.items()}
    draft = client.post(f"/o/sunrise/surveys/{survey.pk}/", {**data, "action": "draft"})
    assert draft.status_code == 302
    with scope(organization=world.sunrise.org):
        assert Response.objects.get(survey=survey).status == ResponseStatus.DRAFT
    done = client.post(f"/o/sunrise/surveys/{survey.pk}/", {**data, "action": "submit"})
    assert done.status_code == 302
    with scope(organization=world.sunrise.org):
        response = Response.objects.get(survey=survey)
        assert response.status == ResponseStatus.SUBMITTED
        assert response.answers.count() == 5  # two ticks for the multiple choice, no text
    again = client.get(f"/o/sunrise/surveys/{survey.pk}/")
    assert "You can change your answers until it closes." in again.text


def test_owner_form_shows_errors_beside_questions(world, login):
    _kit, survey = _open(world)
    client = login(world.sunrise.owner)
    page = client.post(f"/o/sunrise/surveys/{survey.pk}/", {"action": "submit"})
    assert page.status_code == 200
    assert page.text.count("Please answer this question.") == 4


def test_owner_list_and_home_take_constant_queries(world, login, django_assert_max_num_queries):
    for index in range(3):
        _open(world, title=f"Survey {index}")
    client = login(world.sunrise.owner)
    with django_assert_max_num_queries(12):
        page = client.get("/o/sunrise/surveys/")
    assert page.text.count("Waiting for your answer") == 3
    home = client.get("/o/sunrise/")
    assert "Surveys waiting for your answer" in home.text and "Survey 2" in home.text


def test_manager_builds_from_scratch_and_opens(world, login):
    client = login(world.sunrise.manager)
    now = timezone.localtime(timezone.now(), dt.timezone(dt.timedelta(hours=8)))
    created = client.post("/o/sunrise/surveys/manage/new/", {
        "title": "Lift survey", "audience": "organization", "one_per": "owner",
        "allow_change": "on", "reminder_text": "48, 4",
        "opens_at": (now - dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        "closes_at": (now + dt.timedelta(days=3)).strftime("%Y-%m-%dT%H:%M"),
    })
    assert created.status_code == 302, created.content
    with scope(organization=world.sunrise.org):
        survey = Survey.objects.get(title="Lift survey")
        assert survey.reminder_hours == [48, 4]
    base = f"/o/sunrise/surveys/manage/{survey.pk}/"
    bad = client.post(base + "questions/new/", {"kind": "single", "text": "Which lift?",
                                                "choices": "A", "required": "on"})
    assert "at least two choices" in bad.text
    client.post(base + "questions/new/", {"kind": "single", "text": "Which lift?",
                                          "choices": "A\nB", "required": "on"})
    client.post(base + "questions/new/", {"kind": "rating", "text": "How good?"})
    with scope(organization=world.sunrise.org):
        first, second = Question.objects.filter(survey=survey).order_by("order")
    client.post(base + f"questions/{second.pk}/move/", {"direction": "up"})
    with scope(organization=world.sunrise.org):
        assert list(Question.objects.filter(survey=survey).order_by("order")) == [second, first]
    assert "Preview: this is what owners will see." in client.get(base + "preview/").text
    client.post(base + "schedule/")
    with scope(organization=world.sunrise.org):
        assert Survey.objects.get(pk=survey.pk).status == SurveyStatus.OPEN
    client.post(base + "close/")
    with scope(organization=world.sunrise.org):
        assert Survey.objects.get(pk=survey.pk).status == SurveyStatus.CLOSED


def test_manager_template_and_duplicate(world, login):
    client = login(world.sunrise.manager)
    made = client.post("/o/sunrise/surveys/manage/from-template/", {"template": "satisfaction"})
    assert made.status_code == 302
    with scope(organization=world.sunrise.org):
        survey = Survey.objects.get()
        assert survey.questions.count() == 7
    copied = client.post(f"/o/sunrise/surveys/manage/{survey.pk}/duplicate/")
    assert copied.status_code == 302
    with scope(organization=world.sunrise.org):
        assert Survey.objects.count() == 2


def test_results_page_charts_tables_and_constant_queries(world, login,
                                                         django_assert_max_num_queries):
    kit, survey = _open(world)
    with scope(organization=world.sunrise.org):
        kit.answer(survey, world.sunrise.owner, text="Needs more bins")
    client = login(world.sunrise.manager)
    url = f"/o/sunrise/surveys/manage/{survey.pk}/results/"
    with django_assert_max_num_queries(22):
        page = client.get(url)
    assert 'id="survey-chart-data"' in page.text and "js/surveys/results.js" in page.text
    assert "Needs more bins" in page.text and 'data-live-refresh="survey."' in page.text
    with scope(organization=world.sunrise.org):
        for user in (world.sunrise.household, world.sunrise.neighbour, world.sunrise.far_owner):
            kit.answer(survey, user)
    with django_assert_max_num_queries(22):
        client.get(url + f"?property={world.sunrise.property.pk}")
    rate = client.get(f"/o/sunrise/surveys/manage/{survey.pk}/results/rate/")
    assert "100.0 %" in rate.text


def test_manager_list_takes_constant_queries(world, login, django_assert_max_num_queries):
    for index in range(4):
        _open(world, title=f"Survey {index}")
    client = login(world.sunrise.manager)
    with django_assert_max_num_queries(12):
        page = client.get("/o/sunrise/surveys/manage/")
    assert page.text.count("/results/") == 4
    home = client.get("/o/sunrise/")
    assert "Open surveys" in home.text


def test_exports_download(world, login):
    kit, survey = _open(world, title="问卷")
    with scope(organization=world.sunrise.org):
        kit.answer(survey, world.sunrise.owner, text="很好")
    client = login(world.sunrise.manager)
    csv = client.get(f"/o/sunrise/surveys/manage/{survey.pk}/export.csv")
    assert csv["Content-Type"].startswith("text/csv")
    assert csv.content.startswith(b"\xef\xbb\xbf") and "很好" in csv.content.decode("utf-8-sig")
    xlsx = client.get(f"/o/sunrise/surveys/manage/{survey.pk}/export.xlsx")
    assert xlsx.content[:2] == b"PK"


def test_final_answers_are_shown_read_only(world, login):
    kit, survey = _open(world, allow_change=False)
    with scope(organization=world.sunrise.org):
        kit.answer(survey, world.sunrise.owner, rating=2)
    page = login(world.sunrise.owner).get(f"/o/sunrise/surveys/{survey.pk}/")
    assert "You have answered this survey. Thank you!" in page.text
    assert 'value="2" autocomplete="off" checked disabled' in page.text
    assert 'name="action"' not in page.text
