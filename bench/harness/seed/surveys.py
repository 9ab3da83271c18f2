"""Surveys over two years with their questions and the owners' answers.

Per organisation: ``surveys`` shared out, every other one the quarterly satisfaction survey
(the product's template: five rated dimensions, NPS, a comment; organisation-wide, one
response per unit), the others a property's own questions (single and multiple choice, a
rating, a comment; one response per owner, every third anonymous). All are closed except the
newest (open for another month, no reminder left, so the beat jobs find nothing due) and a
draft. Answers are shared out so that they reach ``survey_answers`` where the audiences allow.

The rows keep the models' invariants: a submitted response has its Participation (random
key), anonymous responses name nobody and carry only the day, answers copy the response's
submitted flag, property and building, a multiple-choice answer is a row per ticked choice,
``invited_count`` is the audience at opening, closed surveys with reminders have their
ReminderSent row. Open surveys also have a few saved drafts. Votes are not seeded.
"""

import json
import uuid
from collections import defaultdict
from datetime import timedelta
from zoneinfo import ZoneInfo

from django.utils import translation

from surveys.models import (
    Answer,
    Audience,
    Choice,
    OnePer,
    Participation,
    Question,
    QuestionKind,
    ReminderSent,
    Response,
    ResponseStatus,
    Survey,
    SurveyStatus,
)
from surveys.services.templates import SATISFACTION, satisfaction_questions

from .copy import bulk_load, copy_rows, reset_sequence
from .places import _split

NAME = "surveys"
ZONE = ZoneInfo("Asia/Shanghai")  # the organisations' default time zone
RATING_WEIGHTS = [4, 8, 20, 40, 28]                   # 1 … 5
NPS_WEIGHTS = [2, 1, 1, 2, 3, 6, 8, 14, 22, 20, 21]   # 0 … 10
COMMENTS = ["希望增加垃圾桶", "保安服务很好", "电梯维修太慢", "绿化可以再好一些", "物业费偏高"]
CUSTOM = [  # (kind, text, choices, required)
    (QuestionKind.SINGLE, "您是否支持增设电动车充电桩？", ["支持", "反对", "无所谓"], True),
    (QuestionKind.MULTIPLE, "您希望改善哪些公共设施？",
     ["儿童游乐场", "健身器材", "停车位", "快递柜"], True),
    (QuestionKind.RATING, "您对本次装修管理的满意度？", [], True),
    (QuestionKind.TEXT, "其他建议", [], False),
]
SURVEY = ["id", "organization_id", "title", "description", "audience", "audience_property_id",
          "opens_at", "closes_at", "is_anonymous", "one_per", "allow_change", "status",
          "reminder_hours", "template", "invited_count", "created_by_id", "created_at",
          "opened_at", "closed_at"]
RESPONSE = ["id", "organization_id", "survey_id", "one_per", "respondent_id", "unit_id",
            "property_id", "building_id", "status", "submitted_at"]
ANSWER = ["organization_id", "response_id", "survey_id", "question_id", "choice_id", "number",
          "text", "submitted", "property_id", "building_id"]


def _answers_per_response(questions) -> float:
    expected = {QuestionKind.MULTIPLE: 1.6, QuestionKind.TEXT: 0.2}
    return sum(expected.get(q["kind"], 1.0) for q in questions)


class _Ids:
    def __init__(self):
        self.last = defaultdict(int)

    def __call__(self, kind: str) -> int:
        self.last[kind] += 1
        return self.last[kind]


