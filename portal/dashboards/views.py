"""Dashboard pages under /o/<org_slug>/dashboard/: SLA (staff: their own), satisfaction
(staff: their own), engagement, hotspots and the monthly report (managers)."""

import calendar
import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from portal.tenancy.decorators import org_view
from portal.tenancy.models import Asset, Property, Unit
from tickets.models import Category
from tickets.services import ticket_file_preventive

from . import metrics
from .exports import export_response
from .selection import DashboardFilterForm, org_today, selection_for
from .tables import TABLES

PAGES = {
    # name: (metric, template, managers only)
    "sla": (metrics.sla, "dashboards/sla.html", False),
    "satisfaction": (metrics.satisfaction, "dashboards/satisfaction.html", False),
    "engagement": (metrics.engagement, "dashboards/engagement.html", True),
    "hotspots": (metrics.hotspots, "dashboards/hotspots.html", True),
}


# Labels for the figures other apps' metrics return (notices, surveys and events metrics),
# by dotted key; a key without one shows as it is rather than disappearing.
LABELS = {
    "notices": gettext_lazy("Notices published"),
    "recipients": gettext_lazy("Notice recipients"),
    "read": gettext_lazy("Read"),
    "acknowledged": gettext_lazy("Acknowledged"),
    "ack_required": gettext_lazy("Acknowledgements asked for"),
    "surveys": gettext_lazy("Surveys"),
    "invited": gettext_lazy("Owners invited"),
    "responded": gettext_lazy("Responses"),
    "events": gettext_lazy("Events"),
    "registrations.confirmed": gettext_lazy("Registrations"),
    "registrations.people": gettext_lazy("People registered"),
    "attended": gettext_lazy("People who attended"),
    "survey_id": None,  # an id, not a figure
    "title": gettext_lazy("Survey"),
    "closes_at": gettext_lazy("Closes"),
    "responses": gettext_lazy("Responses"),
    "response_rate": gettext_lazy("Response rate"),
    "nps": gettext_lazy("Net promoter score"),
    "dimensions.security": gettext_lazy("Security"),
    "dimensions.cleaning": gettext_lazy("Cleaning"),
    "dimensions.greenery": gettext_lazy("Greenery"),
    "dimensions.repairs": gettext_lazy("Repairs"),
    "dimensions.service": gettext_lazy("Customer service"),
}


def flatten(value, prefix: str = "") -> list[tuple[str, object]]:
    """Another app's metric dict as (label, value) lines for a definition list."""
    if not isinstance(value, dict):
        if not prefix or value is None:
            return []
        label = LABELS.get(prefix, prefix)
        return [] if label is None else [(label, value)]
    lines = []
    for key, item in value.items():
        lines.extend(flatten(item, f"{prefix}.{key}" if prefix else str(key)))
    return lines


def _require(access, page: str):
    if PAGES[page][2] and not access.is_manager:
        raise Http404


def _page(request, page: str):
    access = request.access
    _require(access, page)
    form, selection = selection_for(access, request.GET)
    metric, template, _managers = PAGES[page]
    data = metric(selection)
    tables = TABLES[page](selection, data)
    export = request.GET.get("export")
    if export:
        table = next((t for t in tables if t.name == request.GET.get("table")), None)
        if table is None or export not in ("csv", "xlsx"):
            raise Http404
        return export_response(table, export, f"{page}-{table.name}-{selection.period.start}")
    query = request.GET.copy()
    for key in ("export", "table"):
        query.pop(key, None)
    return render(request, template, {
        "extras": {key: flatten(data.get(key)) for key in ("surveys", "notices", "events")},
        "page": page, "form": form, "selection": selection, "data": data, "tables": tables,
        "query": query.urlencode(), "is_manager": access.is_manager,
    })


@org_view("staff")
def sla(request):
    return _page(request, "sla")


@org_view("staff")
def satisfaction(request):
    return _page(request, "satisfaction")


@org_view("manager")
def engagement(request):
    return _page(request, "engagement")


@org_view("manager")
def hotspots(request):
    return _page(request, "hotspots")


@org_view("staff")
def counters(request):
    """The live counters of the SLA page, re-fetched when a ticket event arrives."""
    _form, selection = selection_for(request.access, request.GET)
    query = request.GET.urlencode()
    return render(request, "dashboards/_counters.html", {
        "data": metrics.sla(selection), "selection": selection, "query": query,
    })


def _month(value: str | None, today: dt.date) -> tuple[dt.date, dt.date]:
    try:
        year, month = (int(part) for part in (value or "").split("-"))
        first = dt.date(year, month, 1)
    except (TypeError, ValueError):
        first = today.replace(day=1)
    last = first.replace(day=calendar.monthrange(first.year, first.month)[1])
    return first, min(last, max(today, first))


@org_view("manager")
def report(request):
    """The monthly report a manager brings to the owners' committee (print CSS)."""
    access = request.access
    first, last = _month(request.GET.get("month"), org_today(access))
    query = request.GET.copy()
    query["start"], query["end"] = first.isoformat(), last.isoformat()
    form, selection = selection_for(access, query)
    sections = []
    for page in ("sla", "satisfaction", "hotspots"):
        data = PAGES[page][0](selection)
        sections.append((page, data, TABLES[page](selection, data)))
    return render(request, "dashboards/report.html", {
        "form": form, "selection": selection, "sections": dict(
            (page, {"data": data, "tables": tables}) for page, data, tables in sections),
        "month": first,
    })


@org_view("manager")
@require_POST
def preventive(request):
    """Open a preventive-maintenance ticket from a hotspot row."""
    access = request.access
    organization = access.organization
    kind = request.POST.get("kind")
    location = {}
    try:
        key = int(request.POST.get("id") or request.POST.get("property") or 0)
    except ValueError:
        raise Http404 from None
    if kind == "asset":
        location["asset"] = get_object_or_404(Asset, organization=organization, pk=key)
        label = location["asset"].name
    elif kind == "unit":
        location["unit"] = get_object_or_404(Unit, organization=organization, pk=key)
        label = str(location["unit"])
    elif kind == "common_area":
        location["property"] = get_object_or_404(Property, organization=organization, pk=key)
        label = location["property"].name
    else:
        raise Http404
    category = Category.objects.filter(
        organization=organization, kind=Category.Kind.REPAIR, is_active=True
    ).order_by("pk").first()
    if category is None:
        messages.error(request, _("There is no active repair category."))
        return redirect("dashboards:hotspots", org_slug=organization.slug)
    try:
        ticket = ticket_file_preventive(
            access=access, category=category,
            title=_("Preventive maintenance: %(location)s") % {"location": label},
            description=_("Opened from the hotspots dashboard after repeated tickets."),
            **location,
        )
    except PermissionDenied:
        raise Http404 from None
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("dashboards:hotspots", org_slug=organization.slug)
    messages.success(request, _("Preventive maintenance ticket #%(number)s opened.")
                     % {"number": ticket.number})
    return redirect(f"/o/{organization.slug}/tickets/{ticket.number}/")


__all__ = ["DashboardFilterForm"]
