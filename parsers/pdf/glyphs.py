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
from typing import Any

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from pdfminer.pdffont import PDFFont, PDFType3Font
from pdfminer.pdfinterp import PDFResourceManager
from pdfminer.pdfpage import PDFPage
from pdfminer.pdftypes import PDFObjRef, dict_value, resolve1

from parsers.pdf.rulings import UndecidedError

Char = dict[str, Any]  # text, x0, x1, top, bottom, size: what parsers.pdf.cells reads

_SUBSET = re.compile(r"^[A-Z]{6}\+")


class Fonts:
    """pdfminer's reading of a document's fonts: (descent, vertical) by base font name."""

    def __init__(self) -> None:
        self._manager = PDFResourceManager(caching=True)

    def of_page(self, page: PDFPage) -> dict[str, tuple[float, bool] | None]:
        """Each base font name the page's resources use; None where two fonts share a name
        but not their metrics (the fast path cannot tell which one pdfium means)."""
        out: dict[str, tuple[float, bool] | None] = {}
        resources = dict_value(page.resources) if page.resources else {}
        for spec in dict_value(resources.get("Font", {})).values():
            objid = spec.objid if isinstance(spec, PDFObjRef) else None
            font = self._manager.get_font(objid, dict_value(resolve1(spec)))
            name = _name(font)
            metrics = None if isinstance(font, PDFType3Font) else _metrics(font)
            if name in out and out[name] != metrics:
                metrics = None
            out[name] = metrics
        return out


def _name(font: PDFFont) -> str:
    name = getattr(font, "basefont", None) or font.fontname
    return _SUBSET.sub("", name if isinstance(name, str) else str(name))


def _metrics(font: PDFFont) -> tuple[float, bool]:
    return float(font.get_descent()), font.is_vertical()


def page_chars(
    textpage: pdfium.PdfTextPage, height: float, fonts: dict[str, tuple[float, bool] | None]
) -> list[Char]:
    """The page's printed characters (pdfium's generated spaces and breaks left out)."""
    raw = textpage.raw
    box = pdfium_c.FS_RECTF()
    matrix = pdfium_c.FS_MATRIX()
    x, y = ctypes.c_double(), ctypes.c_double()
    out: list[Char] = []
    last_obj: Any = None
    descent = 0.0
    for i in range(pdfium_c.FPDFText_CountChars(raw)):
        if pdfium_c.FPDFText_IsGenerated(raw, i) == 1:
            continue
        code = pdfium_c.FPDFText_GetUnicode(raw, i)
        if pdfium_c.FPDFText_HasUnicodeMapError(raw, i) == 1 or not code:
            raise UndecidedError("a glyph without a Unicode mapping")
        if 0xD800 <= code <= 0xDFFF or 0xE000 <= code <= 0xF8FF:
            raise UndecidedError("a glyph outside the basic plane or in the private use area")
        obj = pdfium_c.FPDFText_GetTextObject(raw, i)
        if not obj:
            raise UndecidedError("a glyph without its text object")
        if obj != last_obj:  # runs of glyphs share a text object, hence a font
            descent = _descent(obj, fonts)
            last_obj = obj
        pdfium_c.FPDFText_GetMatrix(raw, i, ctypes.byref(matrix))
        if matrix.b != 0 or matrix.c != 0 or matrix.a <= 0 or matrix.d <= 0:
            raise UndecidedError("rotated, skewed or mirrored text")
        pdfium_c.FPDFText_GetLooseCharBox(raw, i, ctypes.byref(box))  # advance width across
        pdfium_c.FPDFText_GetCharOrigin(raw, i, x, y)  # on the baseline
        size = pdfium_c.FPDFText_GetFontSize(raw, i) * matrix.d  # Tf size, text matrix apart
        low = y.value + descent * size
        out.append(
            {
                "text": chr(code),
                "x0": float(box.left),
                "x1": float(box.right),
                "top": height - (low + size),
                "bottom": height - low,
                "size": size,
            }
        )
    return out


def _descent(obj: Any, fonts: dict[str, tuple[float, bool] | None]) -> float:
    """pdfminer's descent (per unit of font size) of the text object's font."""
    font = pdfium_c.FPDFTextObj_GetFont(obj)
    buffer = ctypes.create_string_buffer(256)
    pdfium_c.FPDFFont_GetBaseFontName(font, buffer, 256)
    name = _SUBSET.sub("", buffer.value.decode("utf-8", "replace"))
    if name not in fonts:
        raise UndecidedError(f"font {name!r} not among the page's font resources")
    found = fonts[name]
    if found is None:
        raise UndecidedError(f"font {name!r}: a Type3 font or two fonts of that name")
    descent, vertical = found
    if vertical:
        raise UndecidedError("vertical writing")
    return descent
