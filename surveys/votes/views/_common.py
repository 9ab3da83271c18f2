from django.core.exceptions import ValidationError
from django.urls import reverse


def url(request, name: str, *args) -> str:
    return reverse(f"votes:{name}", args=[request.organization.slug, *args])


def show_errors(form, error: ValidationError) -> None:
    """A service's error beside the field it names, or above the form."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)
