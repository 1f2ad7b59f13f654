"""Scanned reports: image files and image-only PDFs read by OCR into the rows of the text PDF.

The fixtures are renderings of `scans-text.pdf` (tests/fixtures/make/make_scans.py), so that
PDF's rows and findings are what every scan must give. OCR costs seconds a page, so only a
few pages are read here (one JPEG page, a two-page TIFF, a two-page skewed and stamped PDF);
`bench/ocr_bench.py` reads them all.
"""

from __future__ import annotations

import io
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from parsers import parse_bytes
from parsers.limits import Limits
from parsers.ocr import raster, recognize
from parsers.ocr.recognize import tidy
from parsers.ocr.ruling import Rect
from parsers.sniff import sniff
from pipeline.batch.document import DocResult, process_file
from schemas import ParseError
from schemas.profile import load_profile

SCANS = Path(__file__).parents[1] / "fixtures" / "scans"
FIELDS = ("level1", "level2", "level3", "target_raw", "actual_raw", "weight", "score_stated")
PAGE_NOTICES = {"OCR_PAGE", "TEXT_LAYER_UNREADABLE"}


def rows(result: DocResult, table: int | None = None) -> list[tuple[object, ...]]:
    wanted = result.tables[table - 1].table_id if table else None
    return [
        tuple(getattr(r, f) for f in FIELDS)
        for r in result.indicators
        if wanted is None or r.table_id == wanted
    ]


def findings(result: DocResult, table: int | None = None) -> Counter[tuple[object, ...]]:
    wanted = result.tables[table - 1].table_id if table else None
    return Counter(
        (f.code, f.stated, f.recomputed)
        for f in result.findings
        if f.code not in PAGE_NOTICES and f.code != "CLAIM_MISMATCH"
        if wanted is None or f.table_id == wanted
    )


@pytest.fixture(scope="module")
def truth() -> DocResult:
    return process_file(SCANS / "scans-text.pdf", load_profile("central"))


def scan(name: str) -> DocResult:
    return process_file(SCANS / name, load_profile("central"), Limits(ocr="auto"))


def test_images_are_sniffed_by_their_bytes() -> None:
    for name in ("a-150.png", "a-150.jpg", "b-pages.tif"):
        data = (SCANS / name).read_bytes()
        assert sniff(data, "report.pdf") == "image"  # the name lies; the bytes do not
    assert sniff((SCANS / "image-only.pdf").read_bytes(), "x.png") == "pdf"


def test_jpeg_page_gives_the_text_pdfs_rows_and_findings(truth: DocResult) -> None:
    got = scan("a-150.jpg")
    assert got.document.format == "image"
    assert len(got.tables) == 1
    assert rows(got) == rows(truth, 1)
    assert findings(got) == findings(truth, 1)
    assert [t.total_stated for t in got.tables] == [truth.tables[0].total_stated]


def test_two_page_tiff_is_one_table_stitched_over_the_break(truth: DocResult) -> None:
    got = scan("b-pages.tif")
    assert got.document.pages == 2
    assert [(t.title, t.page) for t in got.tables] == [(truth.tables[1].title, 1)]
    assert rows(got) == rows(truth, 2)
    assert findings(got) == findings(truth, 2)


def test_skewed_stamped_image_only_pdf(truth: DocResult) -> None:
    got = scan("b-skew-stamp.pdf")
    assert rows(got) == rows(truth, 2)
    assert findings(got) == findings(truth, 2)
    notices = [(f.code, f.page) for f in got.findings if f.code in PAGE_NOTICES]
    assert notices == [("OCR_PAGE", 1), ("OCR_PAGE", 2)]


def test_ocr_cells_carry_a_confidence_and_text_cells_none() -> None:
    data = (SCANS / "a-150.png").read_bytes()
    table = next(parse_bytes(data, "a.png").tables())
    scores = [c.confidence for row in table.rows for c in row]
    assert all(s is not None and 0.0 <= s <= 1.0 for s in scores)
    assert sum(1 for s in scores if s is not None and s >= 0.9) >= 0.9 * len(scores)
    text = next(parse_bytes((SCANS / "scans-text.pdf").read_bytes(), "t.pdf").tables())
    assert {c.confidence for row in text.rows for c in row} == {None}