def seed(ctx) -> dict:
    counts, rng, now, world = ctx.counts, ctx.rng("surveys"), ctx.now, ctx.world
    with translation.override("zh-hans"):
        template = [{**q, "text": str(q["text"])} for q in satisfaction_questions()]
    where = {unit: (org, prop, building) for unit, org, prop, building in world["units"]}
    residents_of_unit = defaultdict(list)
    for user, unit in world["residents"]:
        residents_of_unit[unit].append(user)
    units_of_org, residents_of_property = defaultdict(list), defaultdict(list)
    for unit, (org, prop, _building) in where.items():
        units_of_org[org].append(unit)
        residents_of_property[prop] += [(user, unit) for user in residents_of_unit[unit]]
    properties_of = defaultdict(list)
    for prop, org in world["properties"]:
        properties_of[org].append(prop)

    ids = _Ids()
    surveys, questions, choices, reminders = [], [], [], []
    responses, participations, answers = [], [], []
    orgs = [org for org, _slug in world["orgs"]]
    for org, total, target in zip(orgs, _split(counts.surveys, len(orgs)),
                                  _split(counts.survey_answers, len(orgs)), strict=True):
        author = world["managers_of_org"][org][0]
        draft = total - 1 if total >= 3 else None
        opened_left, org_answers = total - (draft is not None), len(answers)
        for index in range(total):
            survey = ids("survey")
            satisfaction = index % 2 == 0
            if satisfaction:
                plan = [dict(q, choices=[]) for q in template]
                audience, prop, one_per, anonymous = Audience.ORGANIZATION, None, OnePer.UNIT, False
                pool = [(rng.choice(residents_of_unit[u]), u) for u in units_of_org[org]]
            else:
                plan = [{"kind": kind, "text": text, "choices": options, "required": required,
                         "dimension": "", "help_text": ""}
                        for kind, text, options, required in CUSTOM]
                prop = rng.choice(properties_of[org])
                audience, one_per, anonymous = Audience.PROPERTY, OnePer.OWNER, index % 3 == 1
                title = "公共设施改造意见征集"
                pool = list(residents_of_property[prop])
            # Oldest first: the newest (before the draft) is the open one.
            last = index == (draft if draft is not None else total) - 1
            opens = now - timedelta(days=5) if last else now - timedelta(
                days=730 * (total - index) / (total + 1))
            closes = now + timedelta(days=30) if last else opens + timedelta(days=14)
            status = SurveyStatus.OPEN if last else SurveyStatus.CLOSED
            reminder_hours = [] if last else [48]
            if index == draft:
                status, reminder_hours = SurveyStatus.DRAFT, [48]
                opens, closes = now + timedelta(days=7), now + timedelta(days=21)
            opened = status != SurveyStatus.DRAFT
            if satisfaction:
                title = f"{opens.year} 年第 {(opens.month - 1) // 3 + 1} 季度满意度调查"
            surveys.append((
                survey, org, title, "请花两分钟填写，谢谢！", audience, prop, opens, closes,
                anonymous, one_per, satisfaction or not anonymous, status,
                json.dumps(reminder_hours), SATISFACTION if satisfaction else "",
                len(pool) if opened else 0, author, opens - timedelta(days=2),
                opens if opened else None, closes if status == SurveyStatus.CLOSED else None,
            ))
            asked = []
            for order, q in enumerate(plan):
                question = ids("question")
                questions.append((question, org, survey, order, q["kind"], q["text"],
                                  q["help_text"], q["required"], q["dimension"]))
                options = []
                for position, text in enumerate(q["choices"]):
                    options.append(ids("choice"))
                    choices.append((options[-1], org, question, position, text))
                asked.append((question, q["kind"], options, q["required"]))
            if not opened:
                continue
            # What a small audience cannot give, the later surveys make up.
            share = (target - (len(answers) - org_answers)) / opened_left
            opened_left -= 1
            wanted = round(share / _answers_per_response(plan))
            respondents = rng.sample(pool, min(len(pool), wanted))
            if status == SurveyStatus.CLOSED:
                reminders.append((org, survey, 48, len(pool) - len(respondents),
                                  closes - timedelta(hours=48)))
            drafts = len(respondents) // 20 if status == SurveyStatus.OPEN and not anonymous \
                else 0
            for number, (user, unit) in enumerate(respondents):
                response = ids("response")
                submitted = number >= drafts
                at = opens + (closes - opens if status == SurveyStatus.CLOSED
                              else now - opens) * rng.random()
                if anonymous:
                    at = at.astimezone(ZONE).replace(hour=0, minute=0, second=0, microsecond=0)
                _org, prop_of, building = where[unit]
                responses.append((
                    response, org, survey, one_per, None if anonymous else user,
                    None if anonymous else unit, prop_of, building,
                    ResponseStatus.SUBMITTED if submitted else ResponseStatus.DRAFT,
                    at if submitted else None,
                ))
                if submitted:
                    participations.append((uuid.UUID(int=rng.getrandbits(128), version=4),
                                           org, survey, one_per, user, unit))
                for question, kind, options, required in asked:
                    base = (org, response, survey, question)
                    tail = (submitted, prop_of, building)
                    if kind == QuestionKind.SINGLE:
                        answers.append((*base, rng.choice(options), None, "", *tail))
                    elif kind == QuestionKind.MULTIPLE:
                        for choice in rng.sample(options, rng.choice((1, 1, 2, 2, 3))):
                            answers.append((*base, choice, None, "", *tail))
                    elif kind == QuestionKind.RATING:
                        number_ = rng.choices(range(1, 6), RATING_WEIGHTS)[0]
                        answers.append((*base, None, number_, "", *tail))
                    elif kind == QuestionKind.NPS:
                        number_ = rng.choices(range(11), NPS_WEIGHTS)[0]
                        answers.append((*base, None, number_, "", *tail))
                    elif rng.random() < 0.2 or required:
                        answers.append((*base, None, None, rng.choice(COMMENTS), *tail))

    copy_rows(Survey, SURVEY, surveys, now=now)
    copy_rows(Question, ["id", "organization_id", "survey_id", "order", "kind", "text",
                         "help_text", "required", "dimension"], questions, now=now)
    copy_rows(Choice, ["id", "organization_id", "question_id", "order", "text"], choices,
              now=now)
    copy_rows(ReminderSent, ["organization_id", "survey_id", "hours_before_close",
                             "recipients", "sent_at"], reminders, now=now)
    with bulk_load(Response, Participation, Answer):
        copy_rows(Response, RESPONSE, responses, now=now)
        copy_rows(Participation, ["id", "organization_id", "survey_id", "one_per", "user_id",
                                  "unit_id"], participations, now=now)
        written = copy_rows(Answer, ANSWER, answers, now=now)
    for model in (Survey, Question, Choice, Response):
        reset_sequence(model)
    return {"surveys": len(surveys), "questions": len(questions), "responses": len(responses),
            "answers": written}
