"""File bytes -> `schemas.Document`. One module per format; no fiscal knowledge here.

`parse(path)` sniffs the format from the bytes (not the file name, which lies as often as
not in published folders) and hands them to that format's reader.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

from parsers import docx, html, pdf, txt, xlsx
from parsers import sniff as _sniff
from schemas import Document, ParseError, UnsupportedFormatError

Reader = Callable[[bytes, str, str], Document]

READERS: dict[str, Reader] = {
    "txt": txt.read,
    "docx": docx.read,
    "html": html.read,
    "xlsx": xlsx.read,
    "pdf": pdf.read,
}

# Formats we recognise but cannot read, with what the user can do about it.
NOT_SUPPORTED: dict[str, str] = {
    "doc": "legacy Word .doc is not supported; convert it to .docx "
    "(soffice --headless --convert-to docx FILE)",
    "xls": "legacy Excel .xls is not supported; convert it to .xlsx "
    "(soffice --headless --convert-to xlsx FILE)",
    "wps": "WPS .wps is not supported; convert it to .docx "
    "(soffice --headless --convert-to docx FILE)",
    "pptx": "PowerPoint files hold no self-evaluation tables ziping can read",
    "ole": "legacy Office (OLE) file is not supported; convert it with LibreOffice",
    "zip": "zip archives are not unpacked; extract them and ingest the folder",
    "binary": "binary data that is not a known document format",
}


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def supported_formats() -> list[str]:
    return sorted(READERS)


def parse_bytes(data: bytes, path: str) -> Document:
    """Parse `data` (the bytes of `path`). Raises ParseError or UnsupportedFormatError."""
    if not data:
        raise ParseError(f"{path}: empty file (0 bytes)")
    fmt = _sniff.sniff(data, path)
    reader = READERS.get(fmt)
    if reader is None:
        hint = NOT_SUPPORTED.get(fmt, f"{fmt} files are not supported yet")
        raise UnsupportedFormatError(
            f"{path}: {hint} (readable formats: {', '.join(supported_formats())})"
        )
    return reader(data, path, sha256(data))


def parse(path: str | Path) -> Document:
    """Read and parse one file."""
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise ParseError(f"{path}: cannot read file: {exc.strerror or exc}") from exc
    return parse_bytes(data, str(path))