def test_ocr_off_reports_each_scanned_page_and_reads_none() -> None:
    data = (SCANS / "image-only.pdf").read_bytes()
    doc = parse_bytes(data, "scan.pdf", Limits(ocr="off"))
    assert list(doc.tables()) == []
    assert [(n.code, n.page) for n in doc.notices] == [
        ("TEXT_LAYER_UNREADABLE", p) for p in (1, 2, 3, 4)
    ]
    with pytest.raises(ValueError, match="ocr must be auto, off or force"):
        Limits(ocr="sometimes")


def test_tilt_is_measured_from_the_ruling_lines() -> None:
    page = Image.open(SCANS / "a-150.png")
    for degrees in (1.5, -0.8):
        turned = page.rotate(degrees, resample=Image.Resampling.BICUBIC, fillcolor=255)
        angle = raster.skew_angle(raster.ink(np.asarray(turned)))
        assert angle == pytest.approx(-degrees, abs=0.1)
        level = raster.skew_angle(raster.ink(raster.deskew(np.asarray(turned))))
        assert abs(level) < 0.1


def test_red_seal_is_paper_in_the_gray_image() -> None:
    rgb = np.full((4, 4, 3), 255, np.uint8)
    rgb[0, 0] = (215, 40, 45)  # seal ink
    rgb[1, 1] = (20, 20, 20)  # print
    gray = raster.seal_free(rgb)
    assert (gray[0, 0], gray[1, 1]) == (215, 20)


def test_recogniser_spaces_and_brackets_read_as_typed() -> None:
    assert tidy(" >=510 人 ") == ">=510人"
    assert tidy("受益群众满意度(%)") == "受益群众满意度（%）"
    assert tidy("lz,  abc def") == "lz, abc def"
    assert tidy("f(x) = 1") == "f(x) = 1"


def test_tiff_frames_count_as_pages_for_max_pages() -> None:
    data = (SCANS / "b-pages.tif").read_bytes()
    with pytest.raises(ParseError, match=r"image has 2 pages, over the limit max_pages=1"):
        parse_bytes(data, "b.tif", Limits(max_pages=1, ocr="off"))
    doc = parse_bytes(data, "b.tif", Limits(max_pages=2, ocr="off"))
    assert doc.pages == 2


def _read_alone(
    glyph: str, font: ImageFont.FreeTypeFont, size: tuple[int, int], scale: float
) -> recognize.Line:
    """The one line the OCR reader finds on a blank cell holding `glyph` alone."""
    page = Image.new("L", size, 255)
    ImageDraw.Draw(page).text((25, 10), glyph, font=font, fill=0)
    gray = np.asarray(page).copy()
    lines = recognize.text_lines(raster.ink(gray), Rect(0, 0, *size), scale)
    [line] = recognize.read_lines(gray, lines)
    return line


def test_a_comparator_alone_in_its_cell_is_read_as_printed() -> None:
    # a split target prints `≥` | `90` | `%` in three cells; read alone, the recogniser
    # took `≥` for N and `≤` for M (no text around to tell it what it looks at)
    font = ImageFont.truetype("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 21)
    for glyph in ("≥", "≤"):
        line = _read_alone(glyph, font, (80, 50), 150 / 72)
        assert line.text == glyph
        assert line.confidence >= 0.9


def test_a_lone_equals_sign_is_told_from_er_by_its_shape() -> None:
    # alone in a 指标性质 cell `=` is two bars lower than a text line (once dropped as
    # specks) and the recogniser reads it as 二, surely; 二's upper bar is the shorter one
    for face in ("Sans", "Serif"):
        font = ImageFont.truetype(f"/usr/share/fonts/opentype/noto/Noto{face}CJK-Regular.ttc", 21)
        for glyph, read in (("=", "="), ("﹦", "="), ("二", "二")):
            line = _read_alone(glyph, font, (80, 60), 21 / 9)
            assert line.text == read
            if read == "=":  # told by its shape, not by the recogniser: checked
                assert line.confidence == recognize.BARS_CONFIDENCE


def test_unreadable_image_is_a_parse_error() -> None:
    buffer = io.BytesIO()
    Image.new("L", (10, 10), 255).save(buffer, format="PNG")
    broken = buffer.getvalue()[:40]
    with pytest.raises(ParseError, match="unreadable image"):
        parse_bytes(broken, "bad.png")


def test_models_ship_in_the_package() -> None:
    import rapidocr  # noqa: PLC0415

    models = Path(rapidocr.__file__).parent / "models"
    assert any(p.suffix == ".onnx" and "rec" in p.name for p in models.iterdir())
