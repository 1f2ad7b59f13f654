"""Rows read from a scan: their OCR confidence, and findings on them that say so.

A discrepancy in a scanned table may be the recogniser's misreading, not the publisher's
error, so every finding about an OCR'd row (or a table holding one) names the recogniser's
confidence in its message, in both languages: an auditor checks the picture before the sums.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Iterator

from pipeline.extract.located import RawIndicator, Text
from schemas.tables import FindingRow, IndicatorRow


def is_ocr(text: Text | None) -> bool:
    return text is not None and text.ocr is not None


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
