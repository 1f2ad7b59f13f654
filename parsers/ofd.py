"""OFD (GB/T 33190-2016) reports: the national fixed-layout format, read as the PDF path reads.

An OFD is a zip of XML: `OFD.xml` names the document root, `Document.xml` lists the pages
(and their templates), each page's `Content.xml` holds layers of text objects (a `TextCode`
with its origin and each glyph's advance, `DeltaX`/`DeltaY`, abbreviated `g N v`) and path
objects (`AbbreviatedData`: M/S move, L line, B/Q/A curves, C close), in millimetres with y
growing down, an object's coordinates relative to its `Boundary` and its `CTM`.

No maintained Python library reads OFD's geometry (easyofd renders OFD to PDF or images
through reportlab/PyMuPDF, and is dated releases of one author), so lxml reads the package,
under the zip limits DOCX has (parsers/limits.py checks it before this runs). Each page then
becomes what pdfplumber makes of a PDF page: characters with boxes in points, and ruling
edges. pdfplumber's own table finder runs on those edges and parsers/pdf's `page_items` and
`assemble` do the rest, so an OFD and the PDF of the same report give the same blocks: ruled
tables as grids stitched across pages, other text as lines. Glyph boxes are the em square
(ascent 0.88, descent 0.12 of the size); a glyph is as wide as its advance, or for the last
of a run an em (CJK) or half an em (Latin).
"""

from __future__ import annotations

import io
import posixpath
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, cast

from lxml import etree
from pdfplumber.page import Page as PlumberPage
from pdfplumber.table import Table as FoundTable
from pdfplumber.table import TableFinder

from parsers._text import is_wide
from parsers.pdf import cells
from parsers.pdf.grid import Item, assemble
from parsers.pdf.reader import MARGIN, MIN_SEGMENTS, _Page, _text_items
from schemas import Document, ParseError

VERSION = "ofd/1"

PT = 72 / 25.4  # points per millimetre
ASCENT, DESCENT = 0.88, 0.12
_NS = "{http://www.ofdspec.org/2016}"
_TEXT, _PATH, _CODE = _NS + "TextObject", _NS + "PathObject", _NS + "TextCode"
_BROKEN = (zipfile.BadZipFile, KeyError, ValueError, OSError, etree.XMLSyntaxError)

Char = dict[str, Any]
Matrix = tuple[float, float, float, float, float, float]
IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)


def read(data: bytes, path: str, doc_id: str) -> Document:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            package = _Package(zf)
            title = package.title()
            pages = list(package.pages())
    except _BROKEN as exc:
        raise ParseError(f"{path}: not a readable OFD package ({exc})") from exc
    items: list[list[Item]] = []
    offset = 0.0
    for number, page in enumerate(pages, start=1):
        page.initial_doctop = offset
        items.append(_items(page, number))
        offset += page.height
    return Document(
        path=path,
        doc_id=doc_id,
        format="ofd",
        blocks=tuple(assemble(items)),
        parser_version=VERSION,
        pages=len(pages),
        title=title,
    )


def _items(page: Page, number: int) -> list[Item]:
    """A ruled page through the PDF path's table pass, any other through its text pass (the
    same triage as parsers/pdf/reader.py: ruling segments decide)."""
    if len(page.edges) >= MIN_SEGMENTS:
        return cells.page_items(page, number, MARGIN)
    text = "\n".join(cells.line_text(line) for line in cells.lines(page.chars))
    return _text_items(_Page(number, page.height, "text", text=text))


@dataclass
class Page:
    """What parsers/pdf/cells.py and pdfplumber's TableFinder read of a page, in points."""

    width: float
    height: float
    chars: list[Char] = field(default_factory=list)
    edges: list[Char] = field(default_factory=list)
    initial_doctop: float = 0.0

    @property
    def bbox(self) -> tuple[float, float, float, float]:
        return (0.0, 0.0, self.width, self.height)

    def find_tables(self) -> list[FoundTable]:
        for edge in self.edges:  # positions through the whole document, as pdfplumber's
            edge["doctop"] = edge["top"] + self.initial_doctop
        # TableFinder reads only a page's .edges and .bbox (its "lines" strategy)
        return TableFinder(cast("PlumberPage", self)).tables


class _Package:
    """The OFD package's first document: its title and its pages in order."""

    def __init__(self, zf: zipfile.ZipFile) -> None:
        self.zf = zf
        root = self._xml("OFD.xml")
        body = root.find(_NS + "DocBody")
        if body is None:
            raise ValueError("OFD.xml has no DocBody")
        self.info = body.find(_NS + "DocInfo")
        self.doc_path = _member("", body.findtext(_NS + "DocRoot", ""))
        self.document = self._xml(self.doc_path)
        self.area = _box(self.document.findtext(f"{_NS}CommonData/{_NS}PageArea/{_NS}PhysicalBox"))
        pages = self.document.iter(_NS + "TemplatePage")
        self.templates = {t.get("ID", ""): t.get("BaseLoc", "") for t in pages}

    def _xml(self, member: str) -> Any:
        return etree.fromstring(self.zf.read(member))

    def title(self) -> str | None:
        text = self.info.findtext(_NS + "Title") if self.info is not None else None
        return (text or "").strip() or None

    def pages(self) -> Iterator[Page]:
        for entry in self.document.iter(_NS + "Page"):
            content = _member(self.doc_path, entry.get("BaseLoc", ""))
            xml = self._xml(content)
            box = _box(xml.findtext(f"{_NS}Area/{_NS}PhysicalBox")) or self.area
            if box is None:
                raise ValueError(f"{content}: no page size (PhysicalBox)")
            page = Page(box[2] * PT, box[3] * PT)
            for template in xml.iter(_NS + "Template"):
                base = self.templates.get(template.get("TemplateID", ""))
                if base:
                    _draw(self._xml(_member(self.doc_path, base)), page)
            _draw(xml, page)
            yield page


