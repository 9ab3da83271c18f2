"""The votes API: owners cast through it (201, 400 with the field, 409 for a second ballot),
staff read ballots and the tally; the schema documents every operation."""

import pytest
from rest_framework.test import APIClient

from surveys.votes.models import Ballot

from .conftest import draft, open_vote


@pytest.fixture
def api():
    def client_for(user):
        client = APIClient()
        client.force_authenticate(user)
        return client

    return client_for


def base(w):
    return f"/api/v1/orgs/{w.org.slug}/votes/"


def test_owner_lists_votes_and_casts_through_the_api(sunrise, api):
    vote = open_vote(sunrise)
    draft(sunrise)  # drafts stay hidden from owners
    owner = api(sunrise.owner)
    listed = owner.get(base(sunrise)).json()
    assert [v["id"] for v in listed["results"]] == [vote.pk]
    assert [m["matter_class"] for m in listed["results"][0]["matters"]] == ["major", "ordinary"]
    choices = {str(m.pk): "for" for m in vote.matters.all()}
    body = {"unit": sunrise.unit.pk, "choices": choices}
    created = owner.post(f"{base(sunrise)}{vote.pk}/ballots/", body, format="json")
    assert created.status_code == 201, created.content
    again = owner.post(f"{base(sunrise)}{vote.pk}/ballots/", body, format="json")
    assert again.status_code == 409 and again.json()["code"] == "duplicate"
    assert Ballot.objects.count() == 1


def test_refusals_come_back_by_field(sunrise, api):
    vote = open_vote(sunrise)
    url = f"{base(sunrise)}{vote.pk}/ballots/"
    household = api(sunrise.household).post(
        url, {"unit": sunrise.unit.pk, "choices": {str(m.pk): "for" for m in vote.matters.all()}},
        format="json")
    assert household.status_code == 400 and "unit" in household.json()
    other_unit = api(sunrise.owner).post(
        url, {"unit": sunrise.neighbour_unit.pk, "choices": {}}, format="json")
    assert other_unit.status_code == 400 and "unit" in other_unit.json()
    wrong = api(sunrise.owner).post(url, {"unit": sunrise.unit.pk, "choices": {"1": "maybe"}},
                                    format="json")
    assert wrong.status_code == 400 and "choices" in wrong.json()
    assert not Ballot.objects.exists()


def test_staff_read_ballots_and_the_tally(sunrise, api):
    vote = open_vote(sunrise)
    api(sunrise.owner).post(
        f"{base(sunrise)}{vote.pk}/ballots/",
        {"unit": sunrise.unit.pk, "choices": {str(m.pk): "for" for m in vote.matters.all()}},
        format="json")
    staff = api(sunrise.staff)
    ballots = staff.get(f"{base(sunrise)}{vote.pk}/ballots/").json()["results"]
    assert [b["unit"] for b in ballots] == [sunrise.unit.pk]
    result = staff.get(f"{base(sunrise)}{vote.pk}/tally/").json()
    assert result["final"] is False
    assert result["result"]["participating_heads"] == 1
    assert result["result"]["total_heads"] == 2
    assert [bar["reached"] for bar in result["participation"]] == [False, False]
    assert api(sunrise.owner).get(f"{base(sunrise)}{vote.pk}/ballots/").status_code == 404
