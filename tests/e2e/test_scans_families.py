"""Scans of every other table family read into the rows and findings of their text PDF.

`fam-<family>.pdf` is `fam-<family>-text.pdf` rasterised at 150 dpi with no text layer
(tests/fixtures/make/make_scans.py): split targets (`≥` | `90` | `%`, a lone `=` among
them), a weighted conversion, targets only, no weight column, coefficients, a rubric. The
text PDF's rows and findings are what OCR must give; texts compare as NFKC folds them (a
small-form `﹦` printed is the `=` read).
"""

from __future__ import annotations

import functools
import unicodedata
from collections import Counter
from pathlib import Path

import pytest

from parsers.limits import Limits
from pipeline.batch.document import DocResult, process_file
from schemas.profile import load_profile
from tests.fixtures.make.make_scans import FAMILY_SCANS

SCANS = Path(__file__).parents[1] / "fixtures" / "scans"
FIELDS = ("level1", "level2", "level3", "target_raw", "actual_raw", "weight", "score_stated")
OCR_NOTICES = {"OCR_PAGE", "TEXT_LAYER_UNREADABLE", "CLAIM_MISMATCH"}
FAMILIES = FAMILY_SCANS  # the families the fixture script scanned


def folded(value: object) -> object:
    return unicodedata.normalize("NFKC", value) if isinstance(value, str) else value


def rows(result: DocResult) -> list[tuple[object, ...]]:
    return [tuple(folded(getattr(r, f)) for f in FIELDS) for r in result.indicators]


def findings(result: DocResult) -> Counter[tuple[object, ...]]:
    return Counter(
        (f.code, folded(f.stated), folded(f.recomputed))
        for f in result.findings
        if f.code not in OCR_NOTICES
    )


@functools.cache
def read(name: str) -> DocResult:
    return process_file(SCANS / name, load_profile("central"), Limits(ocr="auto"))


@pytest.mark.parametrize("family", FAMILIES)
def test_a_scanned_family_reads_as_its_text_pdf(family: str) -> None:
    truth, got = read(f"fam-{family}-text.pdf"), read(f"fam-{family}.pdf")
    assert got.indicators and rows(got) == rows(truth)
    assert findings(got) == findings(truth)
    assert all(r.ocr_confidence is not None for r in got.indicators)


def test_a_lone_equals_sign_is_read_and_the_row_checked() -> None:
    """`= | 100 | %`: the `=` told by its shape, its row as sure as that (checked)."""
    got = read("fam-weighted_conversion.pdf")
    row = next(r for r in got.indicators if r.level3 == "预算执行率")
    assert (row.target_raw, row.target_op, row.target_value) == ("= 100 %", "=", 100.0)
    assert row.ocr_confidence == 0.85
    assert not [f for f in got.findings if f.code in ("UNPARSEABLE_VALUE", "OCR_REPAIRED")]
