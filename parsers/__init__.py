"""File bytes -> `schemas.Document`. One module per format; no fiscal knowledge here.

`parse(path)` sniffs the format from the bytes (not the file name, which lies as often as
not in published folders) and hands them to that format's reader.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

from parsers import archive as _archive
from parsers import limits as _limits
from parsers import sniff as _sniff
from parsers.limits import DEFAULT as DEFAULT_LIMITS
from parsers.limits import Limits
from schemas import Document, ParseError, UnsupportedFormatError, ids

Reader = Callable[[bytes, str, str], Document]

# Format -> the module that reads it (`read(data, path, doc_id)`, `VERSION`). Imported on
# first use: pdfplumber, openpyxl and lxml cost ~50 MB that a folder of text never needs.
READER_MODULES: dict[str, str] = {
    "txt": "parsers.txt",
    "docx": "parsers.docx",
    "html": "parsers.html",
    "xlsx": "parsers.xlsx",
    "pdf": "parsers.pdf.reader",
    "ofd": "parsers.ofd",
    "xls": "parsers.xls",
    "et": "parsers.xls",
    "doc": "parsers.word97",
    "wps": "parsers.word97",
    "rtf": "parsers.word97",
    "image": "parsers.image",
}
# Readers that can OCR a page (`ocr=` auto|off|force, Limits.ocr): scans, as PDF or images.
OCR_READERS = {"pdf", "image"}


def _reader(fmt: str) -> ModuleType | None:
    name = READER_MODULES.get(fmt)
    return importlib.import_module(name) if name else None


# Formats we recognise but cannot read, with what the user can do about it.
NOT_SUPPORTED: dict[str, str] = {
    "pptx": "PowerPoint files hold no self-evaluation tables ziping can read",
    "ole": "legacy Office (OLE) file is not supported; convert it with LibreOffice",
    "zip": "an archive: `ziping ingest` unpacks it and reads each member as a document",
    "7z": "an archive: `ziping ingest` unpacks it and reads each member as a document",
    "rar": "an archive: `ziping ingest` unpacks it and reads each member as a document",
    "binary": "binary data that is not a known document format",
}


def supported_formats() -> list[str]:
    return sorted(READER_MODULES)


def parse_bytes(data: bytes, path: str, limits: Limits = DEFAULT_LIMITS) -> Document:
    """Parse `data` (the bytes of `path`). Raises ParseError or UnsupportedFormatError.

    `limits` are checked on the bytes before any reader opens them (parsers/limits.py).
    """
    if not data:
        raise ParseError(f"{path}: empty file (0 bytes)")
    fmt = _sniff.sniff(data, path)
    _limits.check(data, fmt, path, limits)
    if fmt in _archive.FORMATS:  # the batch reads its members (parsers/archive.py)
        for _ in _archive.members(data, path, limits):
            pass  # raises when the archive itself is broken or over a limit
    reader = _reader(fmt)
    if reader is None:
        hint = NOT_SUPPORTED.get(fmt, f"{fmt} files are not supported yet")
        raise UnsupportedFormatError(
            f"{path}: {hint} (readable formats: {', '.join(supported_formats())})"
        )
    if fmt in OCR_READERS:
        document: Document = reader.read(data, path, ids.doc_id(data), ocr=limits.ocr)
        return document
    read: Reader = reader.read
    with _limits.reading(path, limits):  # grid limits checked inside the readers
        return read(data, path, ids.doc_id(data))


def reader_version(data: bytes, path: str, ocr: str = "auto") -> str | None:
    """The version of the reader `data` would go to (None when no reader takes it): with the
    bytes and the profile, what decides whether a document must be read again. A reader that
    OCRs says under which `ocr` mode it read (parsers.ocr.scan.versioned)."""
    fmt = _sniff.sniff(data, path) if data else ""
    reader = _reader(fmt)
    if reader is None:
        return None
    version = getattr(reader, "VERSION", None)
    if not isinstance(version, str):
        return None
    return version if ocr == "auto" or fmt not in OCR_READERS else f"{version}+ocr-{ocr}"


def parse(path: str | Path) -> Document:
    """Read and parse one file."""
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise ParseError(f"{path}: cannot read file: {exc.strerror or exc}") from exc
    return parse_bytes(data, str(path))
