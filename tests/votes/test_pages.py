"""The vote pages as owners and staff use them: forms, errors, the tally with a constant
number of queries, the certificate and the scans."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from portal.tenancy.access import compute_access
from surveys.votes import tally
from surveys.votes.models import Ballot, Vote
from surveys.votes.services import ballot_cast, ballot_enter
from tests import factories as f

from .conftest import draft, open_vote


def url(w, name, *args):
    return reverse(f"votes:{name}", args=[w.org.slug, *args])


def fields(vote, choice="for", prefix=""):
    return {f"{prefix}matter_{m.pk}": choice for m in vote.matters.all()}


def test_owner_sees_a_ballot_form_per_owned_unit_and_casts(sunrise, login):
    f.ResidencyFactory(unit=sunrise.neighbour_unit, user=sunrise.owner)
    vote = open_vote(sunrise)
    client = login(sunrise.owner)
    page = client.get(url(sunrise, "detail", vote.pk)).content.decode()
    assert page.count("Cast the ballot for this unit") == 2
    response = client.post(url(sunrise, "cast", vote.pk, sunrise.unit.pk),
                           fields(vote, prefix=f"u{sunrise.unit.pk}-"))
    assert response.status_code == 302
    page = client.get(url(sunrise, "detail", vote.pk)).content.decode()
    assert page.count("Cast the ballot for this unit") == 1
    assert "Ballot cast" in page
    assert Ballot.objects.get(vote=vote).unit_id == sunrise.unit.pk


def test_household_member_reads_the_vote_but_has_no_ballot_and_is_refused(sunrise, login):
    vote = open_vote(sunrise)
    client = login(sunrise.household)
    page = client.get(url(sunrise, "detail", vote.pk)).content.decode()
    assert "Cast the ballot" not in page
    response = client.post(url(sunrise, "cast", vote.pk, sunrise.unit.pk),
                           fields(vote, prefix=f"u{sunrise.unit.pk}-"), follow=True)
    assert "Only a verified owner of the unit can vote for it." in response.content.decode()
    assert not Ballot.objects.exists()


def test_owner_of_another_property_does_not_see_the_vote(sunrise, login):
    vote = open_vote(sunrise)
    assert login(sunrise.far_owner).get(url(sunrise, "detail", vote.pk)).status_code == 404


def test_drafts_are_hidden_from_owners(sunrise, login):
    vote = draft(sunrise)
    client = login(sunrise.owner)
    assert client.get(url(sunrise, "detail", vote.pk)).status_code == 404
    assert vote.title not in client.get(url(sunrise, "list")).content.decode()


def test_manager_creates_a_draft_from_the_form(sunrise, login):
    client = login(sunrise.manager)
    opens = timezone.localtime() + dt.timedelta(days=20)
    response = client.post(url(sunrise, "new"), {
        "property": sunrise.property.pk, "title": "Lift renewal", "description": "",
        "announce_days": 15, "opens_at": opens.strftime("%Y-%m-%dT%H:%M"),
        "closes_at": (opens + dt.timedelta(days=7)).strftime("%Y-%m-%dT%H:%M"),
        "matter_1": "Replace both lifts of building 1", "class_1": "major",
        "matter_2": "", "class_2": "ordinary",
        **{f"class_{i}": "ordinary" for i in range(3, 7)},
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    vote = Vote.objects.get(title="Lift renewal")
    assert list(vote.matters.values_list("matter_class", flat=True)) == ["major"]


def test_announce_refused_too_early_shows_the_reason(sunrise, login):
    vote = draft(sunrise, opens_in=dt.timedelta(days=3))
    response = login(sunrise.manager).post(url(sunrise, "announce", vote.pk), follow=True)
    assert "must be announced 15 days before voting opens" in response.content.decode()
    vote.refresh_from_db()
    assert vote.status == Vote.Status.DRAFT


def _ballots(w, vote, n, start=0):
    """n more units with owners who vote for everything."""
    choices = {m.pk: tally.FOR for m in vote.matters.all()}
    for i in range(start, start + n):
        unit = f.UnitFactory(building=w.building, number=f"9{i:02d}")
        owner = f.ResidencyFactory(unit=unit).user
        from surveys.votes.models import EligibleUnit

        EligibleUnit.objects.create(organization=w.org, vote=vote, unit=unit, area="90.00",
                                    owner_key=f"u{owner.pk}")
        ballot_cast(access=compute_access(owner, w.org), vote=vote, unit_id=unit.pk,
                    choices=choices)


def test_tally_page_makes_the_same_queries_for_3_or_30_ballots(sunrise, login,
                                                                django_assert_max_num_queries):
    vote = open_vote(sunrise)
    client = login(sunrise.manager)
    _ballots(sunrise, vote, 3)
    client.get(url(sunrise, "manage-detail", vote.pk))  # warm the session and caches
    # The whole page: session, user, access, the navbar and bell, the vote, its matters and
    # the count (snapshot, ballots, matters) — none of them per ballot.
    with django_assert_max_num_queries(20):
        page = client.get(url(sunrise, "manage-detail", vote.pk))
    assert "Area taking part" in page.content.decode()
    with django_assert_max_num_queries(12) as small:
        client.get(url(sunrise, "tally", vote.pk))
    _ballots(sunrise, vote, 27, start=3)
    with django_assert_max_num_queries(len(small.captured_queries)):
        page = client.get(url(sunrise, "tally", vote.pk))
    assert "30 ballots returned" in page.content.decode()
    assert 'data-live-refresh="vote."' in page.content.decode()


def test_staff_enter_a_paper_ballot_through_the_form(sunrise, login):
    vote = open_vote(sunrise)
    client = login(sunrise.staff)
    search = client.get(url(sunrise, "ballot-entry", vote.pk), {"q": "102"}).content.decode()
    assert f'value="{sunrise.neighbour_unit.pk}"' in search
    assert f'value="{sunrise.unit.pk}"' not in search
    data = {"unit": sunrise.unit.pk, "channel": "paper", "signed_by": "Owner",
            **fields(vote, "against")}
    missing = client.post(url(sunrise, "ballot-entry", vote.pk), data)
    assert missing.status_code == 400 and not Ballot.objects.exists()
    scan = SimpleUploadedFile("scan.pdf", b"%PDF-1.4 test", "application/pdf")
    response = client.post(url(sunrise, "ballot-entry", vote.pk), {**data, "attachment": scan})
    assert response.status_code == 302
    ballot = Ballot.objects.get()
    assert ballot.channel == "paper" and ballot.entered_by_id == sunrise.staff.pk
    audit = client.get(url(sunrise, "audit", vote.pk)).content.decode()
    assert "Paper ballot entered" in audit
    download = client.get(url(sunrise, "attachment", vote.pk, ballot.pk))
    assert download["Content-Type"] == "application/pdf"
    assert download["X-Content-Type-Options"] == "nosniff"
    assert download.content == b"%PDF-1.4 test"
    assert download["Content-Disposition"].startswith("attachment;")


def test_certificate_shows_the_whole_computation(sunrise, login):
    from surveys.votes.services.lifecycle import count_vote

    vote = open_vote(sunrise)
    choices = {m.pk: tally.FOR for m in vote.matters.all()}
    ballot_cast(access=compute_access(sunrise.owner, sunrise.org), vote=vote,
                unit_id=sunrise.unit.pk, choices=choices)
    ballot_enter(access=compute_access(sunrise.staff, sunrise.org), vote=vote,
                 unit_id=sunrise.neighbour_unit.pk, choices=choices, channel="proxy",
                 signed_by="Neighbour", attachment=SimpleUploadedFile("p.pdf", b"%PDF-1"))
    Vote.objects.filter(pk=vote.pk).update(
        status=Vote.Status.CLOSED, result=tally.as_json(count_vote(vote)),
        closed_at=timezone.now())
    page = login(sunrise.staff).get(url(sunrise, "certificate", vote.pk)).content.decode()
    for text in ("Total exclusive area", "179.00", "Owners taking part", "2 / 2 = 100.00%",
                 "needs at least 75.00%", "needs more than 50.00%", "passed", "Print"):
        assert text in page, text
    owner_page = login(sunrise.owner).get(url(sunrise, "detail", vote.pk)).content.decode()
    assert "The vote is valid." in owner_page


@pytest.mark.parametrize("who", ["owner", "manager"])
def test_home_sections_show_running_votes(sunrise, login, who, django_assert_max_num_queries):
    vote = open_vote(sunrise)
    page = login(getattr(sunrise, who)).get(reverse("org-home", args=[sunrise.org.slug]))
    assert vote.title in page.content.decode()
    if who == "owner":
        ballot_cast(access=compute_access(sunrise.owner, sunrise.org), vote=vote,
                    unit_id=sunrise.unit.pk,
                    choices={m.pk: tally.FOR for m in vote.matters.all()})
        page = login(sunrise.owner).get(reverse("org-home", args=[sunrise.org.slug]))
        assert vote.title not in page.content.decode()


def test_home_sections_read_a_constant_number_of_queries(sunrise, rf,
                                                         django_assert_max_num_queries):
    from django.template.loader import render_to_string

    f.ResidencyFactory(unit=sunrise.neighbour_unit, user=sunrise.owner)
    votes = [open_vote(sunrise) for _ in range(3)]
    owner, manager = (compute_access(u, sunrise.org) for u in (sunrise.owner, sunrise.manager))
    context = {"current_org": sunrise.org}
    # Owner: open votes, then the ballots of my units in them.
    with django_assert_max_num_queries(2):
        page = render_to_string("includes/home/owner_votes.html", {**context, "access": owner})
    assert page.count("Vote now") == 3
    # Staff: the open votes with their property, ballots and register counts.
    with django_assert_max_num_queries(4):
        page = render_to_string("includes/home/staff_votes.html",
                                {**context, "access": manager})
    assert page.count("0 of 2 units have voted") == 3
    assert votes[0].title in page
