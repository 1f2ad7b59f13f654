"""Scanned pages as image files (PNG, JPEG, TIFF; a multi-page TIFF is one document).

Each page goes through OCR (`parsers.ocr`): its ruled tables become grids like a ruled PDF's,
stitched across pages the same way, and the text lines around them paragraphs. A page with
no ruled table is reported (TEXT_LAYER_UNREADABLE) rather than read as prose. With OCR
switched off (`--ocr off`) every page is reported so.
"""

from __future__ import annotations

from parsers.ocr import raster, scan
from parsers.ocr.page import read_page
from parsers.pdf.grid import Item, assemble
from schemas import Document, Notice

VERSION = "image/1"


def read(data: bytes, path: str, doc_id: str, ocr: str = "auto") -> Document:
    pages: list[list[Item]] = []
    notices: list[Notice] = []
    offset = 0.0
    for number, gray in enumerate(raster.images(data, path), start=1):
        if not scan.wanted(ocr, unusable=True):
            pages.append([])
            notices.append(Notice("TEXT_LAYER_UNREADABLE", f"page {number}: an image (OCR off)"))
            continue
        got = read_page(gray, number, offset)
        offset += got.height
        pages.append(got.items)
        notices.append(scan.notice(number, got, "an image"))
    return Document(
        path=path,
        doc_id=doc_id,
        format="image",
        blocks=tuple(assemble(pages)),
        parser_version=scan.versioned(VERSION, ocr),
        pages=len(pages),
        notices=tuple(notices),
    )
