"""Seed step 400: for sunrise, last quarter's satisfaction survey (closed, about 72 % of
the units answered) and this quarter's (open, some answers; the demo owner's unit has
not answered, so owner@sunrise.example finds it on the home page).

Surveys are matched on their titles; responses are written only for a survey that has none,
so a second run adds nothing. Written in bulk, without notifications: nobody is told about
demo surveys.
"""

import datetime as dt
from collections import defaultdict

from django.utils import translation

from portal.demo import DemoContext, OrgSeed, seed_step

from .models import (
    Answer,
    OnePer,
    Participation,
    Question,
    QuestionKind,
    Response,
    ResponseStatus,
    Survey,
    SurveyStatus,
)
from .services.templates import SATISFACTION, satisfaction_questions

COMMENTS = [
    "保安晚上巡逻可以再勤一些。", "电梯维修响应很快，谢谢师傅。", "垃圾分类点周边的卫生需要加强。",
    "绿化修剪得很好，小区环境越来越漂亮。", "地下车库灯光太暗，希望尽快更换。",
    "客服态度很好，但报修后回访慢了一点。", "快递柜旁边经常堆放杂物。", "希望增加儿童游乐设施。",
]
# Mean 1–5 rating of each dimension: repairs lag, greenery shines.
MEANS = {"security": 4.1, "cleaning": 3.9, "greenery": 4.3, "repairs": 3.4, "service": 4.0}
# Share of the units with verified residents that answered.
PLANS = {"sunrise": [("closed", 0.72), ("open", 0.2)]}


@seed_step(order=400)
def surveys(ctx: DemoContext) -> None:
    for slug, plans in PLANS.items():
        seed = ctx.orgs.get(slug)
        if seed is None:
            continue
        for state, share in plans:
            _seed_survey(ctx, seed, state, share)


def _quarter(day: dt.date) -> tuple[int, int]:
    return day.year, (day.month - 1) // 3 + 1


def _seed_survey(ctx: DemoContext, seed: OrgSeed, state: str, share: float) -> None:
    org = seed.organization
    now = ctx.now.replace(second=0, microsecond=0)
    if state == "closed":
        opens, closes = now - dt.timedelta(days=100), now - dt.timedelta(days=86)
        year, quarter = _quarter((now - dt.timedelta(days=92)).date())
    else:
        opens, closes = now - dt.timedelta(days=3), now + dt.timedelta(days=11)
        year, quarter = _quarter(now.date())
    with translation.override(org.language_code or None):
        title = translation.gettext("Satisfaction survey, %(year)s Q%(quarter)s") % {
            "year": year, "quarter": quarter}
        description = translation.gettext(
            "Please tell us how satisfied you are with our services this quarter. It takes "
            "about two minutes."
        )
        questions = satisfaction_questions()
    unit_ids = {r.unit_id for r in seed.residencies if r.verified_at}
    invited = len(unit_ids)
    planned = Survey(
        organization=org, title=title, description=description, one_per=OnePer.UNIT,
        allow_change=True, reminder_hours=[48], template=SATISFACTION,
        status=SurveyStatus.CLOSED if state == "closed" else SurveyStatus.OPEN,
        opens_at=opens, closes_at=closes, opened_at=opens,
        closed_at=closes if state == "closed" else None, invited_count=invited,
        next_reminder_at=None if state == "closed" else closes - dt.timedelta(hours=48),
        created_by=seed.people.get("manager"),
    )
    survey = ctx.ensure(Survey.objects.filter(organization=org), [planned], key=("title",))[
        (title,)]
    if not Question.objects.filter(survey=survey).exists():
        Question.objects.bulk_create(
            Question(organization=org, survey=survey, order=i, **q)
            for i, q in enumerate(questions)
        )
    if Response.objects.filter(survey=survey).exists():
        return
    _seed_responses(ctx, seed, survey, round(share * invited), state)


def _seed_responses(ctx, seed: OrgSeed, survey: Survey, count: int, state: str) -> None:
    org = seed.organization
    rng = ctx.rng(f"surveys:{survey.title}")
    by_unit = defaultdict(list)
    for residency in seed.residencies:
        if residency.verified_at:
            by_unit[residency.unit_id].append(residency.user_id)
    units = {u.pk: u for u in seed.units}
    skip = set()
    owner = seed.people.get("owner")
    if state == "open" and owner is not None:
        skip = {uid for uid, users in by_unit.items() if owner.pk in users}
    candidates = sorted(uid for uid in by_unit if uid not in skip and uid in units)
    chosen = rng.sample(candidates, min(count, len(candidates)))
    questions = list(Question.objects.filter(survey=survey).order_by("order"))
    responses, participations, plans = [], [], []
    span = max((min(survey.closes_at, ctx.now) - survey.opens_at).total_seconds(), 60)
    for unit_id in chosen:
        unit = units[unit_id]
        user_id = rng.choice(by_unit[unit_id])
        submitted = survey.opens_at + dt.timedelta(seconds=rng.uniform(0, span))
        responses.append(Response(
            organization=org, survey=survey, one_per=OnePer.UNIT, respondent_id=user_id,
            unit_id=unit_id, property_id=unit.property_id, building_id=unit.building_id,
            status=ResponseStatus.SUBMITTED, submitted_at=submitted,
        ))
        participations.append(Participation(
            organization=org, survey=survey, one_per=OnePer.UNIT, user_id=user_id,
            unit_id=unit_id,
        ))
        plans.append(_answers(rng, questions))
    Response.objects.bulk_create(responses, batch_size=500)
    Participation.objects.bulk_create(participations, batch_size=500)
    answers = []
    for response, planned in zip(responses, plans, strict=True):
        for question, values in planned:
            for value in values:
                answers.append(Answer(
                    organization=org, survey=survey, response=response, question=question,
                    submitted=True, property_id=response.property_id,
                    building_id=response.building_id, **value,
                ))
    Answer.objects.bulk_create(answers, batch_size=1000)
    ctx.created[Response._meta.label] += len(responses)
    ctx.created[Answer._meta.label] += len(answers)


def _answers(rng, questions) -> list:
    planned = []
    for question in questions:
        if question.kind == QuestionKind.RATING:
            mean = MEANS.get(question.dimension, 4.0)
            score = max(1, min(5, round(rng.gauss(mean, 0.9))))
            planned.append((question, [{"number": score}]))
        elif question.kind == QuestionKind.NPS:
            score = max(0, min(10, round(rng.gauss(7.6, 1.9))))
            planned.append((question, [{"number": score}]))
        elif question.kind == QuestionKind.TEXT and rng.random() < 0.3:
            planned.append((question, [{"text": rng.choice(COMMENTS)}]))
    return planned
