"""Tell a file's format from its first bytes; the extension only breaks ties."""

from __future__ import annotations

import io
import zipfile
from pathlib import PurePath

_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_7Z = b"7z\xbc\xaf\x27\x1c"
_RAR = b"Rar!\x1a\x07"
# Stream names in an OLE compound file's directory (UTF-16LE): which program wrote it.
_WORD_STREAM = "WordDocument".encode("utf-16-le")
_BOOK_STREAMS = ("Workbook".encode("utf-16-le"), "Book\x00".encode("utf-16-le"))
# Scanned pages: PNG, JPEG, TIFF (both byte orders).
_IMAGE_MAGIC = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"II*\x00", b"MM\x00*")
_HTML_MARKERS = (b"<!doctype html", b"<html", b"<table", b"<body", b"<head", b"<meta")


def sniff(data: bytes, path: str) -> str:
    """One of txt, docx, xlsx, pptx, pdf, html, image, rtf, doc, wps, xls, et, ole, ofd, zip,
    7z, rar, binary. A `.doc` that is HTML, RTF or DOCX inside is that, as published folders
    often hold; an OLE file is told Word from Excel by its streams, WPS from Microsoft by
    the suffix (WPS writes the same binary formats). PNG, JPEG and TIFF are scanned pages."""
    ext = PurePath(path).suffix.lower().lstrip(".")
    head = data[:4096]
    if b"%PDF-" in data[:1024]:
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        return _zip_kind(data)
    if head.startswith(_OLE):
        return _ole_kind(data, ext)
    by_magic = _by_magic(head)
    if by_magic:
        return by_magic
    if _looks_like_html(head, ext):
        return "html"
    return "txt" if _looks_like_text(head) else "binary"


def _by_magic(head: bytes) -> str | None:
    if head.startswith(_IMAGE_MAGIC):
        return "image"
    if head.startswith(_7Z):
        return "7z"
    if head.startswith(_RAR):
        return "rar"
    if head.lstrip(b"\xef\xbb\xbf \t\r\n")[:5] == b"{\\rtf":
        return "rtf"
    return None


def _ole_kind(data: bytes, ext: str) -> str:
    if _WORD_STREAM in data:
        return "wps" if ext == "wps" else "doc"
    if any(name in data for name in _BOOK_STREAMS):
        return "et" if ext == "et" else "xls"
    return ext if ext in {"doc", "wps", "xls", "et"} else "ole"


def _looks_like_html(head: bytes, ext: str) -> bool:
    probe = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if probe.startswith(b"<") and any(m in probe[:1024] for m in _HTML_MARKERS):
        return True
    return ext in {"htm", "html"} and b"<" in head


def _zip_kind(data: bytes) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            names = set(zf.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return "binary"
    if "word/document.xml" in names:
        return "docx"
    if "xl/workbook.xml" in names:
        return "xlsx"
    if any(n.startswith("ppt/") for n in names):
        return "pptx"
    if "OFD.xml" in names or "ofd.xml" in names:
        return "ofd"
    return "zip"


def _looks_like_text(head: bytes) -> bool:
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return True  # UTF-16 with BOM
    if b"\x00" in head:
        return False
    controls = sum(1 for b in head if b < 9 or 13 < b < 32)
    return controls <= max(2, len(head) // 200)
