"""Photos and documents of tickets, served only to people who may see the ticket.

Uploads never sit under a public URL (DESIGN §10): this view checks the ticket first, answers
404 to everyone else, and serves with ``nosniff`` and a content security policy that forbids
everything, so even a file that slipped past the checks cannot run as a page. Re-encoded
images show inline; anything else downloads.
"""

from django.http import Http404, HttpResponse
from django.utils.http import content_disposition_header

from portal.tenancy.decorators import org_view

from ..models import Attachment, Ticket, TimelineEntry
from ..selectors import timeline_for
from ..services.rules import STAFF, is_handler, roles


def visible_attachments(*, access, ticket: Ticket):
    """The ticket's attachments the caller may see: owners the public ones, staff all."""
    attachments = Attachment.objects.filter(
        organization_id=ticket.organization_id, ticket=ticket
    ).order_by("created_at", "pk")
    if not is_handler(access, ticket):
        attachments = attachments.filter(is_public=True)
    return attachments


def timeline_with_attachments(*, access, ticket: Ticket) -> tuple[list[TimelineEntry], list]:
    """The timeline the caller may see, each entry with ``shown_attachments``, and the
    attachments that belong to no entry: two queries, however long the timeline."""
    entries = list(timeline_for(access=access, ticket=ticket))
    by_entry: dict[int | None, list] = {}
    for attachment in visible_attachments(access=access, ticket=ticket):
        by_entry.setdefault(attachment.entry_id, []).append(attachment)
    for entry in entries:
        entry.shown_attachments = by_entry.get(entry.pk, [])
    # A photo on an entry the caller cannot see (an internal note) stays hidden with it.
    loose = by_entry.get(None, [])
    return entries, loose


def _attachment_for(request, pk: int) -> Attachment:
    attachment = (
        Attachment.objects.filter(organization=request.organization, pk=pk)
        .select_related("ticket")
        .first()
    )
    if attachment is None:
        raise Http404
    who = roles(request.access, attachment.ticket)
    if not who or (not attachment.is_public and STAFF not in who):
        raise Http404
    return attachment


def _serve(field, *, content_type: str, inline: bool, filename: str) -> HttpResponse:
    if not field:
        raise Http404
    try:
        with field.open("rb") as handle:
            # Whole, not streamed: files are at most 10 MB (re-encoded photos far less), and a
            # plain response passes through every middleware and test client unchanged.
            content = handle.read()
    except FileNotFoundError as error:
        raise Http404 from error
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(not inline, filename)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, max-age=3600"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    return response


@org_view("resident")
def attachment_download(request, pk: int):
    attachment = _attachment_for(request, pk)
    return _serve(
        attachment.file, content_type=attachment.content_type, inline=attachment.is_image,
        filename=attachment.original_name,
    )


@org_view("resident")
def attachment_thumbnail(request, pk: int):
    attachment = _attachment_for(request, pk)
    stem = attachment.original_name.rsplit(".", 1)[0]
    return _serve(
        attachment.thumbnail, content_type="image/jpeg", inline=True,
        filename=f"{stem}-thumbnail.jpg",
    )
