"""PDF reports: narrative from the text layer, ruled tables as grids, stitched across pages.

Two passes keep a 300-page report cheap (pdfplumber's table finder costs ~50 ms a page,
pdfium's text ~1 ms):
1. triage with pypdfium2: each page's text, whether its glyphs map to Unicode, and whether
   it draws ruling lines (path objects). No fiscal words are used.
2. ruled pages by pdfplumber's table finder run on pdfium's objects (`lattice`), taken
   while triage has the page open; pdfplumber itself only on the ruled pages that finder
   leaves and on text pages whose lines hold
   several runs of text set apart (a borderless table, read from word positions by
   `borderless`), each page closed after use so that its parsed objects are freed
   (pdfplumber otherwise keeps every page it has touched).

Text pages give one `Paragraph` per text line, wrapped lines of Chinese prose in a
full-width text column joined CJK-aware. A page whose glyphs do not map to Unicode
(`(cid:NN)`, no ToUnicode) or that holds only images gives a TEXT_LAYER_UNREADABLE notice
instead of text. `page` is 1-based; `line` is None (a PDF has pages, not source lines).
"""

from __future__ import annotations

import ctypes
import io
import re
from dataclasses import dataclass

import pdfplumber
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
from pdfminer.pdfparser import PDFSyntaxError
from pdfminer.psparser import PSException

from parsers._text import join_lines
from parsers.pdf import borderless, cells, lattice
from parsers.pdf.grid import Item, assemble
from parsers.pdf.pdfium_lock import LOCK as PDFIUM
from schemas import Document, Notice, Paragraph, ParseError

VERSION = "pdf/2"

MIN_PATHS = 4  # path objects on a page before it is worth looking for a ruled table
MIN_SEGMENTS = 8  # ... or fewer paths drawing this many segments (a grid as one path)
SAMPLE = 200  # glyphs sampled per page to judge its text layer
ORDER_SAMPLE = 48  # glyphs sampled per text page to judge its stream order
MAX_CLIMBS = 4  # upward jumps in a page's stream order before it is read by geometry
UNREADABLE = 0.5  # share of sampled glyphs without a Unicode mapping that condemns a page
MARGIN = 0.08  # top/bottom share of a page treated as running header/footer when stitching

# A space pdfium puts between Chinese and Latin text where the PDF only leaves a gap: either
# Word/LibreOffice's autospace ("2024 年", about a quarter em; the source had no space) or
# the gap between two cells of a borderless table (a real separator). The gap's width
# tells them apart (AUTOSPACE_EM).
_CJK_LATIN_SPACE = re.compile(
    r"(?<=[\u2e80-\u9fff\uff00-\uffef]) (?=[0-9A-Za-z%.+\-])|"
    r"(?<=[0-9A-Za-z%.]) (?=[\u2e80-\u9fff\uff00-\uffef])"
)
AUTOSPACE_EM = 0.5  # gaps narrower than this share of the font size are autospace
_WIDE = re.compile("[\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef]")


# What pdfminer/pdfplumber raise on a malformed file or content stream.
_PAGE_ERRORS = (PDFSyntaxError, PSException, ValueError, KeyError, TypeError, IndexError)


@dataclass
class _Page:
    number: int  # 1-based
    height: float
    kind: str  # text | table | unreadable
    text: str = ""
    reason: str = ""


