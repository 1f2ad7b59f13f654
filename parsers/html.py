"""Web pages: `<table>` grids with their rowspan/colspan, and the text around them in order.

Charset: a byte-order mark, else the page's own `<meta charset>` / `http-equiv` declaration
(checked by decoding strictly, because sites mislabel), else strict UTF-8, else detection
(charset-normalizer). GB2312 and GBK labels are read as GB18030, their superset, since pages
labelled GB2312 routinely use characters only GBK has.

The markup is parsed by lxml's HTML parser (libxml2), which repairs broken markup the way
browsers mostly do. Grids follow the HTML table model: each cell takes the first free slot of
its row, rowspan/colspan reserve slots below and to the right, `rowspan="0"` runs to the end.
A table that holds other tables is page layout, not data: its cells are read as ordinary
content and the inner tables become the tables. `line` is the source line of the element;
`where` names the table (1-based among the page's data tables) and the row.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import charset_normalizer
import lxml.etree
import lxml.html

from parsers._text import collapse
from parsers.limits import check_cells
from schemas import Cell, Document, Paragraph, ParseError, Table
from schemas.ir import Block

VERSION = "html/2"

_BLOCK = frozenset(
    [
        "address",
        "article",
        "aside",
        "blockquote",
        "center",
        "dd",
        "div",
        "dl",
        "dt",
        "fieldset",
        "figcaption",
        "figure",
        "footer",
        "form",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hr",
        "li",
        "main",
        "nav",
        "ol",
        "p",
        "pre",
        "section",
        "td",
        "th",
        "tr",
        "ul",
        "caption",
    ]
)
_SKIP = frozenset(
    ["head", "script", "style", "noscript", "template", "iframe", "object", "svg", "math"]
)
_BR = "\u2028"  # stands for <br> inside the flow until lines are split
_META_CHARSET = re.compile(rb"<meta[^>]*?charset\s*=\s*[\"']?\s*([A-Za-z0-9_.:\-]+)", re.I)
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>")
_GB_FAMILY = frozenset({"gb2312", "gbk", "x-gbk", "cp936", "gb_2312-80", "euc-cn", "hz-gb-2312"})
_MAX_ROWSPAN, _MAX_COLSPAN = 65534, 1000  # the HTML standard's limits


def read(data: bytes, path: str, doc_id: str) -> Document:
    text = _XML_DECL.sub("", decode(data, path), count=1)
    try:
        root = lxml.html.document_fromstring(text)
    except (lxml.etree.ParserError, ValueError) as exc:
        raise ParseError(f"{path}: not readable as HTML ({exc})") from exc
    title = collapse(root.findtext(".//title") or "") or None
    flow = _Flow()
    body = root.find("body")
    _visit(body if body is not None else root, flow)
    flow.flush()
    return Document(
        path=path,
        doc_id=doc_id,
        format="html",
        blocks=tuple(flow.blocks),
        parser_version=VERSION,
        title=title,
    )


def decode(data: bytes, path: str) -> str:
    """Bytes to text by BOM, declared charset, UTF-8, then detection (module docstring)."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")
    candidates = []
    declared = _META_CHARSET.search(data[:4096])
    if declared:
        label = declared.group(1).decode("ascii").lower()
        candidates.append("gb18030" if label in _GB_FAMILY else label)
    candidates.append("utf-8")
    for encoding in candidates:
        try:
            return data.decode(encoding)
        except (LookupError, UnicodeDecodeError):
            continue
    best = charset_normalizer.from_bytes(data).best()
    if best is None:
        raise ParseError(f"{path}: cannot tell the page's character set (not UTF-8 or GB18030)")
    encoding = "gb18030" if best.encoding in _GB_FAMILY | {"gb18030"} else best.encoding
    return data.decode(encoding, errors="replace")


