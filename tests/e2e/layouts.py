"""What the layout tests share: the fixtures folder, a row as the tests compare it, and the
ways a fixture is read (whole pipeline, one table expected or any; located tables only)."""

from __future__ import annotations

from pathlib import Path

import parsers
from pipeline.batch.document import DocResult, process_file
from pipeline.extract.locate import locate
from pipeline.extract.located import LocatedTable
from schemas.profile import Profile

LAYOUTS = Path(__file__).parents[1] / "fixtures" / "layouts"
UNREAD = {"ROW_UNPARSED", "TABLE_UNPARSED"}
# level1, level1 weight, level2, level3, target, actual, weight, stated score
Row = tuple[
    str | None, float | None, str | None, str, str | None, str | None, float | None, float | None
]


def rows_of(result: DocResult) -> list[Row]:
    return [
        (
            r.level1,
            r.level1_weight,
            r.level2,
            r.level3,
            r.target_raw,
            r.actual_raw,
            r.weight,
            r.score_stated,
        )
        for r in result.indicators
    ]


def read_all(name: str, central: Profile) -> DocResult:
    result = process_file(LAYOUTS / name, central)
    assert result.document.status == "ok", result.document.error
    return result


def read(name: str, central: Profile) -> DocResult:
    """A fixture that holds one table."""
    result = read_all(name, central)
    assert len(result.tables) == 1
    return result


def located(name: str) -> list[LocatedTable]:
    return locate(parsers.parse_bytes((LAYOUTS / name).read_bytes(), name)).tables
