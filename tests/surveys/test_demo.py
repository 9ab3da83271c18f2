"""The surveys seed step (surveys/demo.py) on top of the organisations step: a closed and an
open satisfaction survey for sunrise with hundreds of answers; a second run writes nothing."""

from django.db.models import Count
from django_scopes import scopes_disabled

from portal.demo import DemoContext, steps
from surveys.metrics import latest_satisfaction
from surveys.models import Answer, Participation, Response, Survey, SurveyStatus
from surveys.selectors import survey_results


def _run() -> DemoContext:
    ctx = DemoContext()
    with scopes_disabled():
        for name, func in steps():
            if name.startswith(("portal.demo.", "surveys.demo.")):
                func(ctx)
    return ctx


def test_demo_surveys(db, settings):
    settings.DEBUG = True
    _run()
    with scopes_disabled():
        surveys = Survey.objects.filter(organization__slug="sunrise").order_by("opens_at")
        assert [s.status for s in surveys] == [SurveyStatus.CLOSED, SurveyStatus.OPEN]
        closed, opened = surveys
        assert closed.invited_count == 300  # sunrise's units with a verified resident
        assert Response.objects.filter(survey=closed).count() == 216
        assert Participation.objects.filter(survey=closed).count() == 216
        # one response per unit
        assert not Response.objects.filter(survey=closed).values("unit").annotate(
            n=Count("id")).filter(n__gt=1).exists()
        results = survey_results(closed)
        assert results["responses"] == 216 and results["response_rate"] == 72.0
        assert all(item["answered"] == 216 for item in results["questions"][:6])
        latest = latest_satisfaction(organization=opened.organization, property_ids=None)
        assert latest["survey_id"] == opened.pk and latest["responses"] == 60
        assert set(latest["dimensions"]) == {"security", "cleaning", "greenery", "repairs",
                                             "service"}
        counts = (Survey.objects.count(), Response.objects.count(), Answer.objects.count())
    ctx = _run()
    with scopes_disabled():
        assert (Survey.objects.count(), Response.objects.count(), Answer.objects.count()) == counts
    assert ctx.created["surveys.Survey"] == 0 and ctx.created["surveys.Response"] == 0
