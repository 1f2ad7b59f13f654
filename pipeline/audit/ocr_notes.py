"""Rows read from a scan: their OCR confidence, and findings on them that say so.

A discrepancy in a scanned table may be the recogniser's misreading, not the publisher's
error, so every finding about an OCR'd row (or a table holding one) names the recogniser's
confidence in its message, in both languages: an auditor checks the picture before the sums.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Iterator

from pipeline.extract.located import RawIndicator, Text
from pipeline.extract.values import Value, parse_value
from schemas.tables import FindingRow, IndicatorRow


def is_ocr(text: Text | None) -> bool:
    return text is not None and text.ocr is not None


def stored_values(row: IndicatorRow) -> tuple[Value, Value]:
    """A stored row's target and actual, OCR look-alikes repaired when it came from a scan."""
    ocr = row.ocr_confidence is not None
    return parse_value(row.target_raw, ocr=ocr, target=True), parse_value(row.actual_raw, ocr=ocr)


def ocr_cap(row: IndicatorRow, target: Value, actual: Value) -> float:
    """The most `parse_confidence` a row read by OCR may have: no surer than the recogniser,
    and 0.8 when a look-alike was taken for what it resembles (1.0 for other rows)."""
    cap = 1.0 if row.ocr_confidence is None else row.ocr_confidence
    return min(cap, 0.8) if target.repaired or actual.repaired else cap


def ocr_confidence(raw: RawIndicator) -> float | None:
    """The least OCR confidence among the row's cells; None when none was read by OCR."""
    texts = (raw.level1, raw.level2, raw.level3, raw.target, raw.actual, raw.weight, raw.score)
    scores = [t.ocr for t in texts if t is not None and t.ocr is not None]
    return min(scores) if scores else None


def noted(findings: Iterable[FindingRow], rows: list[IndicatorRow]) -> Iterator[FindingRow]:
    """`findings` with an OCR note on those about OCR'd rows or their table."""
    by_row = {r.indicator_id: r.ocr_confidence for r in rows if r.ocr_confidence is not None}
    by_table: dict[str, float] = {}
    for r in rows:
        if r.ocr_confidence is not None:
            by_table[r.table_id] = min(by_table.get(r.table_id, 1.0), r.ocr_confidence)
    for f in findings:
        confidence = by_row.get(f.indicator_id or "") or by_table.get(f.table_id or "")
        if confidence is None:
            yield f
            continue
        yield dataclasses.replace(
            f,
            message=f"{f.message}（表格经OCR识别，置信度{confidence:.2f}，请对照原件）",
            message_en=f"{f.message_en} (read by OCR from a scan, confidence {confidence:.2f}:"
            " check against the page image)",
        )
