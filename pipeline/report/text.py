"""diff.md and findings.csv: the report as Markdown, and the findings as a spreadsheet-safe CSV.

Markdown renderers pass raw HTML through and turn `[x](javascript:…)` into links, so every
extracted string is escaped: `& < >` as entities, Markdown punctuation with a backslash.

findings.csv is UTF-8 with a BOM so that Excel opens the Chinese correctly. A text cell that
Excel would run as a formula (starting with = + - @, a tab or CR, e.g. a printed `=2717元`) is
prefixed with an apostrophe, the usual CSV-injection guard; numbers are written as numbers.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from typing import Any, TextIO

from pipeline.report.html import fmt_where
from pipeline.report.model import SEVERITY_ZH, DocumentView, FindingView, TableView
from pipeline.report.numbers import fmt
from pipeline.report.summary import Summary

# Only what can make markup: links/images need [ ], tables break on |, ` opens code spans.
_MD_SPECIAL = re.compile(r"([\\`\[\]|])")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def num(row: object, column: str) -> str:
    """A stored number of `row` as every part of the report prints it (report/numbers.py)."""
    return fmt(getattr(row, column), column)


def md(text: object) -> str:
    """Extracted text made inert in Markdown: escaped HTML and punctuation, one line."""
    if text is None:
        return ""
    plain = str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    plain = _MD_SPECIAL.sub(r"\\\1", plain)
    return " ".join(plain.split())


def md_code(text: object) -> str:
    """A code span; inside one Markdown shows HTML literally, so only backticks must go."""
    return "`" + " ".join(str(text).replace("`", "'").split()) + "`"


def write_markdown(
    out: TextIO, report: Summary, findings: Iterable[FindingView], sections: Iterable[str]
) -> None:
    """diff.md: the summary, the findings, then each document's tables (`sections`, as
    `document_markdown` wrote them), written piece by piece."""
    lines = ["# 绩效自评复核报告 — ziping diff report", ""]
    lines += _summary(report)
    lines += ["", "## 问题清单 Findings", ""]
    out.write("\n".join(lines) + "\n")
    if not report.findings:
        out.write("没有发现问题 — no findings.\n")
    else:
        out.write("| 严重程度 | 代码 | 文档 | 项目 / 指标 | 填报 | 复核 | 说明 | 出处 |\n")
        out.write("|---|---|---|---|---|---|---|---|\n")
        for f in findings:
            out.write(_finding(f) + "\n")
    for section in sections:
        out.write(section)


def document_markdown(doc: DocumentView) -> str:
    """One document's part of diff.md ("" for a document without tables)."""
    if not doc.tables:
        return ""
    lines = ["", f"## {md(doc.name)}", "", md(doc.row.path)]
    for table in doc.tables:
        lines += _table(table)
    return "\n".join(lines) + "\n"


def _summary(report: Summary) -> list[str]:
    status = ", ".join(f"{md(k)} {v}" for k, v in report.status_counts.items())
    lines = [
        f"- 评分规则 profiles: {md(', '.join(report.profiles) or '—')}",
        f"- 文档 documents: {report.documents} ({status})",
        f"- 自评表 tables: {report.tables}",
        f"- 指标行 indicator rows: {report.n_indicators}",
        f"- 问题 findings: {report.findings}",
        f"- 总分不符 tables whose printed total differs: {report.differ}",
        "",
        "| 问题代码 code | 说明 | 严重程度 | 数量 |",
        "|---|---|---|---:|",
    ]
    lines += [
        f"| {md_code(c.code)} | {md(c.zh)} | {c.severity} | {c.count} |" for c in report.by_code
    ]
    if report.total_diffs:
        lines += ["", "| # | 项目名称 | 总分 填报 | 总分 复核 |", "|---|---|---:|---:|"]
        lines += [
            f"| T{t.number} | {md(t.row.project_name or t.row.title)} "
            f"| {num(t.row, 'total_stated')} | {num(t.row, 'total_recomputed')} |"
            for t in report.total_diffs
        ]
    return lines


def _finding(f: FindingView) -> str:
    subject = md(f.project) + (f" / {md(f.subject)}" if f.subject else "")
    where = fmt_where(f.row.path, f.row.page, f.row.line)
    severity = SEVERITY_ZH.get(f.severity, md(f.severity))
    return (
        f"| {severity} | {md_code(f.code)} | {md(f.document)} "
        f"| {subject} | {md(f.row.stated)} | {md(f.row.recomputed)} "
        f"| {md(f.row.message)} | {md(where)} |"
    )


def _table(table: TableView) -> list[str]:
    r = table.row
    lines = [
        "",
        f"### T{table.number} {md(r.project_name or r.title)}",
        "",
        f"{md(r.title)} · 主管部门 {md(r.department)} · 实施单位 {md(r.implementer)} · "
        f"{md(fmt_where('', r.page, r.line))}",
        "",
        f"总分 填报 {num(r, 'total_stated') or '—'} · 复核 "
        f"{num(r, 'total_recomputed') or '—'} · 等级 {md(r.grade_stated) or '—'} / "
        f"{md(r.grade_recomputed) or '—'}",
        "",
        "| # | 一级 | 二级 | 三级指标 | 指标值 | 实际完成值 | 分值 | 得分 填报 | 得分 复核 "
        "| 问题 |",
        "|---:|---|---|---|---|---|---:|---:|---:|---|",
    ]
    for v in table.rows:
        x = v.row
        codes = ", ".join(sorted({f.code for f in v.findings}))
        flag = "**" if v.marks else ""
        lines.append(
            f"| {x.seq} | {md(x.level1)} | {md(x.level2)} | {md(x.level3)} "
            f"| {md(x.target_raw)} | {md(x.actual_raw)} | {num(x, 'weight')} "
            f"| {flag}{num(x, 'score_stated')}{flag} | {num(x, 'score_recomputed')} "
            f"| {codes} |"
        )
    lines += [f"- {md_code(f.code)} {md(f.row.message)}" for f in table.findings]
    return lines


CSV_COLUMNS = [
    "finding_id",
    "severity",
    "code",
    "code_zh",
    "document",
    "unit",
    "project_name",
    "level3",
    "stated",
    "recomputed",
    "delta",
    "message",
    "message_en",
    "path",
    "page",
    "line",
    "where",
    "doc_id",
    "table_id",
    "indicator_id",
    "year",
    "province",
    "city",
    "county",
    "region_code",
]


def csv_safe(value: Any) -> Any:
    """Neutralise text Excel would evaluate as a formula; leave numbers and None alone."""
    if not isinstance(value, str) or not value.startswith(_FORMULA_START):
        return value
    try:
        float(value)  # "-0.12" is a number Excel should see as one
    except ValueError:
        return "'" + value
    return value


def write_csv(out: TextIO, findings: Iterable[FindingView]) -> None:
    """findings.csv content (the writer opens `out` with the BOM), row by row."""
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for f in findings:
        extra = {
            "code_zh": f.code_zh,
            "document": f.document,
            "unit": f.unit,
            "project_name": f.project,
            "level3": f.subject,
            "year": f.year,
        }
        row = [extra[c] if c in extra else getattr(f.row, c) for c in CSV_COLUMNS]
        writer.writerow(["" if v is None else csv_safe(v) for v in row])