def read(data: bytes, path: str, doc_id: str, ocr: str = "auto") -> Document:
    """`ocr`: which pages are read by OCR (parsers.ocr.scan: auto, off, force)."""
    with PDFIUM:
        pdf = _open(data, path)
        count = len(pdf)
    fast = lattice.Finder(data)
    items: dict[int, list[Item]] = {}  # page -> its blocks, once a reader has decided them
    pages: list[_Page] = []
    try:
        for i in range(count):
            with PDFIUM:  # a ruled page's edges and glyphs are taken while triage has it open
                page, sheet = _triage(pdf, i, fast)
            pages.append(page)
            if sheet is not None:
                found = fast.items(sheet, page.number, MARGIN)
                if not isinstance(found, str):  # a reason: pdfplumber reads it (_table_items)
                    items[page.number] = found
        with PDFIUM:
            title = (pdf.get_metadata_dict().get("Title") or "").strip() or None
    finally:
        with PDFIUM:
            pdf.close()
    notices: list[Notice] = []
    worth = {p.number for p in pages if _worth_plumber(p)}
    # a borderless table may go on over the page break in rows too few to look like one
    worth |= {p.number for p in pages if p.number - 1 in worth and p.kind == "text"}
    rest = [p for p in pages if p.number in worth and p.number not in items]
    items.update(_table_items(data, path, rest, notices, items))
    for page in pages:
        if page.kind == "text" and page.number not in items:
            items[page.number] = _text_items(page)
    notices += [
        Notice("TEXT_LAYER_UNREADABLE", f"page {p.number}: {p.reason}", page=p.number)
        for p in pages
        if p.kind == "unreadable" and ocr == "off"
    ]
    if ocr == "force" or (ocr != "off" and any(p.kind == "unreadable" for p in pages)):
        notices.extend(_ocr(data, pages, ocr, items))  # OCR's imports (~26 MB) only then
    ordered = [items.get(p.number, []) for p in pages]
    return Document(
        path=path,
        doc_id=doc_id,
        format="pdf",
        blocks=tuple(assemble(ordered)),
        parser_version=VERSION if ocr == "auto" else f"{VERSION}+ocr-{ocr}",  # ocr.scan.versioned
        pages=len(pages),
        title=title,
        notices=tuple(notices),
    )


def _ocr(data: bytes, pages: list[_Page], mode: str, items: dict[int, list[Item]]) -> list[Notice]:
    """OCR the pages `mode` asks for (parsers.ocr.scan), their items replacing the text's."""
    from parsers.ocr import scan  # noqa: PLC0415  (OpenCV and onnxruntime only for scans)

    chosen = {p.number: p for p in pages if scan.wanted(mode, p.kind == "unreadable")}
    notices = []
    for number, got in scan.read_pdf_pages(data, list(chosen)).items():
        unreadable = chosen[number].kind == "unreadable"
        if got.tables or unreadable:  # a good page forced through OCR keeps its text if no grid
            items[number] = got.items
            notices.append(scan.notice(number, got, chosen[number].reason))
    return notices


def _open(data: bytes, path: str) -> pdfium.PdfDocument:
    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        if "password" in str(exc).lower():
            raise ParseError(
                f"{path}: encrypted PDF (a password is required to open it); "
                "ask the publisher for an unprotected copy"
            ) from exc
        raise ParseError(f"{path}: corrupt or unreadable PDF ({exc})") from exc


def _triage(
    pdf: pdfium.PdfDocument, index: int, fast: lattice.Finder | None = None
) -> tuple[_Page, lattice.Page | str | None]:
    """The page's triage and, for a ruled page when `fast` is given, what the pdfium table
    finder took of it (its edges and glyphs, or why it leaves the page to pdfplumber)."""
    try:
        page = pdf[index]
    except pdfium.PdfiumError as exc:
        why = f"the page cannot be loaded ({exc})"
        return _Page(index + 1, 0.0, "unreadable", reason=why), None
    sheet: lattice.Page | str | None = None
    try:
        height = page.get_height()
        paths, segments, images = _drawing(page.raw)
        ruled = paths >= MIN_PATHS or segments >= MIN_SEGMENTS
        textpage = page.get_textpage()
        try:
            n_chars = pdfium_c.FPDFText_CountChars(textpage.raw)
            text = textpage.get_text_range() if n_chars > 0 else ""
            if len(text) == n_chars:  # string index = char index (no surrogate pairs)
                text = _drop_autospace(textpage, text)
            unmapped = _unmapped_share(textpage, n_chars)
            if not ruled and _out_of_order(textpage, n_chars):  # ruled: pdfplumber's geometry
                text = _visual_text(textpage)
            if ruled and fast is not None:
                sheet = fast.extract(page, textpage, index + 1)
        finally:
            textpage.close()
    finally:
        page.close()
    number = index + 1
    if n_chars and unmapped >= UNREADABLE:
        reason = f"{unmapped:.0%} of its glyphs have no Unicode mapping (no ToUnicode, (cid:NN))"
        return _Page(number, height, "unreadable", reason=reason), None
    if not text.strip() and images:
        scan = "no text layer, only images (a scan)"
        return _Page(number, height, "unreadable", reason=scan), None
    return _Page(number, height, "table" if ruled else "text", text=text), sheet


