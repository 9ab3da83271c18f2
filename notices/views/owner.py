"""Residents' notice pages (公告): the feed (pinned first, unread marked, by category, search),
a notice with its files and the Acknowledge button. Staff see here the published notices of
the properties they cover."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal.tenancy.decorators import org_view

from ..markdown import to_html
from ..models import NoticeAttachment
from ..models.notice import Category, Status
from ..selectors import notice_get_for_staff, owner_feed, receipt_get_for_owner, staff_notices
from ..services import notice_acknowledge, notice_mark_read
from .common import error_text, serve_file

PAGE_SIZE = 20


@org_view("resident")
def feed(request):
    access = request.access
    category = request.GET.get("category", "")
    if category not in Category.values:
        category = ""
    query = request.GET.get("q", "").strip()[:100]
    if access.residencies:
        page = Paginator(owner_feed(access=access, category=category, query=query),
                         PAGE_SIZE).get_page(request.GET.get("page"))
        items = [(receipt.notice, receipt) for receipt in page]
    else:
        notices = staff_notices(access=access).filter(status=Status.PUBLISHED)
        if category:
            notices = notices.filter(category=category)
        if query:
            notices = notices.filter(title__icontains=query) | notices.filter(
                body__icontains=query)
        page = Paginator(notices.order_by("-pinned", "-published_at", "-pk"),
                         PAGE_SIZE).get_page(request.GET.get("page"))
        items = [(notice, None) for notice in page]
    return render(request, "notices/feed.html", {
        "page": page, "items": items, "categories": Category.choices, "category": category,
        "query": query,
    })


def _notice_for(request, pk):
    access = request.access
    if access.is_staff:
        return notice_get_for_staff(access=access, pk=pk), None
    receipt = receipt_get_for_owner(access=access, pk=pk)
    return receipt.notice, receipt


@org_view("resident")
def detail(request, pk):
    notice, receipt = _notice_for(request, pk)
    first_view = receipt is not None and receipt.read_at is None
    if first_view:
        notice_mark_read(access=request.access, notice=notice)
    versions = list(notice.versions.order_by("-number")) if notice.version > 1 else []
    return render(request, "notices/detail.html", {
        "notice": notice, "receipt": receipt, "body_html": to_html(notice.body),
        "attachments": list(notice.attachments.all()), "versions": versions,
        "updated_since_read": bool(receipt and receipt.read_at and notice.content_updated_at
                                   and receipt.read_at < notice.content_updated_at),
    })


@require_POST
@org_view("resident")
def acknowledge(request, pk):
    access = request.access
    if access.is_staff and not access.residencies:
        raise Http404
    receipt = receipt_get_for_owner(access=access, pk=pk)
    try:
        notice_acknowledge(access=access, notice=receipt.notice)
        messages.success(request, _("Thank you: your acknowledgement is recorded."))
    except ValidationError as error:
        messages.error(request, error_text(error))
    return redirect("notices:detail", request.organization.slug, pk)


@org_view("resident")
def attachment(request, pk, file_pk):
    notice, _receipt = _notice_for(request, pk)
    row = NoticeAttachment.objects.filter(notice=notice, pk=file_pk).first()
    if row is None:
        raise Http404
    return serve_file(row)
