"""CSV and XLSX downloads of a survey's responses (managers)."""

from django.http import HttpResponse
from django.utils.text import slugify

from portal.tenancy.decorators import org_view

from ..export import csv_bytes, export_dataset
from ..scoping import response_reach
from ..selectors import survey_get_for_manager

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _download(content: bytes, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _name(survey, extension: str) -> str:
    return f"survey-{survey.pk}-{slugify(survey.title) or 'responses'}.{extension}"


@org_view("manager")
def export_csv(request, pk: int):
    survey = survey_get_for_manager(request.access, pk)
    data = export_dataset(survey, within=response_reach(request.access, survey))
    return _download(csv_bytes(data), "text/csv; charset=utf-8", _name(survey, "csv"))


@org_view("manager")
def export_xlsx(request, pk: int):
    survey = survey_get_for_manager(request.access, pk)
    data = export_dataset(survey, within=response_reach(request.access, survey))
    return _download(data.export("xlsx"), XLSX, _name(survey, "xlsx"))
