from urllib.parse import quote
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.utils import timezone


def org_zone(request):
    """Form times are typed and shown in the organisation's time zone."""
    return timezone.override(ZoneInfo(request.organization.time_zone))


def show_errors(form, error: ValidationError) -> None:
    """A service's error beside the field it names, or above the form."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def error_text(error: ValidationError) -> str:
    return " ".join(str(m) for m in error.messages)


def serve_file(row, *, inline_images: bool = True) -> HttpResponse:
    """An uploaded file, only ever after an access check: as a download (pictures may show
    inline), with nosniff so a browser never guesses it is something else."""
    inline = inline_images and row.content_type in ("image/jpeg", "image/png")
    with row.file.open("rb") as handle:  # at most 10 MB (files.MAX_BYTES)
        content = handle.read()
    response = HttpResponse(content, content_type=row.content_type)
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = (
        f"{disposition}; filename*=UTF-8''{quote(row.original_name)}")
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