@dataclass
class _Flow:
    """Inline text gathered until a block boundary turns it into paragraphs."""

    blocks: list[Block] = field(default_factory=list)
    parts: list[str] = field(default_factory=list)
    line: int | None = None

    def add(self, text: str | None, line: int | None) -> None:
        if text:
            if self.line is None and text.strip():
                self.line = line
            self.parts.append(text)

    def lines(self) -> list[str]:
        """The gathered text split at <br>, whitespace collapsed, blank lines dropped."""
        joined = "".join(self.parts)
        self.parts.clear()
        return [t for t in (collapse(s) for s in joined.split(_BR)) if t]

    def flush(self) -> None:
        line, self.line = self.line, None
        where = f"line {line}" if line else None
        self.blocks.extend(Paragraph(text=t, line=line, where=where) for t in self.lines())


def _line(el: lxml.etree._Element) -> int | None:
    line = getattr(el, "sourceline", None)  # lxml-stubs leave sourceline untyped
    return line if isinstance(line, int) else None


def _tag(el: lxml.etree._Element) -> str | None:
    return el.tag.lower() if isinstance(el.tag, str) else None  # None: comment, PI


def _visit(el: lxml.etree._Element, flow: _Flow, *, in_cell: bool = False) -> None:
    tag = _tag(el)
    if tag is None or tag in _SKIP:
        pass
    elif tag == "br":
        flow.add(_BR, _line(el))
    elif tag == "table" and not in_cell and el.find(".//table") is None:
        flow.flush()
        caption = el.find("caption")
        if caption is not None:  # a table's title is often its caption
            _visit(caption, flow)
        ordinal = 1 + sum(1 for b in flow.blocks if isinstance(b, Table))
        grid = table(el, ordinal)
        if grid.rows:
            flow.blocks.append(grid)
    else:
        block = tag in _BLOCK or tag == "table"
        if block:
            _boundary(flow, el, in_cell)
        flow.add(el.text, _line(el))
        for child in el:
            _visit(child, flow, in_cell=in_cell)
        if block:
            _boundary(flow, el, in_cell)
    flow.add(el.tail, _line(el))


def _boundary(flow: _Flow, el: lxml.etree._Element, in_cell: bool) -> None:
    """A block edge: a new line inside a cell, a new paragraph outside one."""
    if in_cell:
        flow.add(_BR, _line(el))
    else:
        flow.flush()


def cell_text(td: lxml.etree._Element) -> str:
    """A cell's lines (<br> and block boundaries), nested tables flattened into lines."""
    flow = _Flow()
    flow.add(td.text, _line(td))
    for child in td:
        _visit(child, flow, in_cell=True)
    return "\n".join(flow.lines())


def _rows(table_el: lxml.etree._Element) -> list[lxml.etree._Element]:
    rows = []
    for child in table_el:
        tag = _tag(child)
        if tag == "tr":
            rows.append(child)
        elif tag in {"thead", "tbody", "tfoot"}:
            rows.extend(tr for tr in child if _tag(tr) == "tr")
    return rows


def table(table_el: lxml.etree._Element, ordinal: int = 1) -> Table:
    """The HTML table model: each cell takes its row's first free slot; spans reserve slots."""
    rows = _rows(table_el)
    taken: set[tuple[int, int]] = set()
    covered = 0  # positions the spans reserve, checked before they are allocated
    grid: list[list[Cell]] = [[] for _ in rows]
    for r, tr in enumerate(rows):
        col = 0
        for td in (c for c in tr if _tag(c) in {"td", "th"}):
            while (r, col) in taken:
                col += 1
            rowspan = _span(td.get("rowspan"), _MAX_ROWSPAN)
            rowspan = len(rows) - r if rowspan == 0 else min(rowspan, len(rows) - r)
            colspan = max(1, _span(td.get("colspan"), _MAX_COLSPAN))
            covered += rowspan * colspan
            check_cells(covered, "an HTML table")
            where = f"table {ordinal}, row {r + 1}"
            cell = Cell(cell_text(td), r, col, rowspan, colspan, line=_line(td), where=where)
            grid[r].append(cell)
            taken.update((r + i, col + j) for i in range(rowspan) for j in range(colspan))
            col += colspan
    return Table(rows=tuple(tuple(row) for row in grid))


def _span(value: str | None, limit: int) -> int:
    """A rowspan/colspan attribute: leading digits as browsers read them, 1 when absent/bad."""
    digits = re.match(r"\s*(\d+)", value or "")
    return min(int(digits.group(1)), limit) if digits else 1
