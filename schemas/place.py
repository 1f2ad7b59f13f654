"""One finding row: where it is (file, table, row, page, line, the place in the format's own
terms) and the one way every check, reader and claim builds it, with both numbers, in Chinese
and English. What each code means is declared in `schemas.findings`."""

from __future__ import annotations

from dataclasses import dataclass

from schemas import ids
from schemas.findings import severity
from schemas.tables import EvalTableRow, FindingRow, IndicatorRow


@dataclass(frozen=True, slots=True)
class Where:
    """The file a finding is in; rows carry page and line."""

    doc_id: str
    path: str


def fmt(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}"


@dataclass(frozen=True, slots=True)
class Place:
    """What a finding is about and where it was printed: file, table/row if any, page, line."""

    doc_id: str
    path: str
    table_id: str | None = None
    indicator_id: str | None = None
    page: int | None = None
    line: int | None = None
    where: str | None = None  # the place in the file's own terms (schemas.ir)
    bbox: tuple[float, float, float, float] | None = None  # PDF: the flagged cells' box


Values = tuple[str | None, str | None, float | None]  # printed, recomputed, printed − recomputed


def finding_at(
    place: Place,
    finding_id: str,
    code: str,
    message: tuple[str, str],
    values: Values = (None, None, None),
) -> FindingRow:
    """The one way a finding row is built: severity comes from the code's declaration."""
    stated, recomputed, delta = values
    return FindingRow(
        finding_id=finding_id,
        doc_id=place.doc_id,
        table_id=place.table_id,
        indicator_id=place.indicator_id,
        code=code,
        severity=severity(code),
        stated=stated,
        recomputed=recomputed,
        delta=delta,
        message=message[0],
        message_en=message[1],
        path=place.path,
        page=place.page,
        line=place.line,
        where=place.where or _coarse_where(place.page, place.line),
        bbox=place.bbox,
    )


def _coarse_where(page: int | None, line: int | None) -> str | None:
    """Page or line in words when no reader named a finer place (a notice, a claim)."""
    return f"page {page}" if page is not None else f"line {line}" if line is not None else None


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
    about_ids = (where.doc_id, where.path, about.table_id, subject if row else None)
    place = Place(*about_ids, about.page, about.line, about.where, row.bbox if row else None)
    shown = (
        fmt(stated) if isinstance(stated, float) else stated,
        fmt(recomputed) if isinstance(recomputed, float) else recomputed,
        delta,
    )
    return finding_at(
        place, ids.finding_id(subject, code, *([field] if field else [])), code, message, shown
    )
