"""A corpus of hostile files (DESIGN §10, issue #10): each is refused with a message at the
field, or stored only after decoding and re-encoding, so that nothing but pixels survives.
PDFs (staff only) are kept as sent and only ever served as downloads with ``nosniff``."""

import io
import struct
import zipfile
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from tickets.services import TicketError
from tickets.services.attachments import MAX_BYTES, attachment_prepare

SCRIPT = b"<script>alert(document.cookie)</script>"


def _png(size=(8, 8), mode="RGB", **info) -> bytes:
    buffer = io.BytesIO()
    image = Image.new(mode, size, "green")
    if info:
        from PIL.PngImagePlugin import PngInfo

        meta = PngInfo()
        for key, value in info.items():
            meta.add_text(key, value)
        image.save(buffer, "PNG", pnginfo=meta)
    else:
        image.save(buffer, "PNG")
    return buffer.getvalue()


def _jpeg(size=(8, 8), **options) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, "blue").save(buffer, "JPEG", **options)
    return buffer.getvalue()


def _other(fmt: str, size=(8, 8)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, "red").save(buffer, fmt)
    return buffer.getvalue()


def _png_declaring(width: int, height: int) -> bytes:
    """A tiny PNG whose header declares ``width`` × ``height`` pixels (a decompression bomb)."""
    data = bytearray(_png((1, 1)))
    data[16:24] = struct.pack(">II", width, height)
    data[29:33] = struct.pack(">I", zlib.crc32(bytes(data[12:29])) & 0xFFFFFFFF)
    return bytes(data)


def _zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("index.html", SCRIPT)
    return buffer.getvalue()


SVG = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)">'
    + SCRIPT + b"</svg>"
)

# (name, content): every one must be refused.
REFUSED = {
    "svg-with-script": ("drawing.svg", SVG),
    "svg-renamed-png": ("drawing.png", SVG),
    "svg-renamed-jpg-leading-space": ("drawing.jpeg", b"   \n" + SVG),
    "html-with-png-signature": ("page.png", b"\x89PNG\r\n\x1a\n<html>" + SCRIPT),
    "html-with-jpeg-soi": ("page.jpg", b"\xff\xd8\xff\xe0<html>" + SCRIPT),
    "html-renamed-jpg": ("page.jpg", b"<!doctype html><html>" + SCRIPT),
    "utf7-html": ("page.jpg", b"+ADw-script+AD4-alert(1)+ADw-/script+AD4-"),
    "gif-js-polyglot": ("x.gif", b"GIF89a/*\x01\x00\x01\x00\x00\x00\x00*/=alert(1);//;"),
    "real-gif": ("anim.gif", _other("GIF")),
    "real-bmp": ("scan.bmp", _other("BMP")),
    "real-tiff": ("scan.tif", _other("TIFF")),
    "real-webp": ("pic.webp", _other("WEBP")),
    "real-ico": ("favicon.ico", _other("ICO")),
    "zip-renamed-jpg": ("photo.jpg", _zip()),
    "windows-exe": ("photo.jpg", b"MZ\x90\x00\x03" + b"\0" * 64 + b"This program cannot be run"),
    "elf-binary": ("photo.png", b"\x7fELF\x02\x01\x01" + b"\0" * 64),
    "php-script": ("shell.php.jpg", b"<?php system($_GET['c']); ?>"),
    "xml-xxe": ("a.jpg", b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>'),
    "pdf-from-owner": ("invoice.pdf", b"%PDF-1.4\n1 0 obj<</JS(app.alert(1))>>endobj\n"),
    "png-signature-only": ("x.png", b"\x89PNG\r\n\x1a\n"),
    "jpeg-soi-only": ("x.jpg", b"\xff\xd8"),
    "truncated-jpeg": ("x.jpg", _jpeg((64, 64))[:200]),
    "truncated-png": ("x.png", _png((64, 64))[:60]),
    "bomb-ten-billion-pixels": ("bomb.png", _png_declaring(100_000, 100_000)),
    "bomb-just-over-the-limit": ("bomb.png", _png_declaring(9_000, 9_000)),
    "bomb-one-row-very-wide": ("wide.png", _png_declaring(2_000_000_000, 1)),
    "empty": ("empty.jpg", b""),
    "oversized": ("huge.jpg", b"\xff\xd8\xff" + b"\0" * MAX_BYTES),
    "null-bytes": ("x.jpg", b"\0" * 4096),
}

# Stored, but only as freshly encoded pixels: whatever rode along is gone.
REENCODED = {
    "jpeg-with-html-trailer": ("photo.jpg", _jpeg() + b"<html>" + SCRIPT),
    "jpeg-with-zip-appended": ("photo.jpg", _jpeg() + _zip()),
    "jpeg-with-script-comment": ("photo.jpg", _jpeg(comment=SCRIPT)),
    "png-with-script-text-chunk": ("photo.png", _png(Comment=SCRIPT.decode())),
    "png-with-html-trailer": ("photo.png", _png() + b"<html>" + SCRIPT),
    "path-traversal-name": ("../../../etc/cron.d/photo.jpg", _jpeg()),
    "windows-path-name": ("C:\\Windows\\System32\\photo.jpg", _jpeg()),
    "double-extension-html": ("photo.jpg.html", _jpeg()),
    "very-long-name": ("a" * 5000 + ".jpg", _jpeg()),
}


def _upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="image/jpeg")


def test_the_corpus_is_large_enough():
    assert len(REFUSED) + len(REENCODED) >= 30


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_hostile_files_are_refused_at_the_field(case):
    name, content = REFUSED[case]
    with pytest.raises(TicketError) as refused:
        attachment_prepare(upload=_upload(name, content))
    assert list(refused.value.error_dict) == ["photos"]
    assert str(refused.value.error_dict["photos"][0].message).strip()


@pytest.mark.parametrize("case", sorted(REENCODED))
def test_riders_do_not_survive_reencoding(case):
    name, content = REENCODED[case]
    prepared = attachment_prepare(upload=_upload(name, content))
    assert prepared.content_type in {"image/jpeg", "image/png"}
    for rider in (b"<script", b"<html", b"PK\x03\x04", b"alert("):
        assert rider not in prepared.content
        assert rider not in (prepared.thumbnail or b"")
    assert "/" not in prepared.original_name and "\\" not in prepared.original_name
    assert len(prepared.original_name) <= 160
    assert prepared.original_name.endswith(prepared.extension)
    Image.open(io.BytesIO(prepared.content)).verify()


def test_a_staff_pdf_is_kept_but_only_as_a_pdf():
    pdf = b"%PDF-1.4\n1 0 obj<</JS(app.alert(1))>>endobj\n%%EOF"
    prepared = attachment_prepare(upload=_upload("quote.html", pdf), allow_documents=True)
    # Stored as sent (it is the staff member's document) but typed and named as a PDF, and
    # served as a download with nosniff (tests/tickets/test_attachments.py).
    assert prepared.content_type == "application/pdf"
    assert prepared.original_name == "quote.pdf"
