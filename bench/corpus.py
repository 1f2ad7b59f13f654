"""Generate N realistic budget-performance reports with planted discrepancies.

Each document is a short 部门决算 narrative followed by one or two 项目支出绩效自评表 laid out
like the seeds: cell-per-line text (seed 004), HTML tables, DOCX tables or XLSX sheets, with
varying money units, indicator units, operators, weights and row counts. Some tables carry a
planted discrepancy whose finding the pipeline must raise:

| plant | what is printed | expected finding |
|---|---|---|
| reverse | a `<=` row scored as actual/target | REVERSE_SCORED_AS_POSITIVE |
| total | a total 3 points off the sum of the rows | TOTAL_ARITHMETIC |
| duplicate | one indicator row printed twice | DUPLICATE_ROW |
| score | a positive row given more than its share | SCORE_MISMATCH |
| exec | a budget-execution score off by 2 | EXEC_SCORE_MISMATCH |

`generate()` writes the files and `expected.json` (file name -> planted findings) and returns
the plants. Deterministic for a seed. Run: `python -m bench.corpus N OUT [--formats txt,html]`.
"""

from __future__ import annotations

import argparse
import html
import io
import json
import random
import zipfile
from dataclasses import asdict, dataclass
from pathlib import Path

Grid = list[list[str]]

FORMATS = ("txt", "html", "docx", "xlsx")
PLANTS = {
    "reverse": "REVERSE_SCORED_AS_POSITIVE",
    "total": "TOTAL_ARITHMETIC",
    "duplicate": "DUPLICATE_ROW",
    "score": "SCORE_MISMATCH",
    "exec": "EXEC_SCORE_MISMATCH",
}

ORGS = (
    "乌鲁木齐市科学技术协会",
    "某市文化和旅游局",
    "某县农业农村局",
    "某区教育局",
    "某市卫生健康委员会",
)
PROJECTS = ("科普经费", "文化惠民工程", "高标准农田建设", "学生资助补助", "基层医疗服务能力提升")
MONEY_UNITS = (("万元", 1.0), ("元", 10_000.0), ("千元", 10.0))


@dataclass(frozen=True)
class Indicator:
    level1: str
    level2: str
    name: str
    op: str  # ">=", "<=", "qual"
    target: float
    actual: float
    unit: str
    weight: int


@dataclass(frozen=True)
class Plant:
    file: str
    table: int  # 1-based table ordinal in its document
    plant: str
    code: str
    indicator: str | None  # level3 of the row, when the finding is about one


POSITIVE = (
    ("产出指标", "数量指标", "开展科普活动次数", "场"),
    ("产出指标", "数量指标", "培训人数", "人次"),
    ("产出指标", "数量指标", "服务群众人数", "万人次"),
    ("产出指标", "质量指标", "验收合格率", "%"),
    ("效益指标", "社会效益指标", "受益群众覆盖率", "%"),
    ("满意度指标", "服务对象满意度指标", "群众满意度", "%"),
    ("产出指标", "数量指标", "建设面积", "平方米"),
)
REVERSE = (
    ("产出指标", "时效指标", "问题处理时长", "小时"),
    ("成本指标", "经济成本指标", "活动服务费", "万元"),
    ("成本指标", "经济成本指标", "人均培训成本", "元"),
    ("产出指标", "时效指标", "资金拨付时限", "天"),
)


def _indicators(rng: random.Random) -> list[Indicator]:
    count = rng.randint(4, 9)
    weights = _split(90, count, rng)
    rows = []
    for weight in weights:
        kind = rng.random()
        if kind < 0.55:
            level1, level2, name, unit = rng.choice(POSITIVE)
            target = float(rng.choice((5, 10, 20, 50, 90, 95, 100, 500, 1200)))
            if unit == "%":
                target = float(rng.choice((80, 85, 90, 95)))
            actual = target if rng.random() < 0.7 else round(target * rng.uniform(0.5, 1.3))
            if unit == "%":
                actual = min(actual, 100.0)
            rows.append(Indicator(level1, level2, name, ">=", target, actual, unit, weight))
        elif kind < 0.85:
            level1, level2, name, unit = rng.choice(REVERSE)
            target = float(rng.choice((10, 15, 24, 30, 60)))
            actual = round(target * rng.uniform(0.5, 1.0), 1)
            rows.append(Indicator(level1, level2, name, "<=", target, actual, unit, weight))
        else:
            rows.append(
                Indicator(
                    "效益指标", "社会效益指标", "公民科学素质不断提高", "qual", 0, 0, "", weight
                )
            )
    seen: set[str] = set()
    unique = []
    for i, row in enumerate(rows):  # names unique within a table (duplicates are planted)
        name = row.name if row.name not in seen else f"{row.name}（{i + 1}）"
        seen.add(name)
        unique.append(Indicator(**{**asdict(row), "name": name}))
    return unique


