"""Photos on tickets: checked by decoding, re-encoded without metadata, served only to those
who may see the ticket."""

import io
import struct
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import ExifTags, Image

from tickets.models import Attachment, Status, Ticket
from tickets.services import TicketError, ticket_comment
from tickets.services.attachments import (
    MAX_BYTES,
    attachment_add,
    attachment_prepare,
    attachments_add,
    ticket_reply_with_photos,
    ticket_submit_with_photos,
)

# --- Test files ----------------------------------------------------------------------------


def jpeg_with_exif(size=(60, 40), orientation=6) -> bytes:
    """A JPEG stored sideways (EXIF orientation 6: rotate 90° to show it), with a camera
    make and a GPS position in Shanghai."""
    image = Image.new("RGB", size, "red")
    image.paste((0, 0, 255), (0, 0, size[0] // 2, size[1]))
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = orientation
    exif[ExifTags.Base.Make] = "Acme Phones"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (31.0, 14.0, 0.0)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (121.0, 28.0, 0.0)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif)
    return buffer.getvalue()


def png_bytes(size=(30, 20), mode="RGBA") -> bytes:
    buffer = io.BytesIO()
    Image.new(mode, size, (0, 128, 0, 128) if mode == "RGBA" else "green").save(buffer, "PNG")
    return buffer.getvalue()


def heic_bytes(size=(48, 32)) -> bytes:
    import pillow_heif

    pillow_heif.register_heif_opener()
    buffer = io.BytesIO()
    Image.new("RGB", size, "orange").save(buffer, format="HEIF")
    return buffer.getvalue()


def png_bomb(width=100_000, height=100_000) -> bytes:
    """A few hundred bytes of PNG that declares ten billion pixels."""
    data = bytearray(png_bytes((1, 1), mode="RGB"))
    # IHDR follows the 8-byte signature: length (4), type (4), width (4), height (4), …
    data[16:24] = struct.pack(">II", width, height)
    crc = zlib.crc32(bytes(data[12:29])) & 0xFFFFFFFF
    data[29:33] = struct.pack(">I", crc)
    return bytes(data)


def upload(name, content, content_type="image/jpeg"):
    return SimpleUploadedFile(name, content, content_type=content_type)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def stored_files(media):
    return sorted(p.name for p in media.rglob("*") if p.is_file())


# --- Checking and re-encoding ----------------------------------------------------------


def test_jpeg_is_rotated_upright_and_loses_gps_and_camera_data():
    prepared = attachment_prepare(upload=upload("kitchen.jpg", jpeg_with_exif()))
    image = Image.open(io.BytesIO(prepared.content))
    assert image.format == "JPEG"
    assert image.size == (40, 60)  # stored 60×40 sideways, shown upright
    assert (prepared.width, prepared.height) == (40, 60)
    exif = image.getexif()
    assert ExifTags.Base.Orientation not in exif
    assert ExifTags.Base.Make not in exif
    assert not exif.get_ifd(ExifTags.IFD.GPSInfo)
    assert b"Acme" not in prepared.content
    assert prepared.content_type == "image/jpeg" and prepared.original_name == "kitchen.jpg"


def test_thumbnails_are_small_jpegs():
    big = io.BytesIO()
    Image.new("RGB", (2000, 1000), "blue").save(big, "JPEG")
    prepared = attachment_prepare(upload=upload("wall.jpg", big.getvalue()))
    thumbnail = Image.open(io.BytesIO(prepared.thumbnail))
    assert thumbnail.format == "JPEG" and thumbnail.size == (320, 160)


def test_png_stays_png_without_metadata():
    prepared = attachment_prepare(upload=upload("screen.png", png_bytes(), "image/png"))
    image = Image.open(io.BytesIO(prepared.content))
    assert image.format == "PNG" and image.size == (30, 20)
    assert prepared.content_type == "image/png" and prepared.extension == ".png"


def test_heic_becomes_jpeg():
    prepared = attachment_prepare(upload=upload("IMG_0001.HEIC", heic_bytes(), "image/heic"))
    image = Image.open(io.BytesIO(prepared.content))
    assert image.format == "JPEG" and image.size == (48, 32)
    assert prepared.original_name == "IMG_0001.jpg"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("notes.jpg", b"This is a text file pretending to be a photo.\n", "not a photo"),
        ("page.png", b"\x89PNG\r\n\x1a\n<html><script>alert(1)</script></html>", "not a photo"),
        ("bomb.png", png_bomb(), "too large an image"),
        ("empty.jpg", b"", "empty"),
        ("drawing.gif", b"GIF89a\x01\x00\x01\x00\x00\x00\x00;", "not a photo"),
    ],
    ids=["text-renamed-jpg", "html-with-png-header", "decompression-bomb", "empty", "gif"],
)
def test_files_that_are_not_acceptable_photos_are_refused(settings, name, content, message):
    settings.LANGUAGE_CODE = "en"
    with pytest.raises(TicketError) as refused:
        attachment_prepare(upload=upload(name, content))
    assert list(refused.value.error_dict) == ["photos"]
    assert message in str(refused.value)


