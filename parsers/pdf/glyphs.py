"""A page's characters from pdfium's text page, boxed as pdfminer boxes them.

pdfplumber's chars come from pdfminer: a glyph's box runs across its advance width and, up
the page, from the baseline plus the font's /Descent (from its font descriptor, 0 when the
descriptor leaves it out) to one font size above that. pdfium's "loose" box has the same
width but its own ascent and descent (taken from the font program when the descriptor says
0, as LibreOffice's do), so the box's height is rebuilt here: pdfium's baseline origin and
font size (times the text matrix's vertical scale, which pdfium keeps apart), the descent
from the descriptor as pdfminer reads it (pdfminer's own font classes, read once per
document).

Text the fast path would box differently raises rulings.UndecidedError: rotated or mirrored
glyphs, vertical writing, Type3 fonts, glyphs without a Unicode mapping, a font pdfium and
the page's resources do not name alike.
"""

from __future__ import annotations

import ctypes
import re
from collections.abc import Iterator
from typing import Any

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from pdfminer.pdffont import PDFFont, PDFType3Font
from pdfminer.pdfinterp import PDFResourceManager
from pdfminer.pdfpage import PDFPage
from pdfminer.pdftypes import PDFObjRef, PDFStream, dict_value, resolve1
from pdfminer.psparser import LIT

from parsers.pdf.rulings import MAX_DEPTH, UndecidedError

Char = dict[str, Any]  # text, x0, x1, top, bottom, size: what parsers.pdf.cells reads

_SUBSET = re.compile(r"^[A-Z]{6}\+")
LITERAL_FORM = LIT("Form")  # pdfminer interns literals: compared by identity


class Fonts:
    """pdfminer's reading of a document's fonts: (descent, vertical) by base font name."""

    def __init__(self) -> None:
        self._manager = PDFResourceManager(caching=True)

    def of_page(self, page: PDFPage) -> dict[str, tuple[float, bool] | None]:
        """Each base font name the page's resources use; None where two fonts share a name
        but not their metrics (the fast path cannot tell which one pdfium means)."""
        out: dict[str, tuple[float, bool] | None] = {}
        resources = dict_value(page.resources) if page.resources else {}
        for spec in _font_specs(resources, 0):
            objid = spec.objid if isinstance(spec, PDFObjRef) else None
            font = self._manager.get_font(objid, dict_value(resolve1(spec)))
            name = _name(font)
            metrics = None if isinstance(font, PDFType3Font) else _metrics(font)
            if name in out and out[name] != metrics:
                metrics = None
            out[name] = metrics
        return out


def _font_specs(resources: dict[str, Any], depth: int) -> Iterator[Any]:
    """The fonts of a page's resources and of the form XObjects it draws (pdfium's text page
    holds the glyphs shown inside forms too), forms followed as deep as rulings.MAX_DEPTH."""
    yield from dict_value(resources.get("Font", {})).values()
    if depth >= MAX_DEPTH:
        return
    for ref in dict_value(resources.get("XObject", {})).values():
        xobject = resolve1(ref)
        if isinstance(xobject, PDFStream) and xobject.get("Subtype") is LITERAL_FORM:
            inner = resolve1(xobject.get("Resources"))
            if isinstance(inner, dict):
                yield from _font_specs(inner, depth + 1)


def _name(font: PDFFont) -> str:
    name = getattr(font, "basefont", None) or font.fontname
    return _SUBSET.sub("", name if isinstance(name, str) else str(name))


def _metrics(font: PDFFont) -> tuple[float, bool]:
    return float(font.get_descent()), font.is_vertical()


def page_chars(
    textpage: pdfium.PdfTextPage, height: float, fonts: dict[str, tuple[float, bool] | None]
) -> list[Char]:
    """The page's printed characters (pdfium's generated spaces and breaks left out).

    The glyphs of one text object (one string shown) share its font, size and baseline
    in horizontal writing, so those are asked of pdfium once per object, not per glyph.
    """
    raw = textpage.raw
    n = pdfium_c.FPDFText_CountChars(raw)
    text = textpage.get_text_range() if n > 0 else ""
    if len(text) != n:
        raise UndecidedError("glyphs outside the basic plane")  # text index != char index
    box = pdfium_c.FS_RECTF()
    out: list[Char] = []
    last_obj: int | None = None
    top = bottom = size = 0.0
    descents = _Descents(fonts)
    for i, char in enumerate(text):
        if char.isspace() and pdfium_c.FPDFText_IsGenerated(raw, i) == 1:
            continue  # pdfium generates only spaces and line breaks
        if pdfium_c.FPDFText_HasUnicodeMapError(raw, i) == 1 or "\ue000" <= char <= "\uf8ff":
            raise UndecidedError("a glyph without a Unicode mapping")
        obj = pdfium_c.FPDFText_GetTextObject(raw, i)
        if not obj:
            raise UndecidedError("a glyph without its text object")
        address = ctypes.addressof(obj.contents)
        if address != last_obj:
            top, bottom, size = _run(raw, i, obj, height, descents)
            last_obj = address
        pdfium_c.FPDFText_GetLooseCharBox(raw, i, ctypes.byref(box))  # advance width across
        out.append(
            {
                "text": char,
                "x0": float(box.left),
                "x1": float(box.right),
                "top": top,
                "bottom": bottom,
                "size": size,
            }
        )
    return out


def _run(
    raw: Any, i: int, obj: Any, height: float, descents: _Descents
) -> tuple[float, float, float]:
    """(top, bottom, size) of the glyphs of the text object that glyph `i` belongs to."""
    matrix = pdfium_c.FS_MATRIX()
    pdfium_c.FPDFText_GetMatrix(raw, i, ctypes.byref(matrix))
    if matrix.b != 0 or matrix.c != 0 or matrix.a <= 0 or matrix.d <= 0:
        raise UndecidedError("rotated, skewed or mirrored text")
    x, y = ctypes.c_double(), ctypes.c_double()
    pdfium_c.FPDFText_GetCharOrigin(raw, i, x, y)  # on the baseline
    size = pdfium_c.FPDFText_GetFontSize(raw, i) * matrix.d  # Tf size; pdfium keeps Tm apart
    low = y.value + descents.of(pdfium_c.FPDFTextObj_GetFont(obj)) * size
    return height - (low + size), height - low, size


class _Descents:
    """pdfminer's descent (per unit of font size) of each pdfium font met on a page."""

    def __init__(self, fonts: dict[str, tuple[float, bool] | None]) -> None:
        self._fonts = fonts
        self._known: dict[int, float] = {}

    def of(self, font: Any) -> float:
        address = ctypes.addressof(font.contents)
        if address not in self._known:
            self._known[address] = self._lookup(font)
        return self._known[address]

    def _lookup(self, font: Any) -> float:
        buffer = ctypes.create_string_buffer(256)
        pdfium_c.FPDFFont_GetBaseFontName(font, buffer, 256)
        name = _SUBSET.sub("", buffer.value.decode("utf-8", "replace"))
        if name not in self._fonts:
            raise UndecidedError(f"font {name!r} not among the page's font resources")
        found = self._fonts[name]
        if found is None:
            raise UndecidedError(f"font {name!r}: a Type3 font or two fonts of that name")
        descent, vertical = found
        if vertical:
            raise UndecidedError("vertical writing")
        return descent