def _split(total: int, count: int, rng: random.Random) -> list[int]:
    cuts = sorted(rng.sample(range(1, total), count - 1))
    return [b - a for a, b in zip([0, *cuts], [*cuts, total], strict=True)]


def _score(row: Indicator) -> float:
    if row.op == "qual":
        return float(row.weight)
    if row.op == "<=":
        return (
            float(row.weight) if row.actual <= row.target else row.weight * row.target / row.actual
        )
    return row.weight * min(1.0, row.actual / row.target) if row.target else float(row.weight)


def _num(value: float) -> str:
    return f"{value:g}" if value == int(value) else f"{value:.2f}".rstrip("0").rstrip(".")


def _table(rng: random.Random, year: int, org: str, plants: list[str]) -> Grid:
    unit, factor = rng.choice(MONEY_UNITS)
    full = round(rng.uniform(20, 300), 2)
    initial = round(full * rng.uniform(0.8, 1.2), 2)
    executed = round(full * rng.uniform(0.85, 1.0), 2)
    rate = executed / full
    exec_score = round(10 * min(1.0, rate), 2)
    printed_exec = exec_score - 2 if "exec" in plants else exec_score
    rows = _indicators(rng)
    scores = [round(_score(r), 2) for r in rows]
    taken = -1  # the reverse plant's row, which the score plant must not overwrite
    if "reverse" in plants:
        i = next((k for k, r in enumerate(rows) if r.op == "<=" and r.actual < r.target), None)
        if i is None:
            level1, level2, name, u = REVERSE[0]
            rows[0] = Indicator(level1, level2, name, "<=", 24, 12, u, rows[0].weight)
            i = 0
        scores[i] = round(rows[i].weight * rows[i].actual / rows[i].target, 2)
        taken = i
    if "score" in plants:
        i = next((k for k, r in enumerate(rows) if r.op == ">=" and r.actual < r.target), None)
        if i is None:
            i = len(rows) - 1 if taken != len(rows) - 1 else 0
            level1, level2, name, u = POSITIVE[0]
            rows[i] = Indicator(level1, level2, name + "完成", ">=", 10, 6, u, rows[i].weight)
        scores[i] = float(rows[i].weight)  # full marks for an unmet positive target
    total = round(printed_exec + sum(scores), 2)
    if "total" in plants:
        total += 3
    grid: Grid = [
        ["项目支出绩效自评表"],
        [f"（{year}年度）"],
        ["项目名称", rng.choice(PROJECTS)],
        ["主管部门", org, "实施单位", org],
        [f"项目资金（{unit}）", "", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率",
         "得分"],
        [
            "",
            "年度资金总额",
            _money(initial * factor),
            _money(full * factor),
            _money(executed * factor),
            "10",
            f"{rate * 100:.2f}%",
            _num(printed_exec),
        ],
        ["年度总体目标", "预期目标", "实际完成情况"],
        ["", "完成年度工作任务，提升服务水平。", "已完成年度工作任务，服务水平有所提升。"],
        ["", "一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分",
         "偏差原因分析及改进措施"],
    ]  # fmt: skip
    previous: tuple[str, str] = ("", "")
    body: Grid = []
    for k, (row, score) in enumerate(zip(rows, scores, strict=True)):
        first = "年度绩效指标完成情况" if k == 0 else ""
        level1 = row.level1 if row.level1 != previous[0] else ""
        level2 = row.level2 if (row.level1, row.level2) != previous else ""
        previous = (row.level1, row.level2)
        target, actual = _values(row)
        body.append(
            [first, level1, level2, row.name, target, actual, str(row.weight), _num(score), ""]
        )
    if "duplicate" in plants:
        body.append(["", "", "", *body[-1][3:]])
    grid.extend(body)
    grid.append(["总分", "", "100", f"{_num(total)}分", ""])
    return grid


def _values(row: Indicator) -> tuple[str, str]:
    if row.op == "qual":
        return "不断提高", "完全达到预期"
    return f"{row.op}{_num(row.target)}{row.unit}", f"={_num(row.actual)}{row.unit}"


def _money(value: float) -> str:
    return f"{value:,.2f}"


def _narrative(org: str, year: int, rng: random.Random) -> list[str]:
    return [
        f"{org}{year}年度部门决算",
        "第一部分 部门概况",
        "一、主要职能",
        f"{org}负责本系统的业务管理工作，{rng.choice(('统筹', '组织', '指导'))}相关项目的实施。",
        "十一、预算绩效的情况说明",
        "根据预算绩效管理要求，本部门组织对项目支出开展了绩效自评，具体附项目支出绩效自评表。",
    ]


