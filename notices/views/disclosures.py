"""The disclosure register (公示): owners read it and ask about an item (a ticket); managers
keep the items and publish (or correct) their disclosures."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from portal.tenancy.decorators import org_view
from tickets.models import Category as TicketCategory
from tickets.services import categories_ensure_defaults

from ..forms import DisclosureItemForm, DisclosurePublishForm, InquiryForm
from ..markdown import to_html
from ..models import DisclosureAttachment, DisclosureItem, DisclosurePublication
from ..selectors import disclosure_get_for, disclosure_items_for, disclosure_publications_for
from ..services.disclosures import disclosure_inquire, disclosure_item_save, disclosure_publish
from .common import serve_file, show_errors


@org_view("resident")
def register(request):
    items = list(
        disclosure_items_for(access=request.access).select_related("property").prefetch_related(
            Prefetch("publications", queryset=DisclosurePublication.objects.order_by(
                "-published_at", "-pk"))))
    return render(request, "notices/disclosures/register.html", {"items": items})


@org_view("resident")
def publication(request, pk):
    item = disclosure_get_for(access=request.access, pk=pk)
    return render(request, "notices/disclosures/publication.html", {
        "publication": item, "body_html": to_html(item.body),
        "attachments": list(item.attachments.all()),
        "versions": list(DisclosurePublication.objects.filter(
            item_id=item.item_id, period=item.period).order_by("-version")),
        "form": InquiryForm() if request.access.residencies else None,
    })


@org_view("resident")
def ask(request, pk):
    item = disclosure_get_for(access=request.access, pk=pk)
    if not request.access.residencies:
        raise Http404
    form = InquiryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        categories_ensure_defaults(organization=request.organization)
        category = TicketCategory.objects.filter(
            organization=request.organization, kind=TicketCategory.Kind.INQUIRY,
            is_active=True).first() or TicketCategory.objects.filter(
            organization=request.organization, is_active=True).first()
        try:
            inquiry = disclosure_inquire(
                access=request.access, publication=item, category=category,
                title=form.cleaned_data["title"], description=form.cleaned_data["description"])
        except ValidationError as error:
            show_errors(form, error)
        else:
            messages.success(request, _("Your question was sent as request #%(number)d.")
                             % {"number": inquiry.ticket.number})
            return redirect("tickets:request-detail", request.organization.slug,
                            inquiry.ticket.number)
    return render(request, "notices/disclosures/ask.html", {"publication": item, "form": form})


@org_view("resident")
def ledger(request, file_pk):
    row = DisclosureAttachment.objects.filter(
        pk=file_pk,
        publication__in=disclosure_publications_for(access=request.access).values("pk"),
    ).first()
    if row is None:
        raise Http404
    return serve_file(row, inline_images=False)


@org_view("manager")
def manage(request):
    form = DisclosureItemForm(request.POST or None, organization=request.organization)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            disclosure_item_save(
                access=request.access, kind=data["kind"], title=data["title"],
                description=data["description"], schedule=data["schedule"],
                next_due_on=data["next_due_on"],
                property_id=data["property"].pk if data["property"] else None)
        except ValidationError as error:
            show_errors(form, error)
        else:
            messages.success(request, _("Disclosure item added."))
            return redirect("notices:disclosure-manage", request.organization.slug)
    items = list(DisclosureItem.objects.filter(organization=request.organization)
                 .select_related("property").prefetch_related(
                     Prefetch("publications", queryset=DisclosurePublication.objects.order_by(
                         "-published_at", "-pk"))))
    return render(request, "notices/disclosures/manage.html", {"items": items, "form": form})


@org_view("manager")
def publish(request, pk):
    item = get_object_or_404(DisclosureItem, organization=request.organization, pk=pk)
    corrects = None
    corrects_id = request.POST.get("corrects") or request.GET.get("corrects")
    if corrects_id and str(corrects_id).isdigit():
        corrects = get_object_or_404(DisclosurePublication, organization=request.organization,
                                     item=item, pk=int(corrects_id))
    initial = {"corrects": corrects.pk, "period": corrects.period,
               "body": corrects.body} if corrects else {}
    form = DisclosurePublishForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            publication = disclosure_publish(
                access=request.access, item=item, period=data["period"], body=data["body"],
                uploads=data["attachments"], corrects=corrects,
                change_note=data["change_note"])
        except ValidationError as error:
            show_errors(form, error)
        else:
            messages.success(request, _("Disclosure published."))
            return redirect("notices:disclosure", request.organization.slug, publication.pk)
    return render(request, "notices/disclosures/publish.html", {
        "item": item, "form": form, "corrects": corrects})
