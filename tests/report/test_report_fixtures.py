"""Small datasets built from the row dataclasses, for the report, query and dataset tests.

`build_dataset` writes `<root>/<table>/part-0.parquet` with the declared schemas: one ordinary
document modelled on seed 004's 科普经费 table (a reverse indicator scored as positive and the
total mismatch it causes), one document whose every text cell is hostile HTML / JavaScript /
spreadsheet-formula, and a document that failed to parse.
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from pipeline.dataset import load as dataset
from schemas.tables import (
    ClaimRow,
    DocumentRow,
    EvalTableRow,
    FindingRow,
    IndicatorRow,
    arrow_schema,
)

SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"
JS_LINK = '<a href="javascript:alert(1)">点我</a>'
FORMULA = '=HYPERLINK("javascript:alert(1)","x")'
HOSTILE = (SCRIPT, IMG, JS_LINK, FORMULA)

DOC_OK = "a" * 64
DOC_HOSTILE = "b" * 64
DOC_BAD = "c" * 64
WHEN = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)


def document(doc_id: str, path: str, **kw: Any) -> DocumentRow:
    base: dict[str, Any] = {
        "doc_id": doc_id,
        "path": path,
        "format": "txt",
        "size_bytes": 1000,
        "pages": None,
        "title": "2024年度绩效自评报告",
        "org": "科技馆",
        "year": 2024,
        "status": "ok",
        "error": None,
        "n_tables": 1,
        "n_indicators": 2,
        "n_findings": 2,
        "profile": "central",
        "parser_version": "txt/1",
        "ingested_at": WHEN,
    }
    return DocumentRow(**{**base, **kw})


def eval_table(table_id: str, doc_id: str, **kw: Any) -> EvalTableRow:
    base: dict[str, Any] = {f.name: None for f in dataclasses.fields(EvalTableRow)}
    base.update(
        table_id=table_id,
        doc_id=doc_id,
        seq=1,
        kind="project",
        title="项目支出绩效自评表",
        year=2024,
        project_name="科普经费",
        department="科学技术协会",
        implementer="科学技术馆",
        budget_initial=100.0,
        budget_full_year=100.0,
        budget_executed=100.0,
        budget_unit="万元",
        budget_initial_yuan=Decimal("1000000"),
        budget_full_year_yuan=Decimal("1000000"),
        budget_executed_yuan=Decimal("1000000"),
        exec_weight=10.0,
        exec_rate_stated=1.0,
        exec_rate_recomputed=1.0,
        exec_score_stated=10.0,
        exec_score_recomputed=10.0,
        total_stated=99.41,
        total_recomputed=99.53,
        weight_sum=100.0,
        grade_stated="优",
        grade_recomputed="优",
        n_indicators=2,
        profile="central",
        page=None,
        line=40,
    )
    return EvalTableRow(**{**base, **kw})


def indicator(indicator_id: str, table_id: str, doc_id: str, **kw: Any) -> IndicatorRow:
    base: dict[str, Any] = {f.name: None for f in dataclasses.fields(IndicatorRow)}
    base.update(
        indicator_id=indicator_id,
        table_id=table_id,
        doc_id=doc_id,
        seq=1,
        level1="产出指标",
        level1_weight=50.0,
        level2="数量指标",
        level3="科普活动场次",
        indicator_concept="count",
        target_raw="≥50场",
        target_op=">=",
        target_op_inferred=False,
        target_value=50.0,
        target_unit="场",
        actual_raw="52场",
        actual_value=52.0,
        actual_unit="场",
        weight_raw="20",
        weight=20.0,
        score_raw="20",
        score_stated=20.0,
        score_min=20.0,
        score_max=20.0,
        score_recomputed=20.0,
        score_rule="positive",
        parse_confidence=1.0,
        page=None,
        line=50,
    )
    return IndicatorRow(**{**base, **kw})


def finding(finding_id: str, doc_id: str, code: str, severity: str, **kw: Any) -> FindingRow:
    base: dict[str, Any] = {
        "finding_id": finding_id,
        "doc_id": doc_id,
        "table_id": None,
        "indicator_id": None,
        "code": code,
        "severity": severity,
        "stated": None,
        "recomputed": None,
        "delta": None,
        "message": "问题",
        "message_en": "problem",
        "path": "data/raw/x.txt",
        "page": None,
        "line": None,
    }
    return FindingRow(**{**base, **kw})


def claim(claim_id: str, doc_id: str, seq: int, consistent: bool, **kw: Any) -> ClaimRow:
    base: dict[str, Any] = {
        "claim_id": claim_id,
        "doc_id": doc_id,
        "seq": seq,
        "kind": "score_total",
        "text": "项目自评得分99.41分",
        "subject": "科普经费",
        "stated": 99.41,
        "recomputed": 99.53 if not consistent else 99.41,
        "consistent": consistent,
        "tolerance": 0.01,
        "detail": "自评表总分",
        "page": None,
        "line": 12,
    }
    return ClaimRow(**{**base, **kw})


def write(root: Path, name: str, rows: list[Any]) -> None:
    """One part file for table `name`, built with the declared schema (unknown keys fail)."""
    folder = root / name
    folder.mkdir(parents=True, exist_ok=True)
    table = pa.Table.from_pylist([dataclasses.asdict(r) for r in rows], schema=arrow_schema(name))
    pq.write_table(table, folder / "part-0.parquet")


def ordinary_rows() -> dict[str, list[Any]]:
    """Seed-004-like: 融媒体宣传服务费 ≤30万元, actual 29.5, printed 6.88, recomputed 7.00."""
    t1 = f"{DOC_OK[:12]}-t01"
    reverse = indicator(
        f"{t1}-r02",
        t1,
        DOC_OK,
        seq=2,
        level1="成本指标",
        level1_weight=20.0,
        level2="经济成本指标",
        level3="融媒体宣传服务费",
        indicator_concept="cost",
        target_raw="≤30万元",
        target_op="<=",
        target_value=30.0,
        target_unit="万元",
        actual_raw="29.5万元",
        actual_value=29.5,
        actual_unit="万元",
        weight_raw="7",
        weight=7.0,
        score_raw="6.88",
        score_stated=6.88,
        score_min=7.0,
        score_max=7.0,
        score_recomputed=7.0,
        score_rule="reverse",
        line=60,
    )
    return {
        "documents": [document(DOC_OK, "data/raw/004_seed.txt")],
        "eval_tables": [eval_table(t1, DOC_OK)],
        "indicators": [indicator(f"{t1}-r01", t1, DOC_OK), reverse],
        "findings": [
            finding(
                f"{t1}-r02:REVERSE_SCORED_AS_POSITIVE",
                DOC_OK,
                "REVERSE_SCORED_AS_POSITIVE",
                "error",
                table_id=t1,
                indicator_id=f"{t1}-r02",
                stated="6.88",
                recomputed="7.00",
                delta=-0.12,
                message="融媒体宣传服务费: ≤30万元 已达成 (29.5万元) → 满分7.00, 填报6.88",
                message_en=(
                    "融媒体宣传服务费: ≤30万元 achieved (29.5万元) → full 7.00, printed 6.88"
                ),
                path="data/raw/004_seed.txt",
                line=60,
            ),
            finding(
                f"{t1}:TOTAL_MISMATCH",
                DOC_OK,
                "TOTAL_MISMATCH",
                "error",
                table_id=t1,
                stated="99.41",
                recomputed="99.53",
                delta=-0.12,
                message="总分 99.41 与复核 99.53 不符",
                message_en="total 99.41, recomputed 99.53",
                path="data/raw/004_seed.txt",
                line=40,
            ),
        ],
        "claims": [
            claim(f"{DOC_OK[:12]}-c01", DOC_OK, 1, True),
            claim(f"{DOC_OK[:12]}-c02", DOC_OK, 2, False, text="总分为99.41分，评价等级为优"),
        ],
    }


def hostile_rows() -> dict[str, list[Any]]:
    """Every text cell an attack: the report must show these as text, never run them."""
    t1 = f"{DOC_HOSTILE[:12]}-t01"
    evil = indicator(
        f"{t1}-r01",
        t1,
        DOC_HOSTILE,
        level1=SCRIPT,
        level2=IMG,
        level3=JS_LINK,
        target_raw=FORMULA,
        actual_raw=SCRIPT,
        score_stated=9.0,
        score_raw="9",
        reason=IMG,
    )
    return {
        "documents": [document(DOC_HOSTILE, f"data/raw/{SCRIPT}.txt", title=IMG, org=JS_LINK)],
        "eval_tables": [
            eval_table(
                t1,
                DOC_HOSTILE,
                title=SCRIPT,
                project_name=IMG,
                department=JS_LINK,
                implementer=SCRIPT,
                goal_expected=FORMULA,
                total_stated=None,
                total_recomputed=None,
            )
        ],
        "indicators": [evil],
        "findings": [
            finding(
                f"{t1}-r01:SCORE_MISMATCH",
                DOC_HOSTILE,
                "SCORE_MISMATCH",
                "error",
                table_id=t1,
                indicator_id=f"{t1}-r01",
                stated=SCRIPT,
                recomputed=IMG,
                message=f"{SCRIPT} {JS_LINK}",
                message_en=IMG,
                path=f"data/raw/{SCRIPT}.txt",
                line=7,
            ),
            finding(
                f"{t1}:PLACEHOLDER_FIELD",
                DOC_HOSTILE,
                "PLACEHOLDER_FIELD",
                "info",
                table_id=t1,
                stated=JS_LINK,
                message=FORMULA,
            ),
        ],
        "claims": [claim(f"{DOC_HOSTILE[:12]}-c01", DOC_HOSTILE, 1, False, text=SCRIPT)],
    }


def failed_document() -> DocumentRow:
    return document(
        DOC_BAD,
        "data/raw/broken.pptx",
        format=None,
        status="error",
        error="unsupported format: pptx",
        n_tables=0,
        n_indicators=0,
        n_findings=0,
        title=None,
    )


def build_dataset(
    root: Path, *, hostile: bool = True, claims: bool = True, findings: bool = True
) -> Path:
    """Write a dataset under `root` and return it; flags leave out whole tables."""
    tables = ordinary_rows()
    if hostile:
        for name, rows in hostile_rows().items():
            tables[name].extend(rows)
    tables["documents"].append(failed_document())
    if not claims:
        del tables["claims"]
    if not findings:
        del tables["findings"]
    for name, rows in tables.items():
        write(root, name, rows)
    return root


def test_fixture_round_trips(tmp_path: Path) -> None:
    data = build_dataset(tmp_path)
    assert dataset.present(data) == ["documents", "eval_tables", "indicators", "findings", "claims"]
    assert dataset.read_rows(data, "indicators")[2]["level1"] == SCRIPT