def test_a_bomb_just_over_the_limit_is_refused_too():
    # Between MAX_IMAGE_PIXELS and twice that, Pillow only warns; we refuse.
    with pytest.raises(TicketError):
        attachment_prepare(upload=upload("bomb.png", png_bomb(9000, 9000)))


def test_files_over_ten_megabytes_are_refused():
    with pytest.raises(TicketError) as refused:
        attachment_prepare(upload=upload("huge.jpg", b"\xff\xd8" + b"\0" * MAX_BYTES))
    assert "10 MB" in str(refused.value)


def test_pdf_only_for_staff_uploads():
    pdf = b"%PDF-1.4\n%minimal\n"
    with pytest.raises(TicketError):
        attachment_prepare(upload=upload("invoice.pdf", pdf, "application/pdf"))
    prepared = attachment_prepare(
        upload=upload("invoice.pdf", pdf, "application/pdf"), allow_documents=True
    )
    assert prepared.content_type == "application/pdf" and prepared.thumbnail is None


# --- Storing, all or nothing ---------------------------------------------------------------


def test_submit_with_photos_stores_them_on_the_submitted_entry(desk, media):
    ticket = ticket_submit_with_photos(
        access=desk.access(desk.w.owner), category=desk.repair, title="Cracked tile",
        unit=desk.w.unit,
        photos=[upload("a.jpg", jpeg_with_exif()), upload("b.png", png_bytes(), "image/png")],
    )
    attachments = list(Attachment.objects.filter(ticket=ticket))
    assert len(attachments) == 2
    assert {a.entry.kind for a in attachments} == {"created"}
    assert all(a.is_public and a.uploaded_by == desk.w.owner for a in attachments)
    assert len(stored_files(media)) == 4  # two photos, two thumbnails
    # The stored name is random, never the client's.
    # Stored names are random keys, never the client's file names.
    assert all(not a.file.name.endswith(("/a.jpg", "/b.png")) for a in attachments)


def test_one_bad_photo_saves_nothing(desk, media):
    with pytest.raises(TicketError) as refused:
        ticket_submit_with_photos(
            access=desk.access(desk.w.owner), category=desk.repair, title="Cracked tile",
            unit=desk.w.unit,
            photos=[upload("a.jpg", jpeg_with_exif()), upload("b.jpg", b"not an image")],
        )
    assert "photos" in refused.value.error_dict
    assert not Ticket.objects.exists() and not Attachment.objects.exists()
    assert stored_files(media) == []


def test_a_refused_ticket_leaves_no_photo_behind(desk, media):
    with pytest.raises(TicketError):
        ticket_submit_with_photos(
            access=desk.access(desk.w.owner), category=desk.repair, title="Not mine",
            unit=desk.w.neighbour_unit, photos=[upload("a.jpg", jpeg_with_exif())],
        )
    assert not Ticket.objects.exists() and stored_files(media) == []