def _out_of_order(textpage: pdfium.PdfTextPage, n_chars: int) -> bool:
    """Whether the content stream writes the page's text out of its visual order: a sample
    of ORDER_SAMPLE glyphs, taken in stream order, climbs back up the page by more than a
    line more often than a running header, footer or second column would (MAX_CLIMBS)."""
    step = max(1, n_chars // ORDER_SAMPLE)
    x, y = ctypes.c_double(), ctypes.c_double()
    climbs, last = 0, None
    for i in range(0, n_chars, step):
        if not pdfium_c.FPDFText_GetCharOrigin(textpage.raw, i, x, y):
            continue  # a generated space or line break has no origin
        if last is not None and y.value > last + pdfium_c.FPDFText_GetFontSize(textpage.raw, i):
            climbs += 1  # PDF y grows up the page
        last = y.value
    return climbs > MAX_CLIMBS


def _visual_text(textpage: pdfium.PdfTextPage) -> str:
    """The page's text lines top to bottom, each left to right, from pdfium's text runs
    (rectangles) instead of the stream order; runs on one line are set apart by a space."""
    runs = []
    for j in range(pdfium_c.FPDFText_CountRects(textpage.raw, 0, -1)):
        left, top, right, bottom = (ctypes.c_double() for _ in range(4))
        pdfium_c.FPDFText_GetRect(textpage.raw, j, left, top, right, bottom)
        box = (left.value, bottom.value, right.value, top.value)
        text = textpage.get_text_bounded(*box).strip()
        if text:
            runs.append((box, text))
    lines: list[tuple[float, float, list[tuple[float, str]]]] = []  # (low, high, runs)
    for (x0, y0, _, y1), text in sorted(runs, key=lambda r: -r[0][3]):
        middle = (y0 + y1) / 2
        line = next((ln for ln in lines if ln[0] <= middle <= ln[1]), None)
        if line is None:
            lines.append((y0, y1, [(x0, text)]))
        else:
            line[2].append((x0, text))
    return "\n".join(" ".join(t for _, t in sorted(parts)) for _, _, parts in lines)


def _drop_autospace(textpage: pdfium.PdfTextPage, text: str) -> str:
    """`text` without the generated spaces that only stand for autospace (see AUTOSPACE_EM)."""
    parts, start = [], 0
    for m in _CJK_LATIN_SPACE.finditer(text):
        i = m.start()
        if pdfium_c.FPDFText_IsGenerated(textpage.raw, i) != 1:
            continue  # a space the PDF really holds
        gap = textpage.get_charbox(i + 1)[0] - textpage.get_charbox(i - 1)[2]
        if gap < AUTOSPACE_EM * pdfium_c.FPDFText_GetFontSize(textpage.raw, i - 1):
            parts.append(text[start:i])
            start = i + 1
    parts.append(text[start:])
    return "".join(parts)


def _unmapped_share(textpage: pdfium.PdfTextPage, n_chars: int) -> float:
    """Share of a sample of the page's glyphs that pdfium could not map to Unicode."""
    if n_chars <= 0:
        return 0.0
    step = max(1, n_chars // SAMPLE)
    seen = bad = 0
    for i in range(0, n_chars, step):
        if pdfium_c.FPDFText_IsGenerated(textpage.raw, i) == 1:
            continue
        seen += 1
        code = pdfium_c.FPDFText_GetUnicode(textpage.raw, i)
        if pdfium_c.FPDFText_HasUnicodeMapError(textpage.raw, i) == 1 or 0xE000 <= code <= 0xF8FF:
            bad += 1
    return bad / seen if seen else 0.0


def _drawing(container: object, depth: int = 0) -> tuple[int, int, int]:
    """(path objects, path segments up to a cap, image objects) of a page or form XObject."""
    is_form = depth > 0
    count = (
        pdfium_c.FPDFFormObj_CountObjects(container)
        if is_form
        else pdfium_c.FPDFPage_CountObjects(container)
    )
    paths = segments = images = 0
    for k in range(count):
        obj = (
            pdfium_c.FPDFFormObj_GetObject(container, k)
            if is_form
            else pdfium_c.FPDFPage_GetObject(container, k)
        )
        kind = pdfium_c.FPDFPageObj_GetType(obj)
        if kind == pdfium_c.FPDF_PAGEOBJ_PATH:
            paths += 1
            if segments < MIN_SEGMENTS:
                segments += pdfium_c.FPDFPath_CountSegments(obj)
        elif kind == pdfium_c.FPDF_PAGEOBJ_IMAGE:
            images += 1
        elif kind == pdfium_c.FPDF_PAGEOBJ_FORM and depth < 3:
            p, s, i = _drawing(obj, depth + 1)
            paths, segments, images = paths + p, segments + s, images + i
        if paths >= MIN_PATHS and images:
            break
    return paths, segments, images


def _text_items(page: _Page) -> list[Item]:
    """Paragraphs of a page without tables, from its pdfium text (module docstring)."""
    lines = [s.strip() for s in page.text.splitlines()]
    lines = [s for s in lines if s]
    full = max((_width(s) for s in lines), default=0)
    paras: list[list[str]] = []
    wrapped = False
    for line in lines:
        if wrapped and paras:
            paras[-1].append(line)
        else:
            paras.append([line])
        wrapped = _wraps(line, full)
    n = max(1, len(paras))
    return [
        Item(k / n * page.height, k / n * page.height, _para(join_lines(p), page.number))
        for k, p in enumerate(paras)
    ]


def _para(text: str, page: int) -> Paragraph:
    return Paragraph(text, page, where=f"page {page}")


def _wraps(line: str, full: int) -> bool:
    """Whether `line` runs on into the next: as wide as the page's text column and cut
    inside Chinese prose. A line ending in a number or Latin text is left alone: that is how
    the rows of a borderless (flattened) table end, and joining them would merge rows."""
    last = line[-1]
    return (
        full >= 40
        and _width(line) >= 0.9 * full
        and bool(_WIDE.match(last))
        and last not in "。！？：；）」』"
    )


def _width(text: str) -> int:
    """Display width in half-width units: wide (CJK) characters count two."""
    return len(text) + len(_WIDE.findall(text))


def _worth_plumber(page: _Page) -> bool:
    """A ruled page, or a text page whose lines look like a borderless table's rows: enough
    of them hold several runs of text set apart (parsers.pdf.borderless)."""
    if page.kind == "table":
        return True
    rows = sum(1 for s in page.text.splitlines() if s.strip().count(" ") >= 2)
    return page.kind == "text" and rows >= borderless.MIN_ROWS


def _table_items(
    data: bytes,
    path: str,
    pages: list[_Page],
    notices: list[Notice],
    known: dict[int, list[Item]],
) -> dict[int, list[Item]]:
    """Tables and the text lines around them, by pdfplumber, on the ruled pages the pdfium
    finder left (parsers.pdf.lattice) and on the text pages that may hold a borderless
    table (going on from the page before it, read here or already `known`); a text page
    that holds none is left out.

    A page pdfplumber cannot interpret keeps pdfium's text of it (no table), so one broken
    content stream does not lose the document.
    """
    out: dict[int, list[Item]] = {}
    if not pages:
        return out
    try:
        with pdfplumber.open(io.BytesIO(data)) as plumber:
            for info in pages:
                page = plumber.pages[info.number - 1]
                try:
                    if info.kind == "table":
                        out[info.number] = cells.page_items(page, info.number, MARGIN)
                    else:
                        before = out.get(info.number - 1, known.get(info.number - 1))
                        found, notes = borderless.page_items(page, info.number, MARGIN, before)
                        notices.extend(notes)
                        if found is not None:
                            out[info.number] = found
                except _PAGE_ERRORS:
                    out[info.number] = _text_items(info)
                finally:
                    page.close()  # frees the page's parsed objects; see module docstring
    except (PDFEncryptionError, PDFPasswordIncorrect) as exc:
        raise ParseError(f"{path}: encrypted PDF pdfplumber cannot open ({exc})") from exc
    except _PAGE_ERRORS as exc:
        raise ParseError(f"{path}: corrupt PDF, tables unreadable ({exc})") from exc
    return out
