"""Cells a reader could not align to a row, reported raw: an auditor forgives an unread row,
not a wrong one."""

from __future__ import annotations

from pipeline.extract.located import LocatedTable, Text
from schemas import ids
from schemas.place import Place, finding_at
from schemas.tables import EvalTableRow, FindingRow

_UNPARSED_MESSAGES = {
    "ROW_UNPARSED": (
        "无法对齐为指标行，原文保留：",
        "cells not aligned to any row, kept as printed: ",
    ),
    "TABLE_UNPARSED": (
        "识别到自评表指标行但无法可靠读取（无表头、文字粘连或顺序错乱），未作复核：",
        "self-evaluation rows that cannot be read reliably (no header, glued or scrambled "
        "text); not re-scored: ",
    ),
}


def unparsed_findings(path: str, table: EvalTableRow, located: LocatedTable) -> list[FindingRow]:
    """Cells the reader could not align to a row, kept raw (a wrong number is worse)."""
    if not located.unparsed:
        return []
    code = "TABLE_UNPARSED" if not located.indicators else "ROW_UNPARSED"
    texts = located.unparsed
    if code == "TABLE_UNPARSED":  # one finding for the table, all its unread cells in it
        first = texts[0]
        joined = " ‖ ".join(t.text for t in texts)[:2000]
        texts = [Text(joined, first.page, first.line, first.where, first.bbox)]
    zh, en = _UNPARSED_MESSAGES[code]
    return [
        finding_at(
            Place(
                table.doc_id,
                path,
                table.table_id,
                page=text.page,
                line=text.line,
                where=text.where,
                bbox=text.bbox,
            ),
            ids.finding_id(ids.unparsed_id(table.table_id, k), code),
            code,
            (zh + text.text[:200], en + text.text[:200]),
            (text.text, None, None),
        )
        for k, text in enumerate(texts, start=1)
    ]
