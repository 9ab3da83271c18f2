"""One ticket for staff: timeline, lifecycle buttons, assignment, priority and category,
replies and internal notes with canned responses, merge, attachments, the owner's phone."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from portal.tenancy.decorators import org_view

from ...forms_staff import (
    AssignForm,
    CategoryForm,
    CommentForm,
    MergeForm,
    PriorityForm,
    TransitionForm,
)
from ...models import CannedResponse, Status, Ticket
from ...selectors import ticket_get_for, ticket_list_for
from ...services import (
    TicketConflict,
    ticket_accept,
    ticket_assign,
    ticket_change_category,
    ticket_change_priority,
    ticket_comment,
    ticket_transition,
)
from ...services.canned import canned_fill, canned_values
from ...services.merge import ticket_merge
from ...services.reveal import owner_phone_reveal, phone_masked
from ...services.rules import STAFF, TRANSITIONS, is_handler
from ..attachments import timeline_with_attachments, visible_attachments
from ._common import show_errors, url
from .countdown import countdown

# Words on the lifecycle buttons, by target status.
ACTION_LABELS = {
    Status.IN_PROGRESS: gettext_lazy("Start work"),
    Status.WAITING_ON_OWNER: gettext_lazy("Wait for the owner"),
    Status.RESOLVED: gettext_lazy("Mark resolved"),
    Status.CLOSED: gettext_lazy("Close"),
}


def _ticket(request, number: int) -> Ticket:
    """The ticket if the caller handles it (staff covering its property); 404 otherwise."""
    ticket = ticket_get_for(access=request.access, number=number)
    if not is_handler(request.access, ticket):
        raise Http404
    return ticket


def _transitions(ticket: Ticket) -> list[tuple[str, str]]:
    """The lifecycle moves staff may make now (accepting has its own button)."""
    moves = []
    for (before, to), who in TRANSITIONS.items():
        if before == ticket.status and STAFF in who and to != Status.ACCEPTED:
            label = ACTION_LABELS.get(to, Status(to).label)
            if (before, to) == (Status.RESOLVED, Status.IN_PROGRESS):
                label = _("Reopen")
            elif (before, to) == (Status.WAITING_ON_OWNER, Status.IN_PROGRESS):
                label = _("Resume work")
            moves.append((to, str(label)))
    return moves


def _canned(ticket: Ticket, staff) -> list[tuple[CannedResponse, str]]:
    responses = CannedResponse.objects.filter(
        Q(category__isnull=True) | Q(category_id=ticket.category_id),
        organization_id=ticket.organization_id, is_active=True,
    ).order_by("title")
    values = canned_values(ticket=ticket, staff=staff)
    return [(canned, canned_fill(body=canned.body, values=values)) for canned in responses]


def _render(request, ticket: Ticket, status: int = 200, **forms):
    access = request.access
    canned = _canned(ticket, request.user)
    comment_initial = {}
    chosen = request.GET.get("canned", "")
    for response, filled in canned:
        if chosen == str(response.pk):
            comment_initial["body"] = filled
    entries, _loose = timeline_with_attachments(access=access, ticket=ticket)
    context = {
        "ticket": ticket,
        "entries": entries,
        "attachments": visible_attachments(access=access, ticket=ticket),
        "transitions": _transitions(ticket),
        "can_accept": ticket.status == Status.NEW,
        "countdown": countdown(ticket, timezone.now()),
        "phone_masked": phone_masked(ticket.requester.phone),
        "canned": canned,
        "canned_bodies": {str(response.pk): filled for response, filled in canned},
        "merged": ticket_list_for(access=access).filter(merged_into=ticket).order_by("number"),
        "assign_form": AssignForm(ticket=ticket),
        "priority_form": PriorityForm(initial={"priority": ticket.priority}),
        "category_form": CategoryForm(
            organization=request.organization, initial={"category": ticket.category_id}
        ),
        "comment_form": CommentForm(initial=comment_initial),
        "transition_form": TransitionForm(),
        "merge_form": MergeForm(),
        "revealed_phone": None,
    }
    context.update(forms)
    return render(request, "tickets/staff/detail.html", context, status=status)


def _done(request, ticket: Ticket, message: str):
    messages.success(request, message)
    return redirect(url(request, "ticket-detail", ticket.number))


@org_view("staff")
def ticket_detail(request, number):
    return _render(request, _ticket(request, number))


@org_view("staff")
@require_POST
def ticket_accept_view(request, number):
    ticket = _ticket(request, number)
    try:
        ticket_accept(access=request.access, ticket=ticket)
    except TicketConflict as conflict:
        # The loser of a race: say who won, and show the ticket as it now is.
        messages.error(request, " ".join(conflict.messages))
        return redirect(url(request, "ticket-detail", number))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(url(request, "ticket-detail", number))
    return _done(request, ticket, _("You accepted ticket #%(number)s.") % {"number": number})


@org_view("staff")
@require_POST
def ticket_transition_view(request, number):
    ticket = _ticket(request, number)
    form = TransitionForm(request.POST)
    if form.is_valid():
        try:
            ticket = ticket_transition(
                access=request.access, ticket=ticket, to=form.cleaned_data["to"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            show_errors(form, error)
        else:
            return _done(request, ticket, _("The ticket is now “%(status)s”.")
                         % {"status": ticket.get_status_display()})
    return _render(request, ticket, 400, transition_form=form)


@org_view("staff")
@require_POST
def ticket_assign_view(request, number):
    ticket = _ticket(request, number)
    form = AssignForm(request.POST, ticket=ticket)
    if form.is_valid():
        try:
            ticket_assign(
                access=request.access, ticket=ticket, assignee=form.cleaned_data["assignee"],
                team=form.cleaned_data["team"],
            )
        except ValidationError as error:
            show_errors(form, error)
        else:
            return _done(request, ticket, _("The assignment has been saved."))
    return _render(request, ticket, 400, assign_form=form)


@org_view("staff")
@require_POST
def ticket_priority_view(request, number):
    ticket = _ticket(request, number)
    form = PriorityForm(request.POST)
    if form.is_valid():
        try:
            ticket_change_priority(
                access=request.access, ticket=ticket, priority=form.cleaned_data["priority"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            show_errors(form, error)
        else:
            return _done(request, ticket, _("Priority changed; the due times were recomputed."))
    return _render(request, ticket, 400, priority_form=form)


@org_view("staff")
@require_POST
def ticket_category_view(request, number):
    ticket = _ticket(request, number)
    form = CategoryForm(request.POST, organization=request.organization)
    if form.is_valid():
        try:
            ticket_change_category(
                access=request.access, ticket=ticket, category=form.cleaned_data["category"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            show_errors(form, error)
        else:
            return _done(request, ticket, _("Category changed; the due times were recomputed."))
    return _render(request, ticket, 400, category_form=form)


@org_view("staff")
@require_POST
def ticket_comment_view(request, number):
    ticket = _ticket(request, number)
    form = CommentForm(request.POST)
    if form.is_valid():
        internal = form.cleaned_data["internal"]
        try:
            ticket_comment(
                access=request.access, ticket=ticket, body=form.cleaned_data["body"],
                internal=internal,
            )
        except ValidationError as error:
            show_errors(form, error)
        else:
            return _done(request, ticket, _("Internal note added.") if internal
                         else _("Reply sent to the owner."))
    return _render(request, ticket, 400, comment_form=form)


@org_view("staff")
@require_POST
def ticket_merge_view(request, number):
    ticket = _ticket(request, number)
    form = MergeForm(request.POST)
    if form.is_valid():
        into = ticket_list_for(access=request.access).filter(
            number=form.cleaned_data["into"]
        ).first()
        if into is None:
            form.add_error("into", _("No ticket with this number in your properties."))
        else:
            try:
                ticket_merge(access=request.access, ticket=ticket, into=into)
            except ValidationError as error:
                show_errors(form, error)
            else:
                return _done(request, ticket, _("Merged into ticket #%(number)s.")
                             % {"number": into.number})
    return _render(request, ticket, 400, merge_form=form)


@org_view("staff")
@require_POST
def ticket_reveal_phone_view(request, number):
    """Shows the owner's number once, in this response only; it is never put in the session."""
    ticket = _ticket(request, number)
    try:
        phone = owner_phone_reveal(access=request.access, ticket=ticket)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(url(request, "ticket-detail", number))
    if request.htmx:
        return render(request, "tickets/staff/_phone.html",
                      {"ticket": ticket, "revealed_phone": phone})
    return _render(request, ticket, revealed_phone=phone)
