from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import ValidationError

from .phones import looks_like_email, normalize_phone


def find_user(identifier: str):
    """The active-or-not user whose email or phone number is ``identifier``, or None."""
    User = get_user_model()
    identifier = (identifier or "").strip()
    if not identifier:
        return None
    if looks_like_email(identifier):
        return User.objects.filter(email__iexact=identifier).first()
    try:
        phone = normalize_phone(identifier)
    except ValidationError:
        return None
    return User.objects.filter(phone=phone).first()


class PhoneOrEmailBackend(ModelBackend):
    """Authenticates with ``username`` being a phone number (any usual spelling) or an email."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        username = username or kwargs.get("email") or kwargs.get("phone")
        if username is None or password is None:
            return None
        user = find_user(username)
        if user is None:
            # Spend the same time as a real check so that timing does not reveal accounts.
            get_user_model()().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
