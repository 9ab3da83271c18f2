"""Benchmark (issue #6): results of a survey with 20,000 responses, from aggregate queries.

Skipped unless SURVEYS_BENCH=1 (it writes 160,000 rows); run it on PostgreSQL:

    SURVEYS_BENCH=1 DATABASE_URL=postgres://postgres@127.0.0.1:5432/courtyard_surveys \\
        .venv/bin/pytest tests/surveys/test_bench_results.py -s
"""

import os
import random
import time

import pytest
from django.db import connection, reset_queries
from django.test.utils import CaptureQueriesContext

from surveys.models import Answer, OnePer, QuestionKind, Response, ResponseStatus
from surveys.selectors import survey_results
from surveys.services import survey_from_template, survey_schedule, survey_update

RESPONSES = 20_000

pytestmark = pytest.mark.skipif(not os.environ.get("SURVEYS_BENCH"),
                                reason="benchmark: set SURVEYS_BENCH=1")


def test_results_of_20000_responses_well_under_a_second(kit):
    import datetime as dt

    from django.utils import timezone

    survey = survey_from_template(access=kit.manager)
    now = timezone.now()
    survey_update(access=kit.manager, survey=survey, opens_at=now - dt.timedelta(hours=1),
                  closes_at=now + dt.timedelta(days=3), one_per=OnePer.OWNER)
    survey = survey_schedule(access=kit.manager, survey=survey)
    questions = list(survey.questions.order_by("order"))
    rng = random.Random(6)
    units = [kit.w.unit, kit.w.neighbour_unit, kit.w.far_unit]
    org = kit.w.org
    responses = Response.objects.bulk_create(
        (Response(organization=org, survey=survey, one_per=OnePer.OWNER,
                  property_id=u.property_id, building_id=u.building_id,
                  status=ResponseStatus.SUBMITTED, submitted_at=now)
         for u in (rng.choice(units) for _ in range(RESPONSES))),
        batch_size=2000,
    )
    answers = []
    for response in responses:
        where = {"submitted": True, "property_id": response.property_id,
                 "building_id": response.building_id}
        for q in questions:
            if q.kind == QuestionKind.RATING:
                answers.append(Answer(organization=org, survey=survey, response=response,
                                      question=q, number=rng.randint(1, 5), **where))
            elif q.kind == QuestionKind.NPS:
                answers.append(Answer(organization=org, survey=survey, response=response,
                                      question=q, number=rng.randint(0, 10), **where))
            elif rng.random() < 0.2:
                answers.append(Answer(organization=org, survey=survey, response=response,
                                      question=q, text="更多的垃圾桶", **where))
    Answer.objects.bulk_create(answers, batch_size=5000)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ANALYZE surveys_answer; ANALYZE surveys_response")
    timings = []
    for filters in ({}, {"property_id": kit.w.property.pk}, {}, {}):
        reset_queries()
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            results = survey_results(survey, **filters)
            timings.append(time.perf_counter() - started)
    print(f"\n{connection.vendor}: {RESPONSES} responses, {len(answers)} answers; "
          f"survey_results {[round(t * 1000) for t in timings]} ms, "
          f"{len(queries.captured_queries)} queries")
    assert results["responses"] == RESPONSES
    assert min(timings) < 1.0
