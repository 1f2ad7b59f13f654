"""One finding row: what every check builds, with both numbers, in Chinese and English."""

from __future__ import annotations

from dataclasses import dataclass

from schemas.findings import severity
from schemas.tables import EvalTableRow, FindingRow, IndicatorRow


@dataclass(frozen=True, slots=True)
class Where:
    """The file a finding is in; rows carry page and line."""

    doc_id: str
    path: str


def fmt(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}"


def finding(
    where: Where,
    code: str,
    message: tuple[str, str],
    about: EvalTableRow | IndicatorRow,
    values: tuple[float | str | None, float | str | None] = (None, None),
    field: str | None = None,
) -> FindingRow:
    """A finding about a table or a row; `values` is (printed, recomputed)."""
    stated, recomputed = values
    delta = None
    if isinstance(stated, float) and isinstance(recomputed, float):
        delta = round(stated - recomputed, 6)
    row = about if isinstance(about, IndicatorRow) else None
    subject = row.indicator_id if row else about.table_id
    return FindingRow(
        finding_id=f"{subject}.{code}" + (f".{field}" if field else ""),
        doc_id=where.doc_id,
        table_id=about.table_id,
        indicator_id=row.indicator_id if row else None,
        code=code,
        severity=severity(code),
        stated=fmt(stated) if isinstance(stated, float) else stated,
        recomputed=fmt(recomputed) if isinstance(recomputed, float) else recomputed,
        delta=delta,
        message=message[0],
        message_en=message[1],
        path=where.path,
        page=about.page,
        line=about.line,
    )
