"""The staff queue: views with counts, filters and search, bulk actions."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import F
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from portal.tenancy.decorators import org_view

from ...filters import TicketFilter
from ...forms_staff import BulkForm
from ...selectors import ticket_list_for, ticket_queue, ticket_queue_counts
from ...services.bulk import tickets_bulk_assign, tickets_bulk_transition
from ._common import back, url
from .countdown import countdown

PAGE_SIZE = 50
DEFAULT_VIEW = "open"
VIEWS = (
    ("mine", gettext_lazy("My tickets")),
    ("unassigned", gettext_lazy("Unassigned")),
    ("team", gettext_lazy("My team")),
    ("breaching_soon", gettext_lazy("Breaching soon")),
    ("breached", gettext_lazy("Breached")),
    ("open", gettext_lazy("All open")),
    ("all", gettext_lazy("All, finished included")),
)
VIEW_NAMES = {key for key, _label in VIEWS}


def _tickets(access, view: str):
    if view == "all":
        tickets = ticket_list_for(access=access).order_by(
            F("next_due_at").asc(nulls_last=True), "-created_at"
        )
    else:
        tickets = ticket_queue(access=access, view=view)
    return tickets.select_related(
        "property", "unit__building", "category", "assignee", "team", "requester"
    )


def _narrowed(filters: TicketFilter) -> bool:
    """Whether a filter (other than the sort order) leaves out some of the view's tickets."""
    if not filters.is_valid():
        return True
    return any(value not in (None, "") for name, value in filters.form.cleaned_data.items()
               if name != "sort")


@org_view("staff")
def queue(request):
    access = request.access
    view = request.GET.get("view", DEFAULT_VIEW)
    if view not in VIEW_NAMES:
        view = DEFAULT_VIEW
    filters = TicketFilter(request.GET, queryset=_tickets(access, view), access=access)
    counts = ticket_queue_counts(access=access)
    paginator = Paginator(filters.qs, PAGE_SIZE)
    narrowed = _narrowed(filters)
    if view in counts and not narrowed:
        # The tab's count is this list's length: no second count over the open tickets.
        paginator.count = counts[view]
    page = paginator.get_page(request.GET.get("page"))
    now = timezone.now()
    for ticket in page:
        ticket.countdown = countdown(ticket, now)
    tabs = [(key, label, counts.get(key)) for key, label in VIEWS]
    return render(request, "tickets/staff/queue.html", {
        "filters": filters, "page": page, "tabs": tabs, "view": view,
        "filters_in_use": narrowed or bool(request.GET.get("sort")),
        "bulk_form": BulkForm(organization=request.organization),
    })


@org_view("staff")
@require_POST
def queue_bulk(request):
    access = request.access
    form = BulkForm(request.POST, organization=request.organization)
    target = back(request, url(request, "queue"))
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
        return redirect(target)
    data = form.cleaned_data
    # Only tickets the caller may see; numbers beyond their reach are simply not there.
    tickets = list(
        ticket_list_for(access=access).filter(number__in=data["tickets"]).order_by("number")
    )
    if data["action"] == BulkForm.ASSIGN:
        result = tickets_bulk_assign(
            access=access, tickets=tickets, assignee=data["assignee"], team=data["team"]
        )
    else:
        result = tickets_bulk_transition(
            access=access, tickets=tickets, to=data["to"], reason=data["reason"]
        )
    if result.done:
        messages.success(request, ngettext(
            "%(count)d ticket changed.", "%(count)d tickets changed.", len(result.done)
        ) % {"count": len(result.done)})
    for number, reason in result.failed:
        messages.error(request, _("Ticket #%(number)s was not changed: %(reason)s")
                       % {"number": number, "reason": reason})
    missing = len(data["tickets"]) - len(tickets)
    if missing:
        messages.error(request, ngettext(
            "%(count)d ticket was not found.", "%(count)d tickets were not found.", missing
        ) % {"count": missing})
    return redirect(target)
