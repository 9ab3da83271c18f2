from django.core.exceptions import ValidationError


class NoticeError(ValidationError):
    """A rule of notices or disclosures refused the input: messages by field where there is
    one, translated, safe to show."""
