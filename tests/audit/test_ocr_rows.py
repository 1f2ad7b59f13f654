"""Rows read by OCR: confidence into indicators, look-alikes repaired and recorded, findings
that say the cell came from a scan. Built on the text PDF's IR with OCR confidences set, so
no recogniser runs here (tests/e2e/test_scans.py runs it)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from parsers import parse
from pipeline.batch.document import DocResult, process_document
from schemas import Cell, Document, Table
from schemas.profile import load_profile

TEXT_PDF = Path(__file__).parents[1] / "fixtures" / "scans" / "scans-text.pdf"


def as_scanned(doc: Document, confidence: float, misread: dict[str, str]) -> Document:
    """`doc` as if OCR had read it: every cell with `confidence`, texts in `misread` replaced."""

    def cell(c: Cell) -> Cell:
        return dataclasses.replace(c, text=misread.get(c.text, c.text), confidence=confidence)

    blocks = tuple(
        Table(tuple(tuple(cell(c) for c in row) for row in b.rows), b.page_start, b.page_end)
        if isinstance(b, Table)
        else b
        for b in doc.blocks
    )
    return dataclasses.replace(doc, blocks=blocks)


def run(doc: Document) -> DocResult:
    return process_document(doc, 1, load_profile("central"))


def test_ocr_rows_carry_confidence_and_findings_say_so() -> None:
    text = parse(TEXT_PDF)
    plain, scanned = run(text), run(as_scanned(text, 0.93, {"≥90%": "290%"}))
    assert {r.ocr_confidence for r in plain.indicators} == {None}
    assert {r.ocr_confidence for r in scanned.indicators} == {0.93}
    assert max(r.parse_confidence for r in scanned.indicators) <= 0.93
    repaired = [f for f in scanned.findings if f.code == "OCR_REPAIRED"]
    misread = [r for r in scanned.indicators if r.target_raw == "290%"]
    assert len(misread) == sum(1 for r in plain.indicators if r.target_raw == "≥90%") > 0
    assert [(f.stated, f.recomputed) for f in repaired] == [("290%", "≥90%")] * len(misread)
    assert {(r.target_op, r.target_value, r.parse_confidence) for r in misread} == {
        (">=", 90.0, 0.8)
    }
    same = [(f.code, f.stated, f.recomputed) for f in plain.findings if f.code != "CLAIM_MISMATCH"]
    noted = [f for f in scanned.findings if f.code not in ("OCR_REPAIRED", "CLAIM_MISMATCH")]
    assert [(f.code, f.stated, f.recomputed) for f in noted] == same
    assert noted and all("OCR" in f.message and "OCR" in f.message_en for f in noted)
