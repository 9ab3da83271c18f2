"""Pages of portal/views.py."""

from .matrix import ALL_MEMBERS, HARBOR_ROLES, SUNRISE_ROLES, Row

# Not tenant data: every signed-in person may open it, and sees only their own organisations.
EVERYONE_SIGNED_IN = frozenset(SUNRISE_ROLES + HARBOR_ROLES)

ROWS = [
    Row("home", "GET", "/", allowed=EVERYONE_SIGNED_IN, ok=(200, 302)),
    Row("org-home", "GET", "/o/{org}/", allowed=ALL_MEMBERS),
]
