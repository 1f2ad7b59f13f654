"""Closed vocabularies of the output tables: a misspelt value fails mypy instead of reaching
Parquet. The columns that take them are declared in `schemas.tables`."""

from __future__ import annotations

from typing import Literal

DocStatus = Literal["ok", "no_tables", "error", "duplicate"]
TableKind = Literal["project", "department"]  # 项目支出 / 部门整体支出
ClaimKind = Literal[
    "score_total", "grade", "parts_sum", "share", "change", "cross_table", "unit_equivalence"
]  # fmt: skip
