"""Owners' pages: the votes of my properties, one vote with a ballot form per unit I own, and
my ballots once cast. Household members and renters read along but cannot vote."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from portal.tenancy.decorators import org_view

from ..forms import BallotForm
from ..models import Vote
from ..selectors import eligible_unit_ids, my_ballots, tally_view
from ..services import VoteError, ballot_cast
from ..services.rules import get_resident_vote, owned_unit_ids, resident_votes
from ._common import show_errors, url


@org_view("resident")
@require_GET
def vote_list(request):
    access = request.access
    if not access.residencies:
        raise Http404
    votes = list(resident_votes(access).select_related("property").order_by("-opens_at"))
    return render(request, "votes/owner/list.html", {"votes": votes})


def _unit_forms(request, vote, matters, posted_unit=None, posted_form=None):
    access = request.access
    units = {r.unit_id: r.unit for r in access.residencies}
    owned = owned_unit_ids(access, vote.property_id)
    ballots = my_ballots(vote, owned)
    on_register = eligible_unit_ids(vote, owned) if vote.status != Vote.Status.ANNOUNCED else set()
    rows = []
    for unit_id in owned:
        form = None
        if vote.status == Vote.Status.OPEN and unit_id not in ballots and unit_id in on_register:
            form = posted_form if unit_id == posted_unit else BallotForm(
                matters=matters, prefix=f"u{unit_id}"
            )
        rows.append({"unit": units[unit_id], "ballot": ballots.get(unit_id), "form": form,
                     "on_register": unit_id in on_register})
    return rows


def _page(request, vote, posted_unit=None, posted_form=None, status=200):
    matters = list(vote.matters.all())
    context = {
        "vote": vote, "matters": matters,
        "units": _unit_forms(request, vote, matters, posted_unit, posted_form),
        "result": tally_view(vote, matters) if vote.status == Vote.Status.CLOSED else None,
    }
    return render(request, "votes/owner/detail.html", context, status=status)


@org_view("resident")
@require_GET
def vote_detail(request, pk: int):
    return _page(request, get_resident_vote(request.access, pk))


@org_view("resident")
@require_POST
def ballot_submit(request, pk: int, unit_id: int):
    vote = get_resident_vote(request.access, pk)
    form = BallotForm(request.POST, matters=vote.matters.all(), prefix=f"u{unit_id}")
    if form.is_valid():
        try:
            ballot_cast(access=request.access, vote=vote, unit_id=unit_id,
                        choices=form.choices())
        except VoteError as error:
            show_errors(form, error)
            for message in form.non_field_errors() or error.messages[:1]:
                messages.error(request, message)
        else:
            messages.success(request, _("Thank you. Your ballot has been counted."))
            return redirect(url(request, "detail", vote.pk) + f"#unit-{unit_id}")
    return _page(request, vote, unit_id, form, status=400)
