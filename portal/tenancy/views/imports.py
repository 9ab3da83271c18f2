"""Bulk import of units and residents: administrators only."""

from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language

from .. import forms, importing, services
from ..decorators import org_view

# Enough to fix a file in one go; a file with more problems is usually the wrong file.
MAX_ERRORS_SHOWN = 500


@org_view("admin")
def import_page(request):
    form = forms.ImportForm(request.POST or None, request.FILES or None)
    context = {"form": form, "kinds": {kind: importing.columns_of(kind) for kind in
                                       importing.Kind.values}}
    if request.method == "POST" and form.is_valid():
        try:
            context["summary"] = services.import_upload(
                organization=request.organization, kind=form.cleaned_data["kind"],
                upload=form.cleaned_data["file"], imported_by=request.user,
            )
        except ValidationError as error:
            form.add_error("file", error)
        except importing.ImportRejected as rejected:
            context["errors"] = rejected.errors[:MAX_ERRORS_SHOWN]
            context["error_count"] = len(rejected.errors)
    return render(request, "tenancy/import.html", context)


@org_view("admin")
def import_template(request, kind):
    if kind not in importing.Kind.values:
        raise Http404
    response = HttpResponse(
        importing.template_csv(kind, get_language()), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="courtyard-{kind}.csv"'
    return response
