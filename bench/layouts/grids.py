"""The grid formats: a form drawn as DOCX (python-docx, real merges), XLSX (openpyxl merged
ranges), HTML (rowspan/colspan) and PDF (the DOCX printed by LibreOffice, many per call).

`add_grid` is the one Word grid writer: the generated layouts here and the fixture builders
under tests/fixtures/make draw their tables with it.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from html import escape
from pathlib import Path
from typing import Any, Protocol

import docx
import openpyxl
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from openpyxl.styles import Alignment

from bench.layouts.model import Form

FONT = "Noto Sans CJK SC"


def column_widths(form: Form, total_cm: float) -> list[float]:
    """Widths (cm) that give long texts (names, rules) room, scaled to the page."""
    longest = [2] * form.width
    for cell in form.cells:
        if cell.colspan == 1 and cell.row >= form.first_indicator_row:
            size = max(len(line) for line in cell.text.split("\n"))
            longest[cell.col] = max(longest[cell.col], min(size, 14))
    raw = [1.0 + 0.3 * n for n in longest]
    scale = total_cm / sum(raw)
    return [w * scale for w in raw]


def write_docx(form: Form, path: Path, *, ruled: bool = True) -> None:
    """The form as a Word table; `ruled=False` draws no line at all (a borderless table)."""
    document = docx.Document()
    normal = document.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(8)
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)
    normal.paragraph_format.space_after = Pt(0)
    section = document.sections[0]
    wide = form.width > 9
    section.orientation = WD_ORIENT.LANDSCAPE if wide else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = (Cm(29.7), Cm(21)) if wide else (Cm(21), Cm(29.7))
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(1.8))
    for k, title in enumerate(form.titles):
        para = document.add_paragraph()
        para.alignment = WD_ALIGN_PARAGRAPH.CENTER
        para.add_run(title).bold = k == 0
    table = add_grid(document, form.cells, form.n_rows, column_widths(form, 26.1 if wide else 17.4))
    if not ruled:
        unruled(table)
    document.save(str(path))


def unruled(table: Any) -> None:
    """No borders at all: the table's grid only shows as whitespace."""
    table.style = None
    borders = OxmlElement("w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        edge = OxmlElement(f"w:{side}")
        edge.set(qn("w:val"), "nil")
        borders.append(edge)
    table._tbl.tblPr.append(borders)


class GridCell(Protocol):
    """A drawn cell as every form model here and in the fixture builders spells it."""

    @property
    def text(self) -> str: ...
    @property
    def row(self) -> int: ...
    @property
    def col(self) -> int: ...
    @property
    def rowspan(self) -> int: ...
    @property
    def colspan(self) -> int: ...


def add_grid(
    document: Any, cells: Sequence[GridCell], n_rows: int, widths_cm: Sequence[float]
) -> Any:
    """A ruled Word table (style "Table Grid") of `n_rows` × len(`widths_cm`) holding `cells`,
    merged cells as real merges (gridSpan, vMerge); returns the python-docx table."""
    table = document.add_table(rows=n_rows, cols=len(widths_cm))
    table.style = "Table Grid"
    table.autofit = False
    grid = [row.cells for row in table.rows]  # once: table.cell() rebuilds the grid per call
    # LibreOffice lays out by the grid columns (w:gridCol), Word by the cell widths (w:tcW)
    widths = [Cm(w) for w in widths_cm]
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
    for row in grid:
        for cell, width in zip(row, widths, strict=True):
            cell.width = width
    for fc in cells:
        set_text(grid[fc.row][fc.col], fc.text)
    for fc in cells:  # merge after writing so no text moves between cells
        if fc.rowspan > 1 or fc.colspan > 1:
            last = grid[fc.row + fc.rowspan - 1][fc.col + fc.colspan - 1]
            grid[fc.row][fc.col].merge(last)
    return table


def set_text(cell: Any, text: str) -> None:
    """One Word paragraph per line of a wrapped cell."""
    lines = text.split("\n")
    cell.paragraphs[0].text = lines[0]
    for line in lines[1:]:
        cell.add_paragraph(line)


def write_xlsx(form: Form, path: Path) -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    if sheet is None:
        raise RuntimeError("openpyxl made a workbook without a sheet")
    sheet.title = "自评表"
    for r, title in enumerate(form.titles, start=1):
        sheet.cell(row=r, column=1, value=title)
        sheet.merge_cells(start_row=r, start_column=1, end_row=r, end_column=form.width)
    top = len(form.titles)
    for c in form.cells:
        cell = sheet.cell(row=top + c.row + 1, column=c.col + 1, value=c.text or None)
        if c.text.startswith("="):
            cell.data_type = "s"  # a printed "=100" is text, not a formula
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        if c.rowspan > 1 or c.colspan > 1:
            sheet.merge_cells(
                start_row=top + c.row + 1,
                start_column=c.col + 1,
                end_row=top + c.row + c.rowspan,
                end_column=c.col + c.colspan,
            )
    workbook.save(path)


def write_html(form: Form, path: Path) -> None:
    out = ["<!DOCTYPE html>", '<html><head><meta charset="utf-8">']
    out.append(f"<title>{escape(form.titles[0])}</title></head><body>")
    out += [f'<p class="title">{escape(t)}</p>' for t in form.titles]
    out.append('<table border="1" cellspacing="0">')
    for row in form.grid_rows():
        tds = []
        for c in row:
            attrs = (f' rowspan="{c.rowspan}"' if c.rowspan > 1 else "") + (
                f' colspan="{c.colspan}"' if c.colspan > 1 else ""
            )
            text = "<br>".join(escape(line) for line in c.text.split("\n"))
            tds.append(f"<td{attrs}>{text}</td>")
        out.append("  <tr>" + "".join(tds) + "</tr>")
    out += ["</table>", "</body></html>"]
    path.write_text("\n".join(out), encoding="utf-8")


def print_pdfs(docx_paths: list[Path], outdir: Path, batch: int = 40) -> None:
    """Print DOCX files to PDF with LibreOffice, `batch` files per soffice start (it is slow
    to start). Each call gets its own profile so parallel runs do not share a lock."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise SystemExit("soffice not found: apt-get install libreoffice-writer-nogui")
    with tempfile.TemporaryDirectory() as profile:
        for k in range(0, len(docx_paths), batch):
            cmd = [
                soffice,
                f"-env:UserInstallation=file://{profile}",
                "--headless",
                "--convert-to",
                "pdf",
                "--outdir",
                str(outdir),
                *[str(p) for p in docx_paths[k : k + batch]],
            ]
            subprocess.run(cmd, check=True, capture_output=True, timeout=1800)
