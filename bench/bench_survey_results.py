"""Time a survey's results (issue #6): ``surveys.selectors.survey_results`` over 20,000
responses, from aggregate queries, on the database that DATABASE_URL names (the SQLite file
under var/ when it is not set; PostgreSQL is what counts).

Migrates and seeds the demo (untimed) when needed, opens the quarterly satisfaction survey
from its template as sunrise's manager, writes ``--responses`` submitted responses with their
answers in bulk (about 160,000 rows), ANALYZEs, then times ``survey_results`` four times
(whole survey, one property, whole survey twice more) and prints milliseconds and queries.
Fails (exit 1) unless every response is counted and the best run is under a second. The
survey and its rows are deleted at the end, so every run measures the same data::

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/courtyard_surveys \\
        .venv/bin/python bench/bench_survey_results.py
"""

import argparse
import datetime as dt
import os
import random
import sys
import time
from io import StringIO
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402
from django_scopes import scope, scopes_disabled  # noqa: E402

from portal.tenancy.access import compute_access  # noqa: E402
from portal.tenancy.models import Membership, Organization, Unit  # noqa: E402
from surveys.models import Answer, OnePer, QuestionKind, Response, ResponseStatus  # noqa: E402
from surveys.selectors import survey_results  # noqa: E402
from surveys.services import survey_from_template, survey_schedule, survey_update  # noqa: E402


def _write(survey, units, responses: int) -> int:
    """Submitted responses spread over ``units``, a rating or score for every scale question
    and a comment on one in five of the others."""
    rng, now, org = random.Random(6), timezone.now(), survey.organization
    questions = list(survey.questions.order_by("order"))
    rows = Response.objects.bulk_create(
        (Response(organization=org, survey=survey, one_per=OnePer.OWNER,
                  property_id=u.property_id, building_id=u.building_id,
                  status=ResponseStatus.SUBMITTED, submitted_at=now)
         for u in (rng.choice(units) for _ in range(responses))),
        batch_size=2000,
    )
    answers = []
    for response in rows:
        where = {"organization": org, "survey": survey, "response": response, "submitted": True,
                 "property_id": response.property_id, "building_id": response.building_id}
        for q in questions:
            if q.kind == QuestionKind.RATING:
                answers.append(Answer(question=q, number=rng.randint(1, 5), **where))
            elif q.kind == QuestionKind.NPS:
                answers.append(Answer(question=q, number=rng.randint(0, 10), **where))
            elif rng.random() < 0.2:
                answers.append(Answer(question=q, text="更多的垃圾桶", **where))
    Answer.objects.bulk_create(answers, batch_size=5000)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE surveys_answer; ANALYZE surveys_response")
    return len(answers)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--responses", type=int, default=20_000)
    args = parser.parse_args()
    call_command("migrate", verbosity=0, interactive=False)
    with scopes_disabled():
        org = Organization.objects.filter(slug="sunrise").first()
        if org is None:
            call_command("seed_demo", stdout=StringIO())
            org = Organization.objects.get(slug="sunrise")
        manager = Membership.objects.filter(organization=org, role="manager",
                                            all_properties=True).select_related("user").first()
        # Units of different properties, so that the property filter selects a part.
        units = list(Unit.objects.filter(organization=org).order_by("property_id", "pk")
                     .distinct("property_id")[:3])
    with scope(organization=org):
        access = compute_access(manager.user, org)
        survey = survey_from_template(access=access)
        try:
            now = timezone.now()
            survey_update(access=access, survey=survey, opens_at=now - dt.timedelta(hours=1),
                          closes_at=now + dt.timedelta(days=3), one_per=OnePer.OWNER)
            survey = survey_schedule(access=access, survey=survey)
            answers = _write(survey, units, args.responses)
            timings = []
            for filters in ({}, {"property_id": units[0].property_id}, {}, {}):
                with CaptureQueriesContext(connection) as queries:
                    started = time.perf_counter()
                    results = survey_results(survey, **filters)
                    timings.append(time.perf_counter() - started)
        finally:
            survey.delete()
    print(f"{connection.vendor}: {args.responses} responses, {answers} answers; "
          f"survey_results {[round(t * 1000) for t in timings]} ms, "
          f"{len(queries.captured_queries)} queries")
    ok = results["responses"] == args.responses and min(timings) < 1.0
    if not ok:
        print("FAILED: every response counted and the best run under a second")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
