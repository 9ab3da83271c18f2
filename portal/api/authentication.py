"""``Authorization: Token …``, with the token's person remembered by each web process until
they change (:mod:`portal.tenancy.memory`).

DRF's TokenAuthentication reads the token and its user on every request: with the access
and the list remembered, that query was the staff queue API's last one (issue #9). A token's
owner never changes, so a process keeps which person a token it has seen belongs to, and the
person (with the token) under their generation, which a deleted token, a saved or deleted
user and every access change move (``portal.tenancy.signals``). A revoked token or a
deactivated person is refused on the next request, as before.
"""

from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication

from portal import generations
from portal.tenancy import memory

people = generations.Memory(max_entries=4096, max_age=60.0)
_owners: dict[str, int] = {}  # token key -> user id; a token's owner never changes
MAX_OWNERS = 65536


class RememberedTokenAuthentication(TokenAuthentication):
    def authenticate_credentials(self, key):
        user_id = _owners.get(key)
        if user_id is None:
            user, token = super().authenticate_credentials(key)
            if len(_owners) >= MAX_OWNERS:
                _owners.clear()
            _owners[key] = user.pk
            return user, token
        found = people.get(("token", key), (memory.person(user_id),),
                           lambda: self._read(key, user_id))
        if found is None:  # gone, or given to someone else: read as DRF does
            _owners.pop(key, None)
            return super().authenticate_credentials(key)
        user, token = found
        if not user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        return user, token

    def _read(self, key, user_id):
        token = self.get_model().objects.select_related("user").filter(key=key).first()
        if token is None or token.user_id != user_id:
            return None
        return token.user, token
