"""Rows read by OCR: confidence into indicators, look-alikes repaired and recorded, findings
that say the cell came from a scan. Built on the text PDF's IR with OCR confidences set, so
no recogniser runs here (tests/e2e/test_scans.py runs it)."""

from __future__ import annotations

import dataclasses
import json
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


OCR_TEXT = """项目支出绩效自评表
(2021年度)
项目名称 河道保洁补助资金
一级指标 二级指标 三级指标 预期指标值 全年实际值 权重 实际得分
产出指标（40分） 数量指标 文化活动建设数量 ≥20次 20次 9 9
产出指标（40分） 数量指标 中小学校舍完成数 5=300人次 258人次 IO 8.6
产出指标（40分） 质量指标 受益群众完好率 ^95% 83.7$ 21 18.49
合计 40 36.09
"""


def test_text_ocrd_elsewhere_is_read_repaired_with_its_printed_text(tmp_path: Path) -> None:
    """Text that reached us already OCR'd (a scan's text layer): unambiguous look-alikes are
    read as what they stand for, the printed text kept in extra_cells, the row less sure."""
    path = tmp_path / "ocr.txt"
    path.write_text(OCR_TEXT, encoding="utf-8")
    rows = run(parse(path)).indicators
    read = [(r.target_raw, r.actual_raw, r.weight_raw, r.read_confidence) for r in rows]
    assert read == [
        ("≥20次", "20次", "9", 0.9),  # a text row's confidence
        ("≥300人次", "258人次", "10", 0.8),
        ("≥95%", "83.7%", "21", 0.8),
    ]
    assert [json.loads(r.extra_cells or "{}") for r in rows[1:]] == [
        {"target_printed": "5=300人次", "weight_printed": "IO"},
        {"target_printed": "^95%", "actual_printed": "83.7$"},
    ]
    repaired = [f.message_en for f in run(parse(path)).findings if f.code == "OCR_REPAIRED"]
    assert repaired == [  # said as for a scan ziping OCR'd itself
        "中小学校舍完成数: OCR read target '5=300人次', taken as '≥300人次'",
        "中小学校舍完成数: OCR read weight 'IO', taken as '10.00'",
        "受益群众完好率: OCR read target '^95%', taken as '≥95%'",
        "受益群众完好率: OCR read actual '83.7$', taken as '83.7%'",
    ]
