"""Small helpers shared by the staff and manager pages."""

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _


def url(request, name: str, *args) -> str:
    return reverse(f"tickets:{name}", args=[request.organization.slug, *args])


def _unique_field(form, error: ValidationError) -> str | None:
    """The form field a per-organisation uniqueness error is about ("name" of
    (organization, name)), so that it shows beside that field."""
    if error.code != "unique_together":
        return None
    fields = [name for name in (error.params or {}).get("unique_check", ())
              if name != "organization"]
    return fields[-1] if len(fields) == 1 and fields[-1] in form.fields else None


def show_errors(form, error: ValidationError) -> None:
    """A service's ValidationError beside the fields it names, or above the form."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, errors in error.error_dict.items():
        if field == NON_FIELD_ERRORS:
            for item in errors:
                unique = _unique_field(form, item)
                if unique:
                    form.add_error(unique, _("This is already in use; choose another."))
                else:
                    form.add_error(None, item)
        else:
            form.add_error(field if field in form.fields else None, errors)


def back(request, default: str) -> str:
    """Where the person came from (the queue with its filters), if ``next`` stays on this
    site."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default
