"""Writes of the API itself: issuing and revoking a person's API token."""

from axes.helpers import get_cool_off
from django.contrib.auth import authenticate, user_logged_in
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from rest_framework.authtoken.models import Token

from portal.accounts.backends import login_key
from portal.accounts.services import login_failures_clear


class TokenRefused(Exception):
    """Raised with a translated message when no token can be issued."""


class InvalidCredentials(TokenRefused):
    pass


class LockedOut(TokenRefused):
    def __init__(self, message: str, retry_after_seconds: int | None):
        super().__init__(message)
        self.retry_after_seconds = retry_after_seconds


def _locked_out(request) -> LockedOut:
    # The same words as the sign-in page's lockout (accounts/locked_out.html): one translation.
    cool_off = get_cool_off(request)
    if not cool_off:
        return LockedOut(
            _(
                "For your safety, signing in with this account from here is blocked. "
                "Reset your password or ask your property manager for help."
            ),
            retry_after_seconds=None,
        )
    seconds = int(cool_off.total_seconds())
    minutes = round(seconds / 60)
    message = ngettext(
        "For your safety, signing in with this account from here is blocked for %(minutes)s "
        "minute. Try again later or reset your password.",
        "For your safety, signing in with this account from here is blocked for %(minutes)s "
        "minutes. Try again later or reset your password.",
        minutes,
    ) % {"minutes": minutes}
    return LockedOut(message, retry_after_seconds=seconds)


def token_obtain(*, request, username: str, password: str) -> Token:
    """The token of the person signing in with ``username`` (phone or email) and ``password``.

    Goes through ``authenticate(request=…)`` so that django-axes counts the failure and refuses
    a locked-out caller exactly as on the sign-in page. ``request`` is the DRF request: axes
    marks it, not the Django request, so AxesMiddleware does not swap our JSON answer for its
    HTML lockout page. One token per person (DRF authtoken): every device shares it until it is
    revoked.
    """
    # One failure count per account, whatever spelling of the phone number or case of the
    # email the caller typed (as on the sign-in page).
    key = login_key(username)
    user = authenticate(request=request, username=key, password=password)
    if user is None:
        if getattr(request, "axes_locked_out", False):
            raise _locked_out(request)
        raise InvalidCredentials(
            _(
                "The phone number or email and password do not match. "
                "Note that the password is case-sensitive."
            )
        )
    with transaction.atomic():
        token, _created = Token.objects.get_or_create(user=user)
    # What login() would send: updates last_login and records the sign-in in axes' log.
    user_logged_in.send(sender=type(user), request=request, user=user)
    login_failures_clear(username=key, ip_address=getattr(request, "axes_ip_address", None))
    return token


def token_revoke(*, user) -> bool:
    """Sign every device of ``user`` out of the API. True when there was a token."""
    deleted, _counts = Token.objects.filter(user=user).delete()
    return deleted > 0
