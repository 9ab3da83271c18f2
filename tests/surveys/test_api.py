import datetime as dt

from django.utils import timezone
from django_scopes import scope

from surveys.models import Response, Survey

from .conftest import Kit


def _open(world, **fields):
    with scope(organization=world.sunrise.org):
        kit = Kit(world.sunrise)
        return kit, kit.open(**fields)


def test_owner_lists_open_surveys_and_submits(world, client):
    kit, survey = _open(world)
    client.force_login(world.sunrise.owner)
    listing = client.get("/api/v1/orgs/sunrise/surveys/").json()
    assert [s["id"] for s in listing["results"]] == [survey.pk]
    assert listing["results"][0]["my_status"] == ""
    with scope(organization=world.sunrise.org):
        answers = kit.answers(survey)
    q = {item["kind"]: item["id"] for item in listing["results"][0]["questions"]}
    body = {"answers": [
        {"question": q["single"], "choice": answers[q["single"]]},
        {"question": q["multiple"], "choices": answers[q["multiple"]]},
        {"question": q["rating"], "number": 4},
        {"question": q["nps"], "number": 10},
    ]}
    done = client.post(f"/api/v1/orgs/sunrise/surveys/{survey.pk}/responses/", body,
                       content_type="application/json")
    assert done.status_code == 200, done.content
    assert done.json()["status"] == "submitted"
    wrong = client.post(f"/api/v1/orgs/sunrise/surveys/{survey.pk}/responses/",
                        {"answers": [{"question": q["rating"], "number": 9}]},
                        content_type="application/json")
    assert wrong.status_code == 400
    assert f"q{q['rating']}" in wrong.json()
    mine = client.get(f"/api/v1/orgs/sunrise/surveys/{survey.pk}/responses/").json()
    assert len(mine["results"]) == 1
    assert client.get(f"/api/v1/orgs/sunrise/surveys/{survey.pk}/results/").status_code == 404


def test_manager_creates_and_reads_results(world, client):
    kit, survey = _open(world)
    with scope(organization=world.sunrise.org):
        kit.answer(survey, world.sunrise.owner, rating=5)
    client.force_login(world.sunrise.manager)
    now = timezone.now()
    created = client.post("/api/v1/orgs/sunrise/surveys/", {
        "title": "API survey", "opens_at": now.isoformat(),
        "closes_at": (now + dt.timedelta(days=2)).isoformat(),
        "questions": [{"kind": "single", "text": "Yes?", "choices": ["Yes", "No"]},
                      {"kind": "text", "text": "Why?", "required": False}],
    }, content_type="application/json")
    assert created.status_code == 201, created.content
    assert [q["kind"] for q in created.json()["questions"]] == ["single", "text"]
    bad = client.post("/api/v1/orgs/sunrise/surveys/", {
        "title": "Bad", "questions": [{"kind": "single", "text": "Only one", "choices": ["A"]}],
        "audience_building": world.harbor.building.pk,
    }, content_type="application/json")
    assert bad.status_code == 400
    with scope(organization=world.sunrise.org):
        assert not Survey.objects.filter(title="Bad").exists()
    results = client.get(f"/api/v1/orgs/sunrise/surveys/{survey.pk}/results/").json()
    rating = next(item for item in results["questions"] if item["kind"] == "rating")
    assert rating["average"] == 5.0 and results["responses"] == 1
    responses = client.get(f"/api/v1/orgs/sunrise/surveys/{survey.pk}/responses/").json()
    assert responses["results"][0]["respondent_name"] == "Owner sunrise"


def test_anonymous_api_answer_carries_no_identity(world, client):
    kit, survey = _open(world, is_anonymous=True, allow_change=False)
    client.force_login(world.sunrise.owner)
    with scope(organization=world.sunrise.org):
        answers = kit.answers(survey)
    body = {"answers": [{"question": k, "choices": v} if isinstance(v, list) else
                        {"question": k, "choice": v} if k == min(answers) else
                        {"question": k, "number": v} if isinstance(v, int) else
                        {"question": k, "text": v} for k, v in answers.items()]}
    done = client.post(f"/api/v1/orgs/sunrise/surveys/{survey.pk}/responses/", body,
                       content_type="application/json")
    assert done.status_code == 200, done.content
    assert done.json()["respondent"] is None and done.json()["unit"] is None
    with scope(organization=world.sunrise.org):
        assert Response.objects.get().respondent_id is None
    client.force_login(world.sunrise.manager)
    listed = client.get(f"/api/v1/orgs/sunrise/surveys/{survey.pk}/responses/").json()
    assert listed["results"][0]["respondent"] is None
