"""Owners' request pages (业主报修): my requests, a new request with photos and FAQ help, and
one request's page with its timeline and the owner's actions.

An owner sees the tickets of their units (household members included) and the ones they filed
themselves; any other ticket is a 404, as is a staff member's ticket: staff work on their own
ticket pages.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from portal.tenancy.decorators import org_view

from ..faq import faq_match
from ..forms_owner import (
    CancelForm,
    ConfirmForm,
    RateForm,
    ReopenForm,
    ReplyForm,
    RequestForm,
)
from ..models import Category, Status, Ticket
from ..selectors import ticket_get_for
from ..services import categories_ensure_defaults, ticket_rate, ticket_transition
from ..services.attachments import ticket_reply_with_photos, ticket_submit_with_photos
from ..services.rules import OWNER, TRANSITIONS, actor_id, reopen_window, roles
from .attachments import timeline_with_attachments

PAGE_SIZE = 20
FAQ_QUERY_LIMIT = 1000


def _url(request, name: str, *args) -> str:
    return reverse(f"tickets:{name}", args=[request.organization.slug, *args])


def _show_errors(form, error: ValidationError) -> None:
    """A service's error beside the field it names, or above the form."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _my_requests(access):
    """The requests of my units and the ones I filed, newest first, ready for the list."""
    mine = Q(requester_id=actor_id(access))
    if access.unit_ids:
        mine |= Q(unit_id__in=access.unit_ids)
    return (
        Ticket.objects.filter(organization=access.organization)
        .filter(mine)
        .select_related("category", "property", "unit__building", "asset", "assignee", "team")
        .order_by("-created_at", "-pk")
    )


def _own_ticket(request, number: int) -> Ticket:
    ticket = ticket_get_for(access=request.access, number=number)
    if OWNER not in roles(request.access, ticket):
        raise Http404
    return ticket


def _categories(organization):
    categories = Category.objects.filter(organization=organization, is_active=True)
    if not categories.exists():
        categories_ensure_defaults(organization=organization)
    return categories.all()


@org_view("resident")
@require_GET
def request_list(request):
    page = Paginator(_my_requests(request.access), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "tickets/owner/request_list.html", {
        "page": page, "can_submit": bool(request.access.residencies),
    })


@org_view("resident")
def request_new(request):
    access = request.access
    if not access.residencies:
        raise Http404
    form = RequestForm(
        request.POST or None, request.FILES or None, access=access,
        categories=_categories(request.organization), faq_url=_url(request, "faq-suggest"),
    )
    if request.method == "POST" and form.is_valid():
        try:
            ticket = ticket_submit_with_photos(access=access, **form.submit_arguments())
        except ValidationError as error:
            _show_errors(form, error)
        else:
            messages.success(
                request,
                _("Thank you. Your request #%(number)s has been received.")
                % {"number": ticket.number},
            )
            return redirect(_url(request, "request-detail", ticket.number))
    return render(request, "tickets/owner/request_new.html", {"form": form})


@org_view("resident")
@require_GET
def faq_suggest(request):
    text = " ".join(request.GET.get(name, "") for name in ("title", "description"))
    entries = faq_match(organization=request.organization, text=text[:FAQ_QUERY_LIMIT])
    return render(request, "tickets/owner/_faq_suggestions.html", {"entries": entries})


def _offered(ticket: Ticket, who: frozenset[str]) -> dict[str, bool]:
    """The owner's actions that the rules allow now; the services check again on POST."""
    def owner_may(to):
        return OWNER in who and OWNER in TRANSITIONS.get((ticket.status, to), frozenset())

    reopenable = owner_may(Status.IN_PROGRESS) and (
        ticket.resolved_at is None or timezone.now() <= ticket.resolved_at + reopen_window()
    )
    return {
        "reply": ticket.is_open or ticket.status == Status.RESOLVED,
        "cancel": owner_may(Status.CANCELLED),
        "close": owner_may(Status.CLOSED),
        "reopen": reopenable,
        "rate": ticket.status in (Status.RESOLVED, Status.CLOSED) and ticket.rated_at is None,
    }


def _detail(request, ticket: Ticket, *, status: int = 200, posted=None, **forms):
    access = request.access
    entries, loose_attachments = timeline_with_attachments(access=access, ticket=ticket)
    pause_reason = ""
    if ticket.status == Status.WAITING_ON_OWNER:
        pause_reason = next(
            (e.body for e in reversed(entries) if e.to_status == Status.WAITING_ON_OWNER), ""
        )
    forms = {
        "reply_form": ReplyForm(prefix="reply"),
        "cancel_form": CancelForm(prefix="cancel"),
        "close_form": ConfirmForm(prefix="close"),
        "reopen_form": ReopenForm(prefix="reopen"),
        "rate_form": RateForm(prefix="rate"),
        **forms,
    }
    return render(request, "tickets/owner/request_detail.html", {
        "ticket": ticket, "entries": entries, "loose_attachments": loose_attachments,
        "pause_reason": pause_reason, "offered": _offered(ticket, roles(access, ticket)),
        "reopen_days": reopen_window().days, "posted_form": posted, **forms,
    }, status=status)


@org_view("resident")
@require_GET
def request_detail(request, number: int):
    return _detail(request, _own_ticket(request, number))


def _act(request, number: int, form_class, prefix: str, action, success: str):
    """Run ``action(ticket, cleaned_data)`` for a valid form; errors go back on the page."""
    ticket = _own_ticket(request, number)
    form = form_class(request.POST, request.FILES or None, prefix=prefix)
    if form.is_valid():
        try:
            action(ticket, form.cleaned_data)
        except ValidationError as error:
            _show_errors(form, error)
        else:
            messages.success(request, success)
            return redirect(_url(request, "request-detail", ticket.number))
    return _detail(request, ticket, status=400, posted=form, **{f"{prefix}_form": form})


@org_view("resident")
@require_POST
def request_reply(request, number: int):
    def reply(ticket, data):
        ticket_reply_with_photos(
            access=request.access, ticket=ticket, body=data["body"], photos=data["photos"]
        )

    return _act(request, number, ReplyForm, "reply", reply, _("Your message has been sent."))


@org_view("resident")
@require_POST
def request_cancel(request, number: int):
    def cancel(ticket, data):
        ticket_transition(
            access=request.access, ticket=ticket, to=Status.CANCELLED, reason=data["reason"]
        )

    return _act(request, number, CancelForm, "cancel", cancel, _("Your request is cancelled."))


@org_view("resident")
@require_POST
def request_close(request, number: int):
    def close(ticket, data):
        ticket_transition(access=request.access, ticket=ticket, to=Status.CLOSED)

    return _act(
        request, number, ConfirmForm, "close", close,
        _("Thank you for confirming. The request is closed."),
    )


@org_view("resident")
@require_POST
def request_reopen(request, number: int):
    def reopen(ticket, data):
        ticket_transition(
            access=request.access, ticket=ticket, to=Status.IN_PROGRESS, reason=data["reason"]
        )

    return _act(
        request, number, ReopenForm, "reopen", reopen,
        _("Your request is open again; we will get back to you."),
    )


@org_view("resident")
@require_POST
def request_rate(request, number: int):
    def rate(ticket, data):
        ticket_rate(
            access=request.access, ticket=ticket, rating=data["rating"], comment=data["comment"]
        )

    return _act(request, number, RateForm, "rate", rate, _("Thank you for your rating."))