def render_txt(paragraphs: list[str], tables: list[Grid]) -> bytes:
    lines = [*paragraphs, "", ""]
    for grid in tables:
        for row in grid:
            lines.extend("\t" + cell for cell in row)
            lines.append("")
        lines.extend(["", "", ""])
    return "\n".join(lines).encode("utf-8")


def render_html(paragraphs: list[str], tables: list[Grid]) -> bytes:
    parts = ['<!DOCTYPE html><html><head><meta charset="utf-8"><title>', paragraphs[0]]
    parts.append("</title></head><body>")
    parts.extend(f"<p>{html.escape(p)}</p>" for p in paragraphs)
    for grid in tables:
        parts.append("<table border='1'>")
        for row in grid:
            cells = "".join(f"<td>{html.escape(c)}</td>" for c in row)
            parts.append(f"<tr>{cells}</tr>")
        parts.append("</table>")
    parts.append("</body></html>")
    return "\n".join(parts).encode("utf-8")


_DOCX_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'
)
_DOCX_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="word/document.xml"/></Relationships>'
)
_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def render_docx(paragraphs: list[str], tables: list[Grid]) -> bytes:
    """A minimal WordprocessingML package (what Word needs, written directly: python-docx's
    template costs 200 ms a document, too slow for a 10,000-document corpus)."""

    def para(text: str) -> str:
        return f'<w:p><w:r><w:t xml:space="preserve">{html.escape(text)}</w:t></w:r></w:p>'

    body = [para(text) for text in paragraphs]
    for grid in tables:
        width = max(len(row) for row in grid)
        rows = []
        for row in grid:
            cells = [*row, *[""] * (width - len(row))]
            rows.append("<w:tr>" + "".join(f"<w:tc>{para(c)}</w:tc>" for c in cells) + "</w:tr>")
        grid_cols = "<w:tblGrid>" + '<w:gridCol w:w="1000"/>' * width + "</w:tblGrid>"
        body.append(f"<w:tbl>{grid_cols}{''.join(rows)}</w:tbl>")
        body.append(para(""))
    document = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="{_W}">'
        f"<w:body>{''.join(body)}</w:body></w:document>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", _DOCX_TYPES)
        zf.writestr("_rels/.rels", _DOCX_RELS)
        zf.writestr("word/document.xml", document)
    return buffer.getvalue()


def render_xlsx(paragraphs: list[str], tables: list[Grid]) -> bytes:
    import openpyxl  # noqa: PLC0415  (only when XLSX documents are asked for)

    book = openpyxl.Workbook()
    sheet = book.create_sheet("自评表", 0)
    book.remove(book.worksheets[1])
    for text in paragraphs:
        sheet.append([text])
    for grid in tables:
        sheet.append([])
        for row in grid:  # a leading "=" would make the cell a formula
            sheet.append([c[1:] if c.startswith("=") else c for c in row])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


RENDER = {"txt": render_txt, "html": render_html, "docx": render_docx, "xlsx": render_xlsx}


def document(index: int, seed: int, fmt: str) -> tuple[str, bytes, list[Plant]]:
    """The `index`-th document of corpus `seed` in format `fmt`: name, bytes, plants."""
    rng = random.Random(seed * 1_000_003 + index)
    org, year = rng.choice(ORGS), rng.choice((2022, 2023, 2024))
    name = f"{index:06d}_{fmt}.{fmt}"
    tables: list[Grid] = []
    plants: list[Plant] = []
    for t in range(rng.choice((1, 1, 2))):
        planted = [p for p in PLANTS if rng.random() < 0.12]
        tables.append(_table(rng, year, org, planted))
        for p in planted:
            plants.append(Plant(name, t + 1, p, PLANTS[p], None))
    return name, RENDER[fmt](_narrative(org, year, rng), tables), plants


def generate(n: int, out: Path, seed: int = 7, formats: tuple[str, ...] = ("txt",)) -> list[Plant]:
    """Write `n` documents (formats in turn) and `expected.json` into `out`."""
    out.mkdir(parents=True, exist_ok=True)
    plants: list[Plant] = []
    for i in range(n):
        name, data, planted = document(i, seed, formats[i % len(formats)])
        (out / name).write_bytes(data)
        plants.extend(planted)
    expected = [asdict(p) for p in plants]
    (out.parent / f"{out.name}.expected.json").write_text(
        json.dumps(expected, ensure_ascii=False, indent=1), "utf-8"
    )
    return plants


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int)
    parser.add_argument("out", type=Path)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--formats", default="txt,html,docx,xlsx")
    args = parser.parse_args()
    plants = generate(args.n, args.out, args.seed, tuple(args.formats.split(",")))
    print(f"{args.n} documents in {args.out}, {len(plants)} planted discrepancies")


if __name__ == "__main__":
    main()
