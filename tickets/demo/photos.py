"""A few photos on sunrise's open tickets, so that the pages show thumbnails and the gallery.

Drawn with Pillow (a coloured panel and a label: no files shipped), small so that the seed stays
quick, and attached by the requester through ``attachments_add`` like an owner's upload. An
organisation that already has any attachment is left alone, so a second run adds nothing.
"""

import io

from django.core.files.base import ContentFile
from PIL import Image, ImageDraw

from portal.demo import DemoContext, OrgSeed
from portal.tenancy.access import compute_access

from ..models import OPEN_STATUSES, Attachment, Ticket, TimelineEntry
from ..services.attachments import attachments_add

TICKETS_WITH_PHOTOS = 10
SIZE = (480, 360)
COLOURS = ["#8fb3d9", "#d9a38f", "#a3c98f", "#d9cf8f", "#b39fd1", "#8fd1c9"]


def _photo(label: str, colour: str) -> ContentFile:
    image = Image.new("RGB", SIZE, "#f2f2f2")
    draw = ImageDraw.Draw(image)
    draw.rectangle((40, 40, SIZE[0] - 40, SIZE[1] - 90), fill=colour, outline="#333333", width=4)
    draw.text((48, SIZE[1] - 70), label, fill="#222222")
    out = io.BytesIO()
    image.save(out, "JPEG", quality=80)
    return ContentFile(out.getvalue(), name="photo.jpg")


def seed_photos(ctx: DemoContext, seed: OrgSeed) -> None:
    org = seed.organization
    if Attachment.objects.filter(organization=org).exists():
        return
    tickets = list(
        Ticket.objects.filter(organization=org, status__in=OPEN_STATUSES, unit__isnull=False)
        .select_related("requester", "organization")
        .order_by("number")[:TICKETS_WITH_PHOTOS]
    )
    created = dict(
        TimelineEntry.objects.filter(
            ticket__in=tickets, kind=TimelineEntry.Kind.CREATED
        ).values_list("ticket_id", "pk")
    )
    added = 0
    for index, ticket in enumerate(tickets):
        count = 1 + index % 2
        uploads = [
            _photo(f"#{ticket.number} photo {n + 1}", COLOURS[(index + n) % len(COLOURS)])
            for n in range(count)
        ]
        added += len(attachments_add(
            access=compute_access(ticket.requester, org), ticket=ticket, uploads=uploads,
            entry=TimelineEntry(pk=created[ticket.pk]) if ticket.pk in created else None,
        ))
    ctx.created[Attachment._meta.label] += added
