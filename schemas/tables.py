"""Every output table, declared once.

Each table is a frozen dataclass whose fields carry their Arrow type, Chinese label (`zh`) and
meaning (`doc`). The Arrow schema is generated from the declaration, so a column exists in one
place only; writers build rows as these dataclasses, which makes an unknown column a type error
rather than a column pyarrow silently drops.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from schemas import arrowtypes as pa  # pyarrow's type factories by name: pyarrow not imported
from schemas.vocab import ClaimKind, DocStatus, ScoreRule, TableKind

if TYPE_CHECKING:
    import pyarrow

YUAN = pa.decimal128(22, 4)
TS = pa.timestamp("us", tz="UTC")


def col(
    zh: str, arrow: Any, doc: str, *, key: bool = False, default: Any = dataclasses.MISSING
) -> Any:
    """Declare a column: Arrow type, Chinese label, one-line meaning; `key` columns are non-null.

    `default` only for columns added after writers existed (declared last, so rows built
    without them stay valid)."""
    return dataclasses.field(
        default=default, metadata={"zh": zh, "arrow": arrow, "doc": doc, "key": key}
    )


@dataclass(frozen=True, slots=True)
class DocumentRow:
    """One input file. Every file seen gets a row, whether it parsed or not."""

    doc_id: str = col("文档ID", pa.string(), "sha256 of the file bytes", key=True)
    path: str = col("文件路径", pa.string(), "path as given to ingest")
    format: str | None = col("格式", pa.string(), "sniffed format: txt, docx, pdf, html, xlsx")
    size_bytes: int = col("文件大小", pa.int64(), "file size in bytes")
    pages: int | None = col("页数", pa.int32(), "page count for paged formats")
    title: str | None = col("标题", pa.string(), "first heading-like line of the document")
    org: str | None = col("单位", pa.string(), "reporting unit, from the first table or title")
    year: int | None = col("年度", pa.int32(), "budget year, from the tables or title")
    status: DocStatus = col("状态", pa.string(), "ok / no_tables / error / duplicate")
    error: str | None = col("错误", pa.string(), "one-line reason when status is error")
    n_tables: int = col("自评表数", pa.int32(), "self-evaluation tables found")
    n_indicators: int = col("指标数", pa.int32(), "indicator rows found")
    n_findings: int = col("问题数", pa.int32(), "findings raised")
    profile: str = col("评分规则", pa.string(), "scoring profile used")
    parser_version: str | None = col("解析器版本", pa.string(), "parser name and version")
    ingested_at: datetime = col("导入时间", TS, "when this document was ingested (UTC)")
    province: str | None = col("省份", pa.string(), "省级 (extract/region.py)", default=None)
    city: str | None = col("地市", pa.string(), "prefecture-level city (地级)", default=None)
    county: str | None = col("区县", pa.string(), "county-level division (县级)", default=None)
    region_code: str | None = col("行政区划代码", pa.string(), "GB/T 2260", default=None)
    url: str | None = col("来源网址", pa.string(), "published at (--manifest)", default=None)


@dataclass(frozen=True, slots=True)
class EvalTableRow:
    """One self-evaluation table (自评表): header fields, budget block, totals."""

    table_id: str = col("自评表ID", pa.string(), "doc_id prefix + ordinal", key=True)
    doc_id: str = col("文档ID", pa.string(), "document the table is in", key=True)
    seq: int = col("序号", pa.int32(), "1-based ordinal of the table in its document")
    kind: TableKind = col("类型", pa.string(), "project (项目支出) or department (部门整体支出)")
    title: str = col("表名", pa.string(), "title as printed")
    year: int | None = col("年度", pa.int32(), "budget year printed with the table")
    project_name: str | None = col("项目名称", pa.string(), "项目名称 or 部门名称 as printed")
    department: str | None = col("主管部门", pa.string(), "主管部门 as printed")
    implementer: str | None = col("实施单位", pa.string(), "实施单位 as printed")
    budget_initial: float | None = col("年初预算数", pa.float64(), "in budget_unit")
    budget_full_year: float | None = col("全年预算数", pa.float64(), "in budget_unit")
    budget_executed: float | None = col("全年执行数", pa.float64(), "in budget_unit")
    budget_unit: str | None = col("金额单位", pa.string(), "unit printed for the budget block")
    budget_initial_yuan: Decimal | None = col("年初预算数(元)", YUAN, "exact, in 元")
    budget_full_year_yuan: Decimal | None = col("全年预算数(元)", YUAN, "exact, in 元")
    budget_executed_yuan: Decimal | None = col("全年执行数(元)", YUAN, "exact, in 元")
    exec_weight: float | None = col("预算执行分值", pa.float64(), "weight of budget execution")
    exec_rate_stated: float | None = col("执行率(填报)", pa.float64(), "printed, as a fraction")
    exec_rate_recomputed: float | None = col(
        "执行率(复核)", pa.float64(), "executed / full_year, as a fraction"
    )
    exec_score_stated: float | None = col("执行得分(填报)", pa.float64(), "printed")
    exec_score_recomputed: float | None = col(
        "执行得分(复核)", pa.float64(), "exec_weight × min(1, rate), rounded"
    )
    total_stated: float | None = col("总分(填报)", pa.float64(), "printed total")
    total_recomputed: float | None = col(
        "总分(复核)", pa.float64(), "exec score + recomputed rows, duplicates once"
    )
    weight_sum: float | None = col("分值合计", pa.float64(), "exec weight + row weights")
    grade_stated: str | None = col("等级(填报)", pa.string(), "printed grade 优/良/中/差")
    grade_recomputed: str | None = col("等级(复核)", pa.string(), "grade of total_recomputed")
    goal_expected: str | None = col("预期目标", pa.string(), "年度总体目标 · 预期")
    goal_actual: str | None = col("实际完成", pa.string(), "年度总体目标 · 实际完成")
    n_indicators: int = col("指标数", pa.int32(), "indicator rows in the table")
    profile: str = col("评分规则", pa.string(), "scoring profile used")
    page: int | None = col("页码", pa.int32(), "page of the title (1-based)")
    line: int | None = col("行号", pa.int32(), "source line of the title (1-based)")
    budget_parts_initial: float | None = col(
        "其中各项年初预算数合计",
        pa.float64(),
        "sum of the 其中 rows' 年初预算数, in budget_unit",
        default=None,
    )
    budget_parts_full_year: float | None = col(
        "其中各项全年预算数合计",
        pa.float64(),
        "sum of the 其中 rows' 全年预算数, in budget_unit",
        default=None,
    )
    budget_parts_executed: float | None = col(
        "其中各项全年执行数合计",
        pa.float64(),
        "sum of the 其中 rows' 全年执行数, in budget_unit",
        default=None,
    )
    budget_carries_total: bool | None = col(
        "预算行为总分行",
        pa.bool_(),
        "the budget row's 分值/得分 hold the table's weight (100) and total, not a budget score",
        default=None,
    )
    weight_dropped: float | None = col(
        "不适用指标分值",
        pa.float64(),
        "weight of 不适用 rows dropped by the profile; the total is rescaled over the rest",
        default=None,
    )
    form_family: str | None = col(
        "表式",
        pa.string(),
        "column family the header shows: mof, weight_first, no_weight, split_target, "
        "weighted_conversion, coefficient, targets_only, rubric, unknown",
        default=None,
    )
    read_by: str | None = col(
        "读取方式",
        pa.string(),
        "grid (cells where the file put them) or text (grid lost)",
        default=None,
    )
    scoring: str | None = col(
        "复核方式",
        pa.string(),
        "how the family is re-scored (schemas/profiles/families.toml): rules, "
        "rules_assumed (family unknown: the profile's rules applied as printed), "
        "targets_only (nothing scored), rubric, coefficient",
        default=None,
    )
    total_review: float | None = col(
        "总分(复核分)",
        pa.float64(),
        "printed total of the 复核分 / 县级 / 市级评分 column",
        default=None,
    )
    where: str | None = col(
        "位置",
        pa.string(),
        "place in the file's own terms: PDF page and box, DOCX table/row/paragraph, "
        "XLSX Sheet!A1, HTML table/row, text line",
        default=None,
    )
    province: str | None = col("省份", pa.string(), "省级 (extract/region.py)", default=None)
    city: str | None = col("地市", pa.string(), "prefecture-level city (地级)", default=None)
    county: str | None = col("区县", pa.string(), "county-level division (县级)", default=None)
    region_code: str | None = col("行政区划代码", pa.string(), "GB/T 2260", default=None)
    rows_unread: int = col("未读行数", pa.int32(), "ROW_UNPARSED pieces: no total", default=0)


@dataclass(frozen=True, slots=True)
class IndicatorRow:
    """One indicator row (三级指标) as printed and as recomputed."""

    indicator_id: str = col("指标ID", pa.string(), "table_id + ordinal", key=True)
    table_id: str = col("自评表ID", pa.string(), "table the row is in", key=True)
    doc_id: str = col("文档ID", pa.string(), "document the row is in", key=True)
    seq: int = col("序号", pa.int32(), "1-based ordinal of the row in its table")
    level1: str | None = col("一级指标", pa.string(), "bare level-1 label (产出指标)")
    level1_weight: float | None = col("一级指标分值", pa.float64(), "weight printed in the label")
    level2: str | None = col("二级指标", pa.string(), "level-2 label")
    level3: str = col("三级指标", pa.string(), "indicator name as printed")
    indicator_concept: str = col(
        "指标类别", pa.string(), "cost/rate/count/satisfaction/timeliness/quality/qualitative/other"
    )
    target_raw: str | None = col("指标值(原文)", pa.string(), "target as printed")
    target_op: str | None = col("指标值比较符", pa.string(), ">=, <=, =, >, <, qual")
    target_op_inferred: bool = col("比较符推断", pa.bool_(), "operator not printed, inferred")
    target_value: float | None = col("指标值", pa.float64(), "number in target_unit")
    target_unit: str | None = col("指标值单位", pa.string(), "unit as printed")
    target_base: float | None = col("指标值(基准单位)", pa.float64(), "in target_base_unit")
    target_base_unit: str | None = col("指标值基准单位", pa.string(), "元, 人次, …")
    actual_raw: str | None = col("实际完成值(原文)", pa.string(), "actual as printed")
    actual_op: str | None = col("实际值比较符", pa.string(), "operator printed with the actual")
    actual_value: float | None = col("实际完成值", pa.float64(), "number in actual_unit")
    actual_unit: str | None = col("实际值单位", pa.string(), "unit as printed")
    actual_base: float | None = col("实际值(基准单位)", pa.float64(), "in actual_base_unit")
    actual_base_unit: str | None = col("实际值基准单位", pa.string(), "元, 人次, …")
    weight_raw: str | None = col("分值(原文)", pa.string(), "weight as printed")
    weight: float | None = col("分值", pa.float64(), "weight")
    score_raw: str | None = col("得分(原文)", pa.string(), "score as printed")
    score_stated: float | None = col("得分(填报)", pa.float64(), "printed score")
    score_min: float | None = col("复核得分下限", pa.float64(), "lowest score the rules allow")
    score_max: float | None = col("复核得分上限", pa.float64(), "highest score the rules allow")
    score_recomputed: float | None = col(
        "得分(复核)", pa.float64(), "printed score clamped into [score_min, score_max]"
    )
    score_rule: ScoreRule | None = col("评分规则项", pa.string(), "rule applied (positive…)")
    duplicate_of: str | None = col("重复于", pa.string(), "indicator_id of the first occurrence")
    parse_confidence: float = col("解析置信度", pa.float64(), "1 = read cleanly; lower = inferred")
    basis: str | None = col("指标值设定依据", pa.string(), "basis of the target, as printed")
    reason: str | None = col("偏差原因", pa.string(), "偏差原因分析及改进措施 as printed")
    page: int | None = col("页码", pa.int32(), "page of the row (1-based)")
    line: int | None = col("行号", pa.int32(), "source line of the row (1-based)")
    read_confidence: float | None = col(
        "读取置信度",
        pa.float64(),
        "how sure the reader is that the cells sit where their roles say (1 = a grid under a "
        "header it understood); parse_confidence is the lower of this and the values' own",
        default=None,
    )
    row_kind: str | None = col(
        "行类型",
        pa.string(),
        "indicator; part (其中 sub-row, no weight or score); rollup (sum of its children); "
        "group_member (its 二级 group's score is printed on parent_id)",
        default=None,
    )
    parent_id: str | None = col(
        "上级指标ID", pa.string(), "indicator_id of the row this one is part of", default=None
    )
    weight_source: str | None = col(
        "分值来源",
        pa.string(),
        "column, label (`(4分)` in the name), share (权重占比 %), level (the level label's "
        "weight), none",
        default=None,
    )
    description: str | None = col(
        "指标说明", pa.string(), "指标说明 / 指标解释 as printed", default=None
    )
    rule_text: str | None = col("评分标准", pa.string(), "评分标准 as printed", default=None)
    score_review_raw: str | None = col(
        "复核分(原文)", pa.string(), "复核分 / 县级 / 市级 / 财政审核评分 as printed", default=None
    )
    score_review: float | None = col(
        "复核分", pa.float64(), "a reviewer's score printed beside the self score", default=None
    )
    extra_cells: str | None = col(
        "其他栏目",
        pa.string(),
        "every other cell the header names, as JSON {role: text} (得分系数, 权重占比, 单项得分, "
        "折算得分, 是否核心指标, 完成情况, the parts of a split target …)",
        default=None,
    )
    where: str | None = col(
        "位置",
        pa.string(),
        "place in the file's own terms: PDF page and box, DOCX table/row/paragraph, "
        "XLSX Sheet!A1, HTML table/row, text line",
        default=None,
    )
    bbox: tuple[float, float, float, float] | None = col(
        "页面区域",
        pa.list_(pa.float64()),
        "PDF: x0, top, x1, bottom in points from the page's top-left (the flagged cells)",
        default=None,
    )
    ocr_confidence: float | None = col(
        "OCR置信度",
        pa.float64(),
        "least recogniser confidence (0-1) among the row's cells read by OCR; null: not OCR'd",
        default=None,
    )


@dataclass(frozen=True, slots=True)
class FindingRow:
    """One thing an auditor should look at, with both numbers and where it was printed."""

    finding_id: str = col("问题ID", pa.string(), "subject id + code (+ field)", key=True)
    doc_id: str = col("文档ID", pa.string(), "document", key=True)
    table_id: str | None = col("自评表ID", pa.string(), "table, when about one")
    indicator_id: str | None = col("指标ID", pa.string(), "indicator row, when about one")
    code: str = col("问题代码", pa.string(), "finding code (SCORE_MISMATCH, …)")
    severity: str = col("严重程度", pa.string(), "error / warning / info")
    stated: str | None = col("填报值", pa.string(), "what was printed")
    recomputed: str | None = col("复核值", pa.string(), "what the rules give")
    delta: float | None = col("差异", pa.float64(), "stated − recomputed, when both are numbers")
    message: str = col("说明", pa.string(), "what is wrong, in Chinese")
    message_en: str = col("说明(英文)", pa.string(), "what is wrong, in English")
    path: str = col("文件路径", pa.string(), "file the finding is in")
    page: int | None = col("页码", pa.int32(), "page (1-based)")
    line: int | None = col("行号", pa.int32(), "source line (1-based)")
    where: str | None = col(
        "位置",
        pa.string(),
        "place in the file's own terms: PDF page and box, DOCX table/row/paragraph, "
        "XLSX Sheet!A1, HTML table/row, text line",
        default=None,
    )
    bbox: tuple[float, float, float, float] | None = col(
        "页面区域",
        pa.list_(pa.float64()),
        "PDF: x0, top, x1, bottom in points from the page's top-left (the flagged cells)",
        default=None,
    )
    unit: str | None = col("单位", pa.string(), "table's 实施单位/主管部门, else org", default=None)
    province: str | None = col("省份", pa.string(), "省级 (extract/region.py)", default=None)
    city: str | None = col("地市", pa.string(), "prefecture-level city (地级)", default=None)
    county: str | None = col("区县", pa.string(), "county-level division (县级)", default=None)
    region_code: str | None = col("行政区划代码", pa.string(), "GB/T 2260", default=None)


@dataclass(frozen=True, slots=True)
class ClaimRow:
    """One checkable numeric statement in the narrative text."""

    claim_id: str = col("陈述ID", pa.string(), "doc_id prefix + ordinal", key=True)
    doc_id: str = col("文档ID", pa.string(), "document", key=True)
    seq: int = col("序号", pa.int32(), "1-based ordinal in the document")
    kind: ClaimKind = col(
        "类型",
        pa.string(),
        "score_total, grade, parts_sum, share, change, cross_table, unit_equivalence",
    )
    text: str = col("原文", pa.string(), "the sentence holding the claim")
    subject: str | None = col("对象", pa.string(), "what the number is about")
    stated: float | None = col("陈述值", pa.float64(), "the number printed")
    recomputed: float | None = col("复核值", pa.float64(), "the number from the other figures")
    consistent: bool = col("一致", pa.bool_(), "|stated − recomputed| ≤ tolerance")
    tolerance: float = col("容差", pa.float64(), "allowed difference from printed precision")
    detail: str | None = col("复核过程", pa.string(), "how recomputed was obtained")
    page: int | None = col("页码", pa.int32(), "page (1-based)")
    line: int | None = col("行号", pa.int32(), "source line (1-based)")


@dataclass(frozen=True, slots=True)
class RunRow:
    """One `ziping ingest` invocation."""

    run_id: str = col("运行ID", pa.string(), "start time + random suffix", key=True)
    started_at: datetime = col("开始时间", TS, "UTC")
    finished_at: datetime | None = col("结束时间", TS, "UTC; null while running or killed")
    version: str = col("版本", pa.string(), "ziping version")
    profile: str = col("评分规则", pa.string(), "scoring profile used")
    documents_seen: int = col("文档数", pa.int32(), "files offered to the run")
    skipped: int = col("跳过", pa.int32(), "unchanged since last run")
    ok: int = col("成功", pa.int32(), "status ok or no_tables")
    failed: int = col("失败", pa.int32(), "status error")


Row = DocumentRow | EvalTableRow | IndicatorRow | FindingRow | ClaimRow | RunRow

TABLES: dict[str, type[Any]] = {
    "documents": DocumentRow,
    "eval_tables": EvalTableRow,
    "indicators": IndicatorRow,
    "findings": FindingRow,
    "claims": ClaimRow,
    "runs": RunRow,
}

TABLE_LABELS: dict[str, str] = {
    "documents": "文档",
    "eval_tables": "自评表",
    "indicators": "绩效指标",
    "findings": "问题清单",
    "claims": "文字陈述",
    "runs": "运行记录",
}


def arrow_schema(name: str) -> pyarrow.Schema:
    """The Arrow schema of table `name`, with `zh` and `doc` in every field's metadata."""
    cls = TABLES[name]
    fields = [
        pa.field(
            f.name,
            f.metadata["arrow"],
            nullable=not f.metadata["key"],
            metadata={"zh": f.metadata["zh"], "doc": f.metadata["doc"]},
        )
        for f in dataclasses.fields(cls)
    ]
    return pa.schema(fields, metadata={"table": name, "zh": TABLE_LABELS[name]})


def columns(name: str) -> list[dataclasses.Field[Any]]:
    """The declared fields of table `name`, in order (for data dictionaries and reports)."""
    return list(dataclasses.fields(TABLES[name]))
