"""A manager limited to one property does not reach the votes of another (404)."""

import pytest
from django_scopes import scopes_disabled

from tests import factories as f

from .conftest import open_vote


@pytest.fixture
def far_manager(world):
    w = world.sunrise
    with scopes_disabled():
        return f.manager_of(w.org, [w.other_property], "far@sunrise.test")


def test_manager_of_another_property_gets_404_for_the_vote(sunrise, login, far_manager):
    vote = open_vote(sunrise)
    client = login(far_manager)
    assert vote.title not in client.get("/o/sunrise/votes/manage/").text
    for tail in ("", "tally/", "edit/", "audit/", "certificate/", "ballots/new/"):
        assert client.get(f"/o/sunrise/votes/manage/{vote.pk}/{tail}").status_code == 404
    assert client.get("/api/v1/orgs/sunrise/votes/").json()["results"] == []
    for tail in ("", "ballots/", "tally/"):
        assert client.get(f"/api/v1/orgs/sunrise/votes/{vote.pk}/{tail}").status_code == 404