def _member(base: str, location: str) -> str:
    """A package path from `location`, absolute or relative to the folder of `base`."""
    if location.startswith("/"):
        return location.lstrip("/")
    return posixpath.normpath(posixpath.join(posixpath.dirname(base), location))


def _box(text: str | None) -> tuple[float, float, float, float] | None:
    values = [float(v) for v in (text or "").split()]
    return (values[0], values[1], values[2], values[3]) if len(values) == 4 else None


def _draw(xml: Any, page: Page) -> None:
    for obj in xml.iter(_TEXT, _PATH):
        box = _box(obj.get("Boundary"))
        if box is None:
            continue
        ctm = _matrix(obj.get("CTM"))
        if obj.tag == _TEXT:
            _text(obj, box, ctm, page)
        elif obj.get("Stroke", "true") != "false" or obj.get("Fill", "false") == "true":
            _path(obj.findtext(_NS + "AbbreviatedData", ""), box, ctm, page)


def _matrix(text: str | None) -> Matrix:
    values = [float(v) for v in (text or "").split()]
    if len(values) != 6:
        return IDENTITY
    return (values[0], values[1], values[2], values[3], values[4], values[5])


def _apply(m: Matrix, box: tuple[float, ...], x: float, y: float) -> tuple[float, float]:
    """A point of an object's space on the page, in points."""
    a, b, c, d, e, f = m
    return (box[0] + a * x + c * y + e) * PT, (box[1] + b * x + d * y + f) * PT


def _advances(text: str | None, count: int) -> list[float]:
    """`DeltaX`/`DeltaY` expanded (`g N v` is N times v), `count` long (missing ones 0)."""
    tokens = (text or "").split()
    out: list[float] = []
    i = 0
    while i < len(tokens):
        if tokens[i] == "g" and i + 2 < len(tokens):
            out.extend([float(tokens[i + 2])] * int(tokens[i + 1]))
            i += 3
        else:
            out.append(float(tokens[i]))
            i += 1
    return (out + [0.0] * count)[:count]


def _text(obj: Any, box: tuple[float, ...], ctm: Matrix, page: Page) -> None:
    scale = (abs(ctm[3]) or 1.0) * PT
    size = float(obj.get("Size", "3.5")) * scale
    x = y = 0.0
    for code in obj.iter(_CODE):
        text = code.text or ""
        x = float(code.get("X", x))
        y = float(code.get("Y", y))
        dx = _advances(code.get("DeltaX"), len(text) - 1)
        dy = _advances(code.get("DeltaY"), len(text) - 1)
        for i, glyph in enumerate(text):
            left, base = _apply(ctm, box, x, y)
            advance = dx[i] * abs(ctm[0] or 1.0) * PT if i < len(dx) else 0.0
            width = min(advance, size) if advance > 0 else (size if is_wide(glyph) else size / 2)
            page.chars.append(_char(glyph, left, base, width, size))
            if i < len(dx):
                x, y = x + dx[i], y + dy[i]


def _char(glyph: str, left: float, base: float, width: float, size: float) -> Char:
    return {
        "text": glyph,
        "x0": left,
        "x1": left + width,
        "top": base - ASCENT * size,
        "bottom": base + DESCENT * size,
        "size": size,
        "upright": True,
    }


def _path(data: str, box: tuple[float, ...], ctm: Matrix, page: Page) -> None:
    """The straight horizontal and vertical segments of a path, as pdfplumber edges."""
    tokens = data.split()
    arity = {"S": 2, "M": 2, "L": 2, "Q": 4, "B": 6, "A": 7, "C": 0}
    start = current = None
    i = 0
    while i < len(tokens):
        op = tokens[i]
        n = arity.get(op)
        if n is None:
            return  # a path we cannot follow draws no table
        args = [float(v) for v in tokens[i + 1 : i + 1 + n]]
        i += 1 + n
        if op in "SM":
            start = current = _apply(ctm, box, args[0], args[1])
        elif op == "C":
            if current and start:
                _segment(current, start, page)
            current = start
        else:
            end = _apply(ctm, box, args[-2], args[-1])
            if op == "L" and current:
                _segment(current, end, page)
            current = end


def _segment(p: tuple[float, float], q: tuple[float, float], page: Page) -> None:
    (x0, y0), (x1, y1) = p, q
    if abs(y0 - y1) < 0.1:
        orientation = "h"
    elif abs(x0 - x1) < 0.1:
        orientation = "v"
    else:
        return
    left, right, top, bottom = min(x0, x1), max(x0, x1), min(y0, y1), max(y0, y1)
    page.edges.append(
        {
            "object_type": "line",
            "x0": left,
            "x1": right,
            "top": top,
            "bottom": bottom if orientation == "v" else top,
            "width": right - left,
            "height": bottom - top if orientation == "v" else 0.0,
            "orientation": orientation,
        }
    )