def test_an_owners_reply_with_photos_resumes_a_waiting_ticket(desk, media):
    ticket = desk.drive(desk.submit(), Status.WAITING_ON_OWNER)
    entry = ticket_reply_with_photos(
        access=desk.access(desk.w.household), ticket=ticket, body="Here it is",
        photos=[upload("leak.jpg", jpeg_with_exif())],
    )
    assert desk.reload(ticket).status == Status.IN_PROGRESS
    assert [a.entry_id for a in Attachment.objects.filter(ticket=ticket)] == [entry.pk]


def test_ten_photos_are_refused(desk, media):
    ticket = desk.submit()
    with pytest.raises(TicketError):
        attachments_add(
            access=desk.access(desk.w.owner), ticket=ticket,
            uploads=[upload(f"{i}.png", png_bytes(), "image/png") for i in range(10)],
        )
    assert not Attachment.objects.exists()


def test_owners_cannot_add_internal_attachments_nor_to_finished_tickets(desk, media):
    ticket = desk.submit()
    owner = desk.access(desk.w.owner)
    with pytest.raises(TicketError):
        attachment_add(
            access=owner, ticket=ticket, upload=upload("a.png", png_bytes()), is_public=False
        )
    desk.drive(ticket, Status.CANCELLED)
    with pytest.raises(TicketError):
        attachment_add(access=owner, ticket=ticket, upload=upload("a.png", png_bytes()))
    assert not Attachment.objects.exists()


# --- Serving -------------------------------------------------------------------------------


@pytest.fixture
def photos(desk, media):
    """A public photo from the owner and a staff-only PDF on an internal note."""
    ticket = ticket_submit_with_photos(
        access=desk.access(desk.w.owner), category=desk.repair, title="Cracked tile",
        unit=desk.w.unit, photos=[upload("tile.jpg", jpeg_with_exif())],
    )
    staff = desk.access(desk.w.staff)
    note = ticket_comment(access=staff, ticket=ticket, body="Supplier quote", internal=True)
    pdf = attachment_add(
        access=staff, ticket=ticket, entry=note, is_public=False,
        upload=upload("quote.pdf", b"%PDF-1.4\n%quote\n", "application/pdf"),
    )
    return Attachment.objects.get(ticket=ticket, is_public=True), pdf


def _url(name, attachment):
    return reverse(f"tickets:{name}", args=["sunrise", attachment.pk])


def test_images_are_served_inline_with_nosniff_to_the_household(photos, login, desk):
    photo, _pdf = photos
    response = login(desk.w.household).get(_url("attachment", photo))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["Content-Disposition"].startswith("inline")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "default-src 'none'" in response["Content-Security-Policy"]
    assert Image.open(io.BytesIO(response.content)).size == (40, 60)
    thumbnail = login(desk.w.household).get(_url("attachment-thumb", photo))
    assert thumbnail.status_code == 200 and thumbnail["Content-Type"] == "image/jpeg"


def test_documents_download_as_attachments_to_staff_only(photos, login, desk):
    _photo, pdf = photos
    response = login(desk.w.staff).get(_url("attachment", pdf))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert login(desk.w.owner).get(_url("attachment", pdf)).status_code == 404


@pytest.mark.parametrize("who", ["neighbour", "far_owner", "staff_out"])
def test_outsiders_get_404_for_attachments(photos, login, desk, who):
    photo, _pdf = photos
    client = login(getattr(desk.w, who))
    assert client.get(_url("attachment", photo)).status_code == 404
    assert client.get(_url("attachment-thumb", photo)).status_code == 404


def test_another_organisations_staff_get_404(photos, login, world):
    photo, _pdf = photos
    client = login(world.harbor.admin)
    assert client.get(_url("attachment", photo)).status_code == 404
    other_org_url = reverse("tickets:attachment", args=["harbor", photo.pk])
    assert client.get(other_org_url).status_code == 404
