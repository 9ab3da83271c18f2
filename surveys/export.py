"""The responses of a survey as a table, one row per submitted response and one column per
question. An anonymous survey's table has no person and no unit: only property and building.
Three queries whatever the size."""

from collections import defaultdict
from zoneinfo import ZoneInfo

import tablib
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from portal.spreadsheet import row as spreadsheet_row

from .models import Answer, QuestionKind, Response, ResponseStatus, Survey


def export_dataset(survey: Survey, *, within: list[int] | None = None) -> tablib.Dataset:
    """``within``: only the responses from these properties (``scoping.response_reach``)."""
    tz = ZoneInfo(survey.organization.time_zone)
    questions = list(survey.questions.order_by("order", "pk"))
    responses = Response.objects.filter(survey=survey, status=ResponseStatus.SUBMITTED)
    answers = Answer.objects.filter(survey=survey, response__status=ResponseStatus.SUBMITTED)
    if within is not None:
        responses = responses.filter(property_id__in=within)
        answers = answers.filter(response__property_id__in=within)
    responses = responses.select_related("property", "building", "unit", "respondent").order_by(
        "pk")
    cells: dict[tuple[int, int], list[str]] = defaultdict(list)
    for response_id, question_id, choice, number, text in (
        answers.order_by("pk")
        .values_list("response_id", "question_id", "choice__text", "number", "text")
    ):
        value = choice if choice is not None else (str(number) if number is not None else text)
        cells[(response_id, question_id)].append(value)
    headers = [_("No."), _("Submitted"), pgettext("residential community", "Property"),
               _("Building")]
    if not survey.is_anonymous:
        headers += [_("Unit"), _("Respondent")]
    headers += [q.text for q in questions]
    data = tablib.Dataset(headers=spreadsheet_row(headers), title=_("Responses")[:31])
    for index, response in enumerate(responses, start=1):
        when = response.submitted_at.astimezone(tz)
        row = [index, when.strftime("%Y-%m-%d" if survey.is_anonymous else "%Y-%m-%d %H:%M"),
               response.property.name if response.property else "",
               response.building.name if response.building else ""]
        if not survey.is_anonymous:
            row += [response.unit.number if response.unit else "",
                    response.respondent.full_name if response.respondent else ""]
        for question in questions:
            joiner = "; " if question.kind == QuestionKind.MULTIPLE else ""
            row.append(joiner.join(cells.get((response.pk, question.pk), [])))
        data.append(spreadsheet_row(row))
    return data


def csv_bytes(data: tablib.Dataset) -> bytes:
    """UTF-8 with a byte-order mark, so that Excel shows Chinese instead of mojibake."""
    return ("\ufeff" + data.export("csv")).encode("utf-8")
