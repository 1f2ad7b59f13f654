"""The same report as DOCX, PDF, HTML, XLSX, OFD, and the legacy .doc/.wps/.xls/.et (and a
.doc that is HTML inside) gives the rows the text seed gives.

The fixtures (tests/fixtures/formats/seed004.*) hold seed 004's nine 自评表 laid out the way the
Word form draws them (tests/fixtures/make/build_formats.py): real merged cells instead of the
text export's empty ones, titles above the grid (DOCX, PDF, HTML) or merged across it (XLSX),
one table running over a page break (PDF, and the OFD written from it by build_ofd.py); the
legacy files are LibreOffice's exports of the DOCX and XLSX (build_legacy.py), and .doc/.wps
are read through LibreOffice, so those cases need `soffice` (.ci/run installs it). Only
provenance may differ: page instead of line, and the ids derived from the file's bytes.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from pipeline.batch.document import DocResult, process_file
from schemas.profile import load_profile

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "data" / "raw" / "004_d94ddf866f172c18.txt"
FORMATS = ROOT / "tests" / "fixtures" / "formats"
PROVENANCE = {"doc_id", "table_id", "indicator_id", "finding_id", "duplicate_of", "path"}
PROVENANCE |= {"page", "line", "where", "bbox"}
# A PDF cell cannot tell a wrapped line from a paragraph break everywhere; the long goal
# texts are compared without their line breaks.
FREE_TEXT = {"goal_expected", "goal_actual"}


def _fields(row: Any) -> dict[str, Any]:
    out = {k: v for k, v in dataclasses.asdict(row).items() if k not in PROVENANCE}
    for key in FREE_TEXT & out.keys():
        out[key] = (out[key] or "").replace("\n", "")
    return out


def _codes_by_table(result: DocResult) -> list[Counter[str]]:
    ids = [t.table_id for t in result.tables]
    counts: list[Counter[str]] = [Counter() for _ in ids]
    for f in result.findings:
        if f.table_id in ids:
            counts[ids.index(f.table_id)][f.code] += 1
    return counts


@pytest.fixture(scope="module")
def seed() -> DocResult:
    result = process_file(SEED, load_profile("central"))
    assert (len(result.tables), len(result.indicators)) == (9, 93)
    return result


# file -> the format it is read as
CASES = {
    "seed004.docx": "docx",
    "seed004.pdf": "pdf",
    "seed004.html": "html",
    "seed004.xlsx": "xlsx",
    "seed004.ofd": "ofd",
    "seed004.xls": "xls",
    "seed004.et": "et",
    "seed004.doc": "doc",
    "seed004.wps": "wps",
    "seed004-html.doc": "html",
}
PAGED = {"pdf", "ofd"}


@pytest.fixture(scope="module", params=list(CASES))
def other(request: pytest.FixtureRequest) -> DocResult:
    result = process_file(FORMATS / request.param, load_profile("central"))
    assert result.document.status == "ok", result.document.error
    assert result.document.format == CASES[request.param]
    return result


def test_same_nine_tables(seed: DocResult, other: DocResult) -> None:
    assert [_fields(t) for t in other.tables] == [_fields(t) for t in seed.tables]


def test_same_93_indicator_rows(seed: DocResult, other: DocResult) -> None:
    key = ("level1", "level2", "level3", "target_raw", "actual_raw", "weight", "score_stated")
    assert len(other.indicators) == 93
    rows = [tuple(getattr(i, k) for k in key) for i in other.indicators]
    assert rows == [tuple(getattr(i, k) for k in key) for i in seed.indicators]
    assert [_fields(i) for i in other.indicators] == [_fields(i) for i in seed.indicators]


def test_same_findings_per_table(seed: DocResult, other: DocResult) -> None:
    assert _codes_by_table(other) == _codes_by_table(seed)
    assert {f.code for f in other.findings} == {f.code for f in seed.findings}
    assert all(f.table_id is not None for f in other.findings if f.code != "CLAIM_MISMATCH")


def test_cells_carry_the_formats_provenance(other: DocResult) -> None:
    rows = other.indicators
    if other.document.format in PAGED:
        assert all(i.page is not None for i in rows)
        assert [t.page for t in other.tables] == [4, 5, 6, 7, 9, 10, 11, 12, 13]
    else:
        assert all(i.page is None for i in rows)


def test_every_finding_says_where(other: DocResult) -> None:
    """Each finding names its place in the format's own terms, and its page (paged formats)
    or line (the others: a Word file's paragraph, a sheet's row); a PDF row's also its box."""
    assert other.findings and all(f.where for f in other.findings)
    paged = other.document.format in PAGED
    assert all((f.page if paged else f.line) is not None for f in other.findings)
    on_rows = [f for f in other.findings if f.indicator_id is not None]
    first = next(f for f in on_rows if f.code == "REVERSE_SCORED_AS_POSITIVE")
    pdf, docx = "page 5, box (170,578)-(252,605)", "table 2, row 18, paragraph 286"
    expected = {
        "pdf": pdf,
        "ofd": pdf,  # the same geometry as the PDF it was printed from
        "docx": docx,
        "doc": docx,  # converted to DOCX by LibreOffice, same paragraphs
        "wps": docx,
        "html": "table 2, row 18",
        "xlsx": "项目1!D20",
        "xls": "项目1!D20",
        "et": "项目1!D20",
    }[str(other.document.format)]
    assert first.where == expected
    if other.document.format in PAGED:
        assert all(f.bbox is not None and f.page is not None for f in on_rows)


# the other fixtures made for the readers: rows broken across pages, split grids, borderless
OTHER_FIXTURES = [
    f"{stem}.{ext}"
    for stem, exts in (
        ("pagebreaks", ("txt", "docx", "html", "xlsx", "pdf")),
        ("pagebreaks-shuffled", ("pdf",)),
        ("splitgrid", ("txt", "docx", "pdf")),
    )
    for ext in exts
]


@pytest.mark.parametrize("name", OTHER_FIXTURES)
def test_every_finding_in_every_fixture_says_where(name: str) -> None:
    result = process_file(FORMATS / name, load_profile("central"))
    paged = result.document.format in PAGED
    for f in result.findings:  # the broken rows hold no finding; the split grids two
        assert f.where and (f.page if paged else f.line) is not None, (f.code, f.message)
    for i in result.indicators:  # and every row a finding could be raised on
        assert i.where and (i.page if paged else i.line) is not None, i.level3
