"""The pdfium table finder against pdfplumber, its reference, on every PDF fixture.

Each ruled page is read both ways through parsers.pdf.cells: the tables must have the same
cells (boxes within bench.lattice_check.TOLERANCE, identical text) and the lines around
them the same text. A page the fast path cannot decide goes to pdfplumber whole.
"""

from __future__ import annotations

from pathlib import Path

import pdfplumber
import pypdfium2 as pdfium
import pytest
from pdfplumber.table import TableFinder, TableSettings

from bench.lattice_check import check, ruled_pages
from parsers import parse, parse_bytes
from parsers.pdf import crossings, lattice
from parsers.pdf import reader as pdf

FIXTURES = Path(__file__).parents[1] / "fixtures"
PDFS = sorted(FIXTURES.rglob("*.pdf"))
RULED = {  # ruled pages per fixture, all read by the fast path
    "pagebreaks-shuffled.pdf": 8,
    "pagebreaks.pdf": 8,
    "pdf-repeated-header.pdf": 2,
    "pdf-split-row.pdf": 2,
    "seed004.pdf": 10,
    "splitgrid.pdf": 4,
    "scans-text.pdf": 4,
    **{  # the printed truths of the family scans (tests/fixtures/make/make_scans.py)
        f"fam-{family}-text.pdf": 1
        for family in (
            "coefficient",
            "no_weight",
            "rubric",
            "split_target",
            "targets_only",
            "weighted_conversion",
        )
    },
}


@pytest.mark.parametrize("path", PDFS, ids=[p.name for p in PDFS])
def test_same_cells_as_pdfplumber(path: Path) -> None:
    got = check(path)
    assert got.different == {}
    assert got.undecided == {}
    assert got.identical == got.pages == RULED.get(path.name, 0)


def test_a_rotated_page_is_left_to_pdfplumber(tmp_path: Path) -> None:
    """pdfium and pdfminer turn a /Rotate page differently: the fast path stands aside for
    that page only, and the document reads as it did."""
    source = FIXTURES / "formats" / "seed004.pdf"
    doc = pdfium.PdfDocument(source)
    doc[5].set_rotation(90)
    rotated = tmp_path / "rotated.pdf"
    doc.save(rotated)
    doc.close()
    data = rotated.read_bytes()
    numbers = ruled_pages(data)
    outcome = lattice.table_items(data, numbers, pdf.MARGIN)
    assert outcome.undecided == {6: "rotated page"}
    assert sorted(outcome.items) == [n for n in numbers if n != 6]
    assert check(rotated).undecided == {"rotated.pdf p.6": "rotated page"}
    before = [t.rows for t in parse(source).tables() if t.page_start != 6]
    after = [t.rows for t in parse_bytes(data, "rotated.pdf").tables() if t.page_start != 6]
    assert after == before


@pytest.mark.parametrize("scale, dx, dy", [(1.0, 0.0, 0.0), (0.8, 30.0, 40.0)])
def test_a_page_drawn_inside_a_form_is_read_through_the_form(
    tmp_path: Path, scale: float, dx: float, dy: float
) -> None:
    """A page wrapped whole in a form XObject (as imposition tools write them), as it is or
    scaled and moved: its paths are followed through the form's matrix and its fonts found
    in the form's resources, so the fast path reads the page, with pdfplumber's cells."""
    source = pdfium.PdfDocument(FIXTURES / "formats" / "seed004.pdf")
    wrapped = pdfium.PdfDocument.new()
    form = source.page_as_xobject(3, wrapped).as_pageobject()
    form.transform(pdfium.PdfMatrix().scale(scale, scale).translate(dx, dy))
    page = wrapped.new_page(*source[3].get_size())
    page.insert_obj(form)
    page.gen_content()
    path = tmp_path / "wrapped.pdf"
    wrapped.save(path)
    data = path.read_bytes()
    assert sorted(lattice.table_items(data, [1], pdf.MARGIN).items) == [1]
    got = check(path)
    assert (got.identical, got.undecided, got.different) == (1, {}, {})
    tables = list(parse_bytes(data, "wrapped.pdf").tables())
    assert [len(t.rows) for t in tables] == [12]  # seed page 4's table


@pytest.mark.parametrize("path", [p for p in PDFS if p.name in RULED], ids=lambda p: p.name)
def test_crossings_are_pdfplumbers_table_finder(path: Path) -> None:
    """parsers.pdf.crossings (pdfplumber's finder with intersections_to_cells made cheap)
    gives pdfplumber's cells, in its order, on every ruled page of the fixtures."""
    data = path.read_bytes()
    with pdfplumber.open(path) as plumber:
        for number in ruled_pages(data):
            page = plumber.pages[number - 1]
            finder = TableFinder(page, TableSettings())
            assert crossings.cells(finder.intersections) == finder.cells
            assert [t.cells for t in crossings.find_tables(page)] == [
                t.cells for t in finder.tables
            ]
            page.close()
