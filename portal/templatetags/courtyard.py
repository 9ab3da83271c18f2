import phonenumbers
from django import template

register = template.Library()


@register.filter
def phone(value: str | None) -> str:
    """+8613800138000 → +86 138 0013 8000: easier to read aloud on the phone."""
    if not value:
        return ""
    try:
        parsed = phonenumbers.parse(value, None)
    except phonenumbers.NumberParseException:
        return value
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
