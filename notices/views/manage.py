"""Managers' notice pages: list, create and edit, publish or schedule, archive, receipts with
rates per building, reminders, CSV proof of delivery; and for staff in scope the printable
list for door-to-door delivery and the outage's linked tickets."""

import csv

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal.spreadsheet import row as spreadsheet_row
from portal.tenancy.decorators import org_view

from ..forms import AnswerForm, LinkTicketsForm, NoticeForm, ScheduleForm
from ..models import NoticeAudience, NoticeReceipt, OutageTicketLink
from ..models.notice import Status
from ..selectors import notice_get_for_staff, receipt_rates, receipts_for_list, staff_notices
from ..services import (
    notice_archive,
    notice_create,
    notice_publish,
    notice_record_paper,
    notice_remind,
    notice_update,
)
from ..services.outages import outage_answer_all, outage_link_tickets
from .common import error_text, org_zone, show_errors


def _count(field: str):
    counts = (NoticeReceipt.objects.filter(notice=OuterRef("pk"))
              .exclude(**{f"{field}__isnull": True}) if field else
              NoticeReceipt.objects.filter(notice=OuterRef("pk")))
    counts = counts.order_by().values("notice").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counts, output_field=IntegerField()), 0)


@org_view("manager")
def notice_list(request):
    status = request.GET.get("status", "")
    notices = staff_notices(access=request.access).annotate(
        recipients=_count(""), read=_count("read_at"), acknowledged=_count("acknowledged_at"))
    if status in Status.values:
        notices = notices.filter(status=status)
    notices = notices.order_by("-updated_at", "-pk")[:200]
    return render(request, "notices/manage/list.html", {
        "notices": notices, "statuses": Status.choices, "status": status})


def _initial(notice) -> dict:
    audience = list(NoticeAudience.objects.filter(notice=notice))
    return {
        "title": notice.title, "body": notice.body, "category": notice.category,
        "whole_organization": notice.whole_organization, "pinned": notice.pinned,
        "ack_required": notice.ack_required, "ack_deadline": notice.ack_deadline,
        "expires_at": notice.expires_at,
        "properties": [a.property_id for a in audience if not a.building_id and not a.unit_id],
        "buildings": [a.building_id for a in audience if a.building_id and not a.unit_id],
        "units": [a.unit_id for a in audience if a.unit_id],
    }


def _publish_after_save(request, notice, form):
    action = request.POST.get("action", "save")
    if action not in ("publish", "schedule"):
        return
    schedule = ScheduleForm(request.POST)
    schedule.is_valid()
    publish_at = schedule.cleaned_data.get("publish_at") if action == "schedule" else None
    if action == "schedule" and publish_at is None:
        raise ValidationError({"publish_at": _("Choose when to publish it.")})
    notice_publish(access=request.access, notice=notice, publish_at=publish_at)


@org_view("manager")
def notice_new(request):
    organization = request.organization
    with org_zone(request):
        form = NoticeForm(request.POST or None, request.FILES or None,
                          organization=organization)
        schedule = ScheduleForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                notice = notice_create(access=request.access, **form.service_fields())
            except ValidationError as error:
                show_errors(form, error)
            else:
                try:
                    _publish_after_save(request, notice, form)
                except ValidationError as error:
                    messages.error(request, _("The notice was saved as a draft but not "
                                              "published: %(reason)s")
                                   % {"reason": error_text(error)})
                else:
                    messages.success(request, _("Notice saved."))
                return redirect("notices:edit", organization.slug, notice.pk)
        return render(request, "notices/manage/form.html", {
            "form": form, "schedule": schedule, "notice": None})


@org_view("manager")
def notice_edit(request, pk):
    notice = notice_get_for_staff(access=request.access, pk=pk)
    organization = request.organization
    with org_zone(request):
        form = NoticeForm(request.POST or None, request.FILES or None,
                          organization=organization, initial=_initial(notice))
        schedule = ScheduleForm(request.POST or None,
                                initial={"publish_at": notice.publish_at})
        if request.method == "POST" and form.is_valid():
            try:
                notice = notice_update(access=request.access, notice=notice,
                                       change_note=form.cleaned_data["change_note"],
                                       **form.service_fields())
                _publish_after_save(request, notice, form)
            except ValidationError as error:
                show_errors(form, error)
            else:
                messages.success(request, _("Notice saved."))
                return redirect("notices:edit", organization.slug, notice.pk)
        return render(request, "notices/manage/form.html", {
            "form": form, "schedule": schedule, "notice": notice,
            "attachments": list(notice.attachments.all()),
            "versions": list(notice.versions.order_by("-number")),
        })


@require_POST
@org_view("manager")
def notice_publish_view(request, pk):
    notice = notice_get_for_staff(access=request.access, pk=pk)
    with org_zone(request):
        schedule = ScheduleForm(request.POST)
        schedule.is_valid()
        publish_at = schedule.cleaned_data.get("publish_at")
    try:
        notice_publish(access=request.access, notice=notice, publish_at=publish_at)
        messages.success(request, _("Notice scheduled.") if publish_at else
                         _("Notice published."))
    except ValidationError as error:
        messages.error(request, error_text(error))
    return redirect("notices:edit", request.organization.slug, pk)


