"""What the surveys app holds about a person, for their data download and erasure
(portal.accounts.personal_data).

Named responses (a survey that is not anonymous) are theirs: the download lists each with its
answers. Anonymous responses are unlinkable by design (surveys.models: no response row of an
anonymous survey names a person or a unit, and ``Participation`` carries neither a time nor a
sequential key), so neither we nor the download can tell which answers were theirs; the
download says only that they took part.

Erasure turns their named responses into what an anonymous response looks like: no
respondent, only the day of submission, no free text (the one part of an answer that may name
them); the choices and scores stay in the results. A response per unit keeps its unit, as it is
the household's answer. Their invitations go; ``Participation`` stays, pointing at the
anonymised account, because it is what keeps "one response per owner or unit".
"""

import datetime as dt
from zoneinfo import ZoneInfo

from django.utils import timezone
from django.utils.translation import gettext as _

from portal.accounts.personal_data import eraser, exporter, when

from .models import Answer, Invitee, OnePer, Participation, Response


def _answer(answer: Answer) -> dict:
    return {
        "question": answer.question.text,
        "choice": answer.choice.text if answer.choice else None,
        "score": answer.number,
        "text": answer.text,
    }


@exporter("survey_responses")
def export(user) -> list[dict]:
    responses = (
        Response.objects.filter(respondent=user)
        .select_related("organization", "survey", "unit")
        .prefetch_related("answers__question", "answers__choice")
    )
    return [
        {
            "organisation": response.organization.name,
            "survey": response.survey.title,
            "unit": response.unit.number if response.unit else None,
            "status": response.status,
            "submitted_at": when(response.submitted_at),
            "answers": [_answer(answer) for answer in response.answers.all()],
        }
        for response in responses.order_by("pk")
    ]


@exporter("survey_participation")
def export_participation(user) -> list[dict]:
    participations = Participation.objects.filter(user=user).select_related(
        "organization", "survey"
    )
    return [
        {
            "organisation": participation.organization.name,
            "survey": participation.survey.title,
            "anonymous": participation.survey.is_anonymous,
            # Said in the file itself, so the person knows why the answers are missing.
            "answers": _("Not linked to you: the survey is anonymous.")
            if participation.survey.is_anonymous else _("See your survey responses."),
        }
        for participation in participations.order_by("survey_id")
    ]


def _day(value: dt.datetime | None, zone: str) -> dt.datetime | None:
    if value is None:
        return None
    local = timezone.localtime(value, ZoneInfo(zone))
    return local.replace(hour=0, minute=0, second=0, microsecond=0)


@eraser("surveys")
def erase(user) -> None:
    responses = Response.objects.filter(respondent=user).select_related("organization")
    for response in responses:
        response.respondent = None
        if response.one_per == OnePer.OWNER:
            response.unit = None
        response.submitted_at = _day(response.submitted_at, response.organization.time_zone)
        response.save(update_fields=["respondent", "unit", "submitted_at"])
        Answer.objects.filter(response=response).exclude(text="").update(text="")
    Invitee.objects.filter(user=user).delete()
