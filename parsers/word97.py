"""Legacy word-processor files: Word `.doc`, WPS `.wps` and RTF, converted to DOCX by
LibreOffice (parsers/office.py) and read by the DOCX reader.

The Document keeps the original's identity: doc_id of the original bytes, its own format
(doc, wps, rtf), and a parser version naming both steps, so a change to either re-reads it.
"""

from __future__ import annotations

import dataclasses
from pathlib import PurePath

from parsers import docx, office
from schemas import Document

VERSION = f"word97/1+{docx.VERSION}"


def kind(data: bytes, path: str) -> str:
    """doc, wps or rtf: what the file is, for its suffix and the documents table."""
    if data.lstrip()[:5] == b"{\\rtf":
        return "rtf"
    return "wps" if PurePath(path).suffix.lower() == ".wps" else "doc"


def read(data: bytes, path: str, doc_id: str) -> Document:
    fmt = kind(data, path)
    source = {"doc": "MS Word 97", "rtf": "Rich Text Format"}.get(fmt)  # .wps: Works too
    converted = office.convert(data, fmt, "docx", path, source)
    doc = docx.read(converted, path, doc_id)
    return dataclasses.replace(doc, format=fmt, parser_version=VERSION)