@require_POST
@org_view("manager")
def notice_archive_view(request, pk):
    notice = notice_get_for_staff(access=request.access, pk=pk)
    notice_archive(access=request.access, notice=notice)
    messages.success(request, _("Notice archived."))
    return redirect("notices:manage", request.organization.slug)


@org_view("manager")
def receipts(request, pk):
    notice = notice_get_for_staff(access=request.access, pk=pk)
    rows = receipt_rates(notice=notice, access=request.access)
    totals = {key: sum(r[key] for r in rows)
              for key in ("total", "read", "acknowledged", "paper")}
    base = totals["total"] or 1
    totals["read_rate"] = round(100 * totals["read"] / base)
    totals["ack_rate"] = round(100 * totals["acknowledged"] / base)
    return render(request, "notices/manage/receipts.html", {
        "notice": notice, "rows": rows, "totals": totals})


@require_POST
@org_view("manager")
def remind(request, pk):
    notice = notice_get_for_staff(access=request.access, pk=pk)
    try:
        count = notice_remind(access=request.access, notice=notice)
        messages.success(request, _("Reminder sent to %(count)d people.") % {"count": count})
    except ValidationError as error:
        messages.error(request, error_text(error))
    return redirect("notices:receipts", request.organization.slug, pk)


def _local(moment, zone):
    return timezone.localtime(moment, zone).strftime("%Y-%m-%d %H:%M") if moment else ""


@org_view("manager")
def receipts_csv(request, pk):
    """Proof of delivery: UTF-8 with a byte-order mark so that Excel shows Chinese."""
    from zoneinfo import ZoneInfo

    notice = notice_get_for_staff(access=request.access, pk=pk)
    zone = ZoneInfo(request.organization.time_zone)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="notice-{notice.pk}-receipts.csv"'
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow([_("Property"), _("Building"), _("Unit"), _("Name"), _("Delivered at"),
                     _("Channels"), _("Read at"), _("Acknowledged at"),
                     _("Paper delivered at"), _("Paper delivered by")])
    for receipt in receipts_for_list(notice=notice, access=request.access).iterator(
            chunk_size=2000):
        unit = receipt.unit
        writer.writerow(spreadsheet_row([
            unit.building.property.name if unit else "", unit.building.name if unit else "",
            unit.number if unit else "", receipt.user.full_name,
            _local(receipt.delivered_at, zone), receipt.channel,
            _local(receipt.read_at, zone), _local(receipt.acknowledged_at, zone),
            _local(receipt.paper_delivered_at, zone),
            receipt.paper_delivered_by.full_name if receipt.paper_delivered_by else "",
        ]))
    return response


@org_view("staff")
def printable(request, pk):
    """Everyone to deliver to by hand, by building and unit; by default those who have not
    read it online."""
    notice = notice_get_for_staff(access=request.access, pk=pk)
    everyone = request.GET.get("all") == "1"
    rows = receipts_for_list(notice=notice, access=request.access)
    if not everyone:
        rows = rows.filter(read_at__isnull=True)
    return render(request, "notices/manage/print.html", {
        "notice": notice, "receipts": list(rows[:5000]), "everyone": everyone})


@require_POST
@org_view("staff")
def paper(request, pk):
    notice = notice_get_for_staff(access=request.access, pk=pk)
    ids = [int(v) for v in request.POST.getlist("receipt") if v.isdigit()]
    count = notice_record_paper(access=request.access, notice=notice, receipt_ids=ids,
                                undo=request.POST.get("undo") == "1")
    messages.success(request, _("Paper delivery recorded for %(count)d people.")
                     % {"count": count})
    return redirect("notices:print", request.organization.slug, pk)


@org_view("staff")
def outage_tickets(request, pk):
    notice = notice_get_for_staff(access=request.access, pk=pk)
    form = LinkTicketsForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            count = outage_link_tickets(access=request.access, notice=notice,
                                        numbers=form.cleaned_data["numbers"])
            messages.success(request, _("%(count)d tickets linked.") % {"count": count})
            return redirect("notices:outage-tickets", request.organization.slug, pk)
        except ValidationError as error:
            show_errors(form, error)
    links = list(OutageTicketLink.objects.filter(notice=notice).select_related(
        "ticket__category", "ticket__unit__building").order_by("ticket__number"))
    return render(request, "notices/manage/tickets.html", {
        "notice": notice, "form": form, "answer": AnswerForm(), "links": links})


@require_POST
@org_view("staff")
def outage_answer(request, pk):
    notice = notice_get_for_staff(access=request.access, pk=pk)
    form = AnswerForm(request.POST)
    if form.is_valid():
        try:
            count = outage_answer_all(access=request.access, notice=notice,
                                      body=form.cleaned_data["body"])
            messages.success(request, _("Answer posted on %(count)d tickets.")
                             % {"count": count})
        except ValidationError as error:
            messages.error(request, error_text(error))
    else:
        messages.error(request, _("Write the answer."))
    return redirect("notices:outage-tickets", request.organization.slug, pk)
