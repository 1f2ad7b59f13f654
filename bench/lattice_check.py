"""pdfplumber as the reference for the pdfium table finder: both read every ruled page.

For each page the reader sends to the table finder, parsers.pdf.cells.page_items runs once
on pdfplumber's page and once on the fast path's (parsers.pdf.lattice); the tables must
have the same cells (boxes within TOLERANCE points, identical text) and the text lines
around them the same text. A page the fast path leaves to pdfplumber is counted with its
reason, not compared.

Run: `.venv/bin/python -m bench.lattice_check FILE.pdf ...`
"""

from __future__ import annotations

import io
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pdfplumber
import pypdfium2 as pdfium

from parsers.pdf import cells, lattice
from parsers.pdf import reader as pdf
from parsers.pdf.grid import Item, RawTable
from parsers.pdf.pdfium_lock import LOCK as PDFIUM
from schemas import Paragraph

TOLERANCE = 0.05  # points: pdfium keeps coordinates as 32-bit floats, pdfminer as doubles


@dataclass
class Check:
    pages: int = 0  # ruled pages compared or left to pdfplumber
    identical: int = 0
    undecided: dict[str, str] = field(default_factory=dict)  # "file p.N" -> reason
    different: dict[str, str] = field(default_factory=dict)  # "file p.N" -> first difference

    def add(self, other: Check) -> None:
        self.pages += other.pages
        self.identical += other.identical
        self.undecided.update(other.undecided)
        self.different.update(other.different)

    def summary(self) -> str:
        return (
            f"{self.pages} ruled pages: {self.identical} identical, "
            f"{len(self.undecided)} left to pdfplumber, {len(self.different)} different"
        )


def ruled_pages(data: bytes) -> list[int]:
    """The 1-based pages the reader's triage sends to the table finder."""
    with PDFIUM:
        doc = pdfium.PdfDocument(data)
        try:
            pages = [pdf._triage(doc, i) for i in range(len(doc))]
        finally:
            doc.close()
    return [p.number for p, _ in pages if p.kind == "table"]


def check(path: Path) -> Check:
    data = path.read_bytes()
    try:
        numbers = ruled_pages(data)
    except pdfium.PdfiumError:
        return Check()  # encrypted or broken: the reader refuses it before any table
    fast = lattice.table_items(data, numbers, pdf.MARGIN)
    out = Check(pages=len(numbers))
    with pdfplumber.open(io.BytesIO(data)) as plumber:
        for number in numbers:
            key = f"{path.name} p.{number}"
            if number in fast.undecided:
                out.undecided[key] = fast.undecided[number]
                continue
            page = plumber.pages[number - 1]
            reference = cells.page_items(page, number, pdf.MARGIN)
            page.close()
            difference = compare(reference, fast.items[number])
            if difference:
                out.different[key] = difference
            else:
                out.identical += 1
    return out


def compare(reference: list[Item], fast: list[Item]) -> str:
    """The first difference between two pages' items, or '' when they are the same."""
    if len(reference) != len(fast):
        return f"{len(reference)} items vs {len(fast)}"
    for k, (a, b) in enumerate(zip(reference, fast, strict=True)):
        if isinstance(a.block, RawTable) and isinstance(b.block, RawTable):
            difference = _compare_tables(a.block, b.block)
        elif isinstance(a.block, Paragraph) and isinstance(b.block, Paragraph):
            same = a.block.text == b.block.text and a.margin == b.margin
            difference = "" if same else f"text {a.block.text!r} vs {b.block.text!r}"
        else:
            difference = "a table on one side only"
        if difference:
            return f"item {k}: {difference}"
    return ""


def _compare_tables(a: RawTable, b: RawTable) -> str:
    if len(a.boxes) != len(b.boxes):
        return f"{len(a.boxes)} cells vs {len(b.boxes)}"
    for i, (x, y) in enumerate(zip(a.boxes, b.boxes, strict=True)):
        if x.text != y.text:
            return f"cell {i}: {x.text!r} vs {y.text!r}"
        far = {
            name: (getattr(x, name), getattr(y, name))
            for name in ("x0", "x1", "top", "bottom", "text_bottom", "line_end", "first_width")
            if abs((getattr(x, name) or 0.0) - (getattr(y, name) or 0.0)) > TOLERANCE
        }
        if far:
            return f"cell {i} ({x.text[:12]!r}): {far}"
    return ""


def main(paths: list[Path]) -> None:
    total = Check()
    for path in paths:
        one = check(path)
        print(f"{path}: {one.summary()}")
        for key, why in {**one.undecided, **one.different}.items():
            print(f"  {key}: {why}")
        total.add(one)
    print(f"all: {total.summary()}")


if __name__ == "__main__":
    main([Path(p) for p in sys.argv[1:]])
