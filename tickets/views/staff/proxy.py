"""Filing a request for an owner who phoned or came to the desk (many elderly owners never
use the web): find the owner by name, phone or unit, then the ticket's fields."""

import re

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from portal.tenancy.decorators import org_view
from portal.tenancy.models import Building, Residency

from ...forms_staff import ProxyTicketForm
from ...services import ticket_file_for_owner
from ._common import show_errors, url

MAX_MATCHES = 30


def _residencies(access):
    """Verified, active residencies in the properties the staff member covers."""
    residencies = Residency.objects.filter(
        organization=access.organization, is_active=True, verified_at__isnull=False
    ).select_related("user", "unit__building__property")
    if not access.sees_all_properties:
        residencies = residencies.filter(unit__property_id__in=access.scoped_property_ids)
    return residencies.order_by("unit__building__name", "unit__number", "user__full_name")


def _search(residencies, text: str, building: str):
    if building.isdigit():
        residencies = residencies.filter(unit__building_id=int(building))
    text = text.strip()
    if text:
        matches = Q(user__full_name__icontains=text) | Q(unit__number__iexact=text)
        digits = re.sub(r"\D", "", text)
        if len(digits) >= 4:
            matches |= Q(user__phone__contains=digits)
        if "-" in text:  # "1-101": building 1, unit 101
            name, _sep, number = text.partition("-")
            matches |= Q(unit__building__name__iexact=name.strip(),
                         unit__number__iexact=number.strip())
        residencies = residencies.filter(matches)
    elif not building.isdigit():
        return residencies.none()
    return residencies


@org_view("staff")
def file_for_owner(request):
    access = request.access
    in_scope = _residencies(access)
    text, building = request.GET.get("q", ""), request.GET.get("building", "")
    if request.method == "POST":
        residency_id = request.POST.get("residency", "")
        if residency_id.isdigit() and not in_scope.filter(pk=residency_id).exists():
            raise Http404  # a resident outside the caller's scope answers as if absent
        choices = in_scope
    else:
        choices = _search(in_scope, text, building)[:MAX_MATCHES]
        # A sliced queryset cannot be filtered again by the form's validation.
        choices = in_scope.filter(pk__in=[r.pk for r in choices])
    form = ProxyTicketForm(request.POST or None, access=access, residencies=choices)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        residency = data["residency"]
        location = (
            {"property": residency.unit.property, "asset": data["asset"]}
            if data["common_area"] else {"unit": residency.unit, "asset": data["asset"]}
        )
        try:
            ticket = ticket_file_for_owner(
                access=access, requester=residency.user, channel=data["channel"],
                category=data["category"], title=data["title"],
                description=data["description"], priority=data["priority"],
                preferred_visit_time=data["preferred_visit_time"], **location,
            )
        except ValidationError as error:
            show_errors(form, error)
        else:
            messages.success(request, _("Ticket #%(number)s filed for %(name)s.") % {
                "number": ticket.number, "name": residency.user.full_name or residency.user,
            })
            return redirect(url(request, "ticket-detail", ticket.number))
    buildings = Building.objects.filter(
        organization=access.organization, property__in=access.properties()
    ).select_related("property").order_by("property__name", "name")
    return render(request, "tickets/staff/file_for_owner.html", {
        "form": form, "q": text, "building": building, "buildings": buildings,
        "searched": bool(text.strip() or building.isdigit()),
    })
