"""Managers' and staff pages: the list, drafting and announcing (managers), the live tally,
paper and proxy ballots with their scans, the audit trail and the result certificate."""

from django.contrib import messages
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from portal.tenancy.decorators import org_view
from portal.tenancy.models import Unit

from ..forms import PaperBallotForm, VoteForm
from ..models import Ballot, BallotAudit, EligibleUnit, Vote
from ..selectors import participation_by_vote, tally_view
from ..services import (
    VoteError,
    ballot_enter,
    vote_announce,
    vote_create,
    vote_update,
)
from ..services.rules import get_staff_vote, require_manager, staff_votes
from ._common import show_errors, url

UNIT_SEARCH_LIMIT = 50


@org_view("staff")
@require_GET
def manage_list(request):
    votes = list(staff_votes(request.access).select_related("property").order_by("-opens_at"))
    counts = participation_by_vote(votes)
    rows = [{"vote": v, "ballots": counts[v.pk][0], "eligible": counts[v.pk][1]} for v in votes]
    return render(request, "votes/manage/list.html", {
        "rows": rows, "can_create": request.access.is_manager,
    })


def _form_page(request, form, vote=None):
    return render(request, "votes/manage/form.html", {
        "form": form, "vote": vote,
        "title": _("Edit vote") if vote else _("New owners' vote"),
        "cancel_url": url(request, "manage-detail", vote.pk) if vote else url(request, "manage"),
    })


@org_view("manager")
def vote_new(request):
    access = request.access
    form = VoteForm(request.POST or None, properties=access.properties())
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            vote = vote_create(
                access=access, property=data["property"], title=data["title"],
                description=data["description"], opens_at=data["opens_at"],
                closes_at=data["closes_at"], announce_days=data["announce_days"],
                matters=form.matters(),
            )
        except VoteError as error:
            show_errors(form, error)
        else:
            messages.success(request, _("The vote has been saved as a draft."))
            return redirect(url(request, "manage-detail", vote.pk))
    return _form_page(request, form)


@org_view("manager")
def vote_edit(request, pk: int):
    access = request.access
    vote = get_staff_vote(access, pk)
    require_manager(access, vote.property_id)
    if vote.status != Vote.Status.DRAFT:
        raise Http404
    form = VoteForm(request.POST or None, properties=access.properties(), editing=True,
                    initial=VoteForm.initial_for(vote))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            vote_update(
                access=access, vote=vote, title=data["title"], description=data["description"],
                opens_at=data["opens_at"], closes_at=data["closes_at"],
                announce_days=data["announce_days"], matters=form.matters(),
            )
        except VoteError as error:
            show_errors(form, error)
        else:
            messages.success(request, _("The draft has been saved."))
            return redirect(url(request, "manage-detail", vote.pk))
    return _form_page(request, form, vote)


@org_view("manager")
@require_POST
def vote_announce_view(request, pk: int):
    vote = get_staff_vote(request.access, pk)
    try:
        vote_announce(access=request.access, vote=vote)
    except VoteError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The vote has been announced to the owners as a notice."))
    return redirect(url(request, "manage-detail", vote.pk))


def _tally_context(request, vote):
    matters = list(vote.matters.all())
    return {"vote": vote, "matters": matters, "view": tally_view(vote, matters),
            "is_manager": request.access.is_manager}


@org_view("staff")
@require_GET
def manage_detail(request, pk: int):
    vote = get_staff_vote(request.access, pk)
    return render(request, "votes/manage/detail.html", _tally_context(request, vote))


@org_view("staff")
@require_GET
def tally_fragment(request, pk: int):
    vote = get_staff_vote(request.access, pk)
    return render(request, "votes/manage/_tally.html", _tally_context(request, vote))


def _units_for_entry(vote, query: str, posted: str | None):
    """Units on the register without a ballot; the posted one, or those matching the search."""
    units = Unit.objects.filter(
        pk__in=EligibleUnit.objects.filter(vote=vote).values("unit_id")
    ).exclude(pk__in=Ballot.objects.filter(vote=vote).values("unit_id"))
    if posted:
        units = units.filter(pk=posted if posted.isdigit() else 0)
    elif query:
        words = query.split()
        for word in words[:3]:
            units = units.filter(Q(number__icontains=word) | Q(building__name__icontains=word))
    return list(units.select_related("building__property").order_by(
        "building__name", "number")[:UNIT_SEARCH_LIMIT])


@org_view("staff")
def ballot_entry(request, pk: int):
    access = request.access
    vote = get_staff_vote(access, pk)
    if vote.status != Vote.Status.OPEN:
        raise Http404
    query = request.GET.get("q", "").strip()[:50]
    posted = request.POST.get("unit") if request.method == "POST" else None
    matters = list(vote.matters.all())
    form = PaperBallotForm(
        request.POST or None, request.FILES or None, matters=matters,
        units=_units_for_entry(vote, query, posted),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            ballot_enter(
                access=access, vote=vote, unit_id=data["unit"], choices=form.choices(),
                channel=data["channel"], signed_by=data["signed_by"],
                attachment=data["attachment"],
            )
        except VoteError as error:
            show_errors(form, error)
        else:
            messages.success(request, _("The ballot has been entered and counted."))
            return redirect(url(request, "ballot-entry", vote.pk))
    status = 400 if request.method == "POST" else 200
    return render(request, "votes/manage/ballot_entry.html", {
        "vote": vote, "form": form, "query": query,
    }, status=status)


@org_view("staff")
@require_GET
def audit_list(request, pk: int):
    vote = get_staff_vote(request.access, pk)
    entries = list(
        BallotAudit.objects.filter(vote=vote)
        .select_related("unit__building", "actor", "ballot").order_by("-created_at", "-pk")[:500]
    )
    return render(request, "votes/manage/audit.html", {"vote": vote, "entries": entries})


@org_view("staff")
@require_GET
def certificate(request, pk: int):
    vote = get_staff_vote(request.access, pk)
    if vote.status != Vote.Status.CLOSED:
        raise Http404
    context = _tally_context(request, vote)
    return render(request, "votes/manage/certificate.html", context)


@org_view("staff")
@require_GET
def attachment(request, pk: int, ballot_pk: int):
    vote = get_staff_vote(request.access, pk)
    ballot = Ballot.objects.filter(vote=vote, pk=ballot_pk).exclude(attachment="").first()
    if ballot is None:
        raise Http404
    extension = ballot.attachment.name.rsplit(".", 1)[-1]
    # Scans are at most 10 MB: read whole, served as a download that is never sniffed.
    with ballot.attachment.open("rb") as scan:
        response = HttpResponse(scan.read(), content_type=ballot.attachment_type)
    response["Content-Disposition"] = (
        f'attachment; filename="ballot-{vote.pk}-{ballot.unit_id}.{extension}"'
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
