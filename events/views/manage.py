"""Managers' and staff's event pages: the list, the form, one event's registrations and
attendance, check-in at the door, and the CSV export."""

import csv
import io
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_GET, require_POST

from portal.spreadsheet import row as spreadsheet_row

from .. import selectors
from ..forms import CheckInForm, EventForm, FeedbackForm
from ..models import Event, Registration
from ..services import (
    checkin_by_token,
    checkin_registration,
    event_cancel,
    event_create,
    event_publish,
    event_update,
)
from ..services.rules import may_manage
from .common import event_view, message_of, show_errors, url

PAGE_SIZE = 30
SEARCH_LIMIT = 50


def _event(request, pk: int) -> Event:
    return selectors.event_get_for(access=request.access, pk=pk, staff_view=True)


@event_view("staff")
@require_GET
def manage_list(request):
    show = request.GET.get("show", "upcoming")
    events = selectors.with_counts(selectors.events_visible(access=request.access,
                                                            staff_view=True))
    if show == "past":
        events = events.filter(ends_at__lte=timezone.now()).order_by("-starts_at", "-pk")
    else:
        events = events.filter(ends_at__gt=timezone.now()).order_by("starts_at", "pk")
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "events/manage/list.html", {
        "page": page, "show": show, "can_create": request.access.is_manager,
    })


def _form_page(request, form, event=None, status=200):
    return render(request, "events/manage/form.html", {"form": form, "event": event},
                  status=status)


@event_view("manager")
def manage_new(request):
    form = EventForm(request.POST or None, request.FILES or None, access=request.access)
    if request.method == "POST" and form.is_valid():
        try:
            event = event_create(access=request.access, **form.service_arguments())
        except PermissionDenied as error:
            raise Http404 from error
        except ValidationError as error:
            show_errors(form, error)
        else:
            messages.success(request, _("The event is saved as a draft. Publish it when ready."))
            return redirect(url(request, "manage-detail", event.pk))
    return _form_page(request, form, status=400 if request.method == "POST" else 200)


@event_view("manager")
def manage_edit(request, pk: int):
    event = _event(request, pk)
    if not may_manage(request.access, event):
        raise Http404
    form = EventForm(request.POST or None, request.FILES or None, instance=event,
                     access=request.access)
    if request.method == "POST" and form.is_valid():
        try:
            event_update(access=request.access, event=event, **form.service_arguments())
        except ValidationError as error:
            show_errors(form, error)
        else:
            messages.success(request, _("The event is saved."))
            return redirect(url(request, "manage-detail", event.pk))
    return _form_page(request, form, event, status=400 if request.method == "POST" else 200)


def _act(request, pk: int, action, success: str):
    event = _event(request, pk)
    if not may_manage(request.access, event):
        raise Http404
    try:
        action(access=request.access, event=event)
    except ValidationError as error:
        messages.error(request, message_of(error))
    else:
        messages.success(request, success)
    return redirect(url(request, "manage-detail", event.pk))


@event_view("manager")
@require_POST
def manage_publish(request, pk: int):
    return _act(request, pk, event_publish, _("The event is published."))


@event_view("manager")
@require_POST
def manage_cancel(request, pk: int):
    return _act(request, pk, event_cancel,
                _("The event is cancelled; everyone registered has been told."))


@event_view("staff")
@require_GET
def manage_detail(request, pk: int):
    event = _event(request, pk)
    registrations = list(selectors.registrations_of(event))
    confirmed = [r for r in registrations if r.status == Registration.Status.CONFIRMED]
    waitlisted = [r for r in registrations if r.status == Registration.Status.WAITLISTED]
    cancelled = sum(1 for r in registrations if r.status == Registration.Status.CANCELLED)
    checked_in = [r for r in confirmed if r.checked_in_at]
    stats = {
        "registrations": len(confirmed),
        "people": sum(r.party_size for r in confirmed),
        "attended_registrations": len(checked_in),
        "attended_people": sum(r.party_size for r in checked_in),
        "waitlisted": len(waitlisted),
        "waitlisted_people": sum(r.party_size for r in waitlisted),
        "cancelled": cancelled,
    }
    stats["rate"] = (
        round(100 * stats["attended_people"] / stats["people"]) if stats["people"] else None
    )
    can_manage = may_manage(request.access, event)
    feedback = selectors.feedback_for_manager(event)
    feedback_form = None
    if can_manage and feedback is None and not event.is_cancelled:
        feedback_form = FeedbackForm(drafts=selectors.feedback_drafts(request.access))
    return render(request, "events/manage/detail.html", {
        "event": event, "confirmed": confirmed, "waitlisted": waitlisted, "stats": stats,
        "can_manage": can_manage, "is_manager": request.access.is_manager,
        "seats_left": max(event.capacity - stats["people"], 0),
        "feedback": feedback, "feedback_form": feedback_form,
    })


@event_view("staff")
def manage_checkin(request, pk: int):
    event = _event(request, pk)
    form = CheckInForm(request.POST or None)
    result = None
    status = 200
    if request.method == "POST":
        registration_id = request.POST.get("registration")
        try:
            if registration_id:
                try:
                    registration_id = int(registration_id)
                except ValueError as error:
                    raise Http404 from error
                result = checkin_registration(access=request.access, event=event,
                                              registration_id=registration_id)
            elif form.is_valid():
                result = checkin_by_token(access=request.access, event=event,
                                          token=form.cleaned_data["token"])
            else:
                status = 400
        except ValidationError as error:
            show_errors(form, error)
            status = 400
        if result is not None:
            form = CheckInForm()
    query = request.GET.get("q", "")
    found = list(selectors.search_registrations(event, query)[:SEARCH_LIMIT])
    event = _event(request, pk)  # counts after the check-in
    return render(request, "events/manage/checkin.html", {
        "event": event, "form": form, "result": result, "query": query, "found": found,
    }, status=status)


@event_view("staff")
@require_GET
def manage_export(request, pk: int):
    event = _event(request, pk)
    zone = ZoneInfo(request.organization.time_zone)
    buffer = io.StringIO()
    buffer.write("\ufeff")  # Excel reads UTF-8 (Chinese names) only with a byte-order mark
    writer = csv.writer(buffer)
    writer.writerow([pgettext("person", "Name"), _("Building"), _("Unit"), _("Party size"),
                     _("Status"), _("Registered at"), _("Checked in at")])

    def local(moment):
        return timezone.localtime(moment, zone).strftime("%Y-%m-%d %H:%M") if moment else ""

    for r in selectors.registrations_of(event):
        writer.writerow(spreadsheet_row([
            r.user.full_name, r.unit.building.name if r.unit else "",
            r.unit.number if r.unit else "", r.party_size, r.get_status_display(),
            local(r.created_at), local(r.checked_in_at),
        ]))
    response = HttpResponse(buffer.getvalue().encode("utf-8"),
                            content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(
        True, f"event-{event.pk}-registrations.csv"
    )
    return response
