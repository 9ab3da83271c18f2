import pytest
from django.test import Client
from rest_framework.authtoken.models import Token


@pytest.fixture
def api():
    """``api(user)``: a client that authenticates with the user's API token, not a session."""

    def _client(user, **headers) -> Client:
        token, _created = Token.objects.get_or_create(user=user)
        return Client(headers={"Authorization": f"Token {token.key}", **headers})

    return _client
