"""Signing in with a phone number (any usual spelling) or an email address (any case)."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import ValidationError
from django.db.models.functions import Lower

from .phones import looks_like_email, normalize_phone


def canonical_identifier(identifier: str) -> str:
    """One spelling of what a person typed: E.164 for a phone number, lower case for email."""
    identifier = (identifier or "").strip()
    if looks_like_email(identifier):
        return identifier.lower()
    try:
        return normalize_phone(identifier)
    except ValidationError:
        return identifier


def find_user(identifier: str):
    """The active-or-not user whose email or phone number is ``identifier``, or None."""
    User = get_user_model()
    identifier = (identifier or "").strip()
    if not identifier:
        return None
    if looks_like_email(identifier):
        # LOWER(email) = …, not iexact (UPPER on PostgreSQL): the unique index is on Lower.
        return (
            User.objects.alias(email_lower=Lower("email"))
            .filter(email_lower=identifier.lower())
            .first()
        )
    try:
        phone = normalize_phone(identifier)
    except ValidationError:
        return None
    return User.objects.filter(phone=phone).first()


def login_key(identifier: str) -> str:
    """The name under which django-axes counts failed sign-ins for ``identifier``.

    It is the account's own login identifier, so every spelling of a phone number, and the
    email of the same person, share one count that a successful sign-in clears; otherwise
    "138-0013-8000" and "13800138000" would each get five guesses.
    """
    user = find_user(identifier)
    return user.login_identifier if user is not None else canonical_identifier(identifier)


class PhoneOrEmailBackend(ModelBackend):
    """Authenticates with ``username`` being a phone number (any usual spelling) or an email."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        username = username or kwargs.get("email") or kwargs.get("phone")
        if username is None or password is None:
            return None
        user = find_user(username)
        if user is None or not user.has_usable_password():
            # Spend the same time as a real check so that timing reveals neither unknown
            # accounts nor invited people who have not chosen a password yet.
            get_user_model()().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
