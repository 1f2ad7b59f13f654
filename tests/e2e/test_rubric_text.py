"""Rubric score sheets (评分表) that lost their grid read as the grid reads them.

The rubric family fixture (tests/fixtures/make/build_families.py: weights in the labels, a
指标解释 and a 评分标准 column, 自评分 and 复核分, a 合计 row with the weights' total first) is
printed here as the text layouts real reports arrive in — one row per line, pipe rows, one
cell per line, the whole table on one line — with merged cells gone. Each must give the rows,
totals and findings the DOCX gives. Then the shapes the fixture does not print: a 序号 and a
指标分值 column, a review score printed as `/`, OCR look-alikes (reported, never read as
rows) and text printed numbers first (put back where one order fits best).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

import docx
import pytest

from pipeline.batch.document import DocResult, process_file
from pipeline.extract.stream_rubric import kind_of
from schemas.profile import load_profile
from tests.fixtures.make.build_families import RUBRIC

FIXTURE = Path(__file__).parents[1] / "fixtures" / "families" / "rubric.docx"
Grid = list[list[str]]


def _cells(row: list[str]) -> list[str]:
    return [c for c in row if c not in ("<", "^")]  # merged cells vanish in text


LAYOUTS: dict[str, Callable[[Grid], str]] = {
    "flat_space": lambda g: "\n".join("   ".join(_cells(r)) for r in g),
    "pipe_rows": lambda g: "\n".join("| " + " | ".join(_cells(r)) + " |" for r in g),
    "cell_pipe": lambda g: "\n".join(f"{c} |" for r in g for c in _cells(r)),
    "cell_blank": lambda g: "\n\n".join(c for r in g for c in _cells(r)),
    "one_line": lambda g: " ".join(c for r in g for c in _cells(r)),
}


def _read(path: Path) -> DocResult:
    return process_file(path, load_profile("central"))


@cache
def _grid() -> DocResult:
    return _read(FIXTURE)


def _summary(result: DocResult) -> dict[str, Any]:
    return {
        "rows": [
            (r.level1, r.level1_weight, r.level2, r.level3, r.weight, r.weight_source,
             r.score_stated, r.score_review, r.description, r.rule_text, r.row_kind)
            for r in result.indicators
        ],
        "tables": [(t.form_family, t.total_stated, t.total_review, t.weight_sum,
                    t.total_recomputed) for t in result.tables],
        "findings": Counter((f.code, f.stated, f.recomputed) for f in result.findings),
    }  # fmt: skip


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / f"{name}.txt"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("layout", LAYOUTS)
def test_text_reads_as_the_grid(tmp_path: Path, layout: str) -> None:
    title, grid = RUBRIC
    assert isinstance(title, str) and isinstance(grid, list)
    result = _read(_write(tmp_path, layout, f"{title}\n{LAYOUTS[layout](grid)}\n"))
    assert result.tables[0].read_by == "text"
    assert _summary(result) == _summary(_grid())
    assert len(result.indicators) == 10
    assert {r.parse_confidence for r in result.indicators} == {0.9}


def test_rule_text_is_kept_never_a_value(tmp_path: Path) -> None:
    title, grid = RUBRIC
    assert isinstance(title, str) and isinstance(grid, list)
    rows = _read(_write(tmp_path, "flat", f"{title}\n{LAYOUTS['flat_space'](grid)}\n")).indicators
    assert rows[4].rule_text == "到位率≥90%,计10分;80%(含)-90%,计8分;<80%,计0分"
    assert rows[4].description == "实际到位/计划到位×100%"
    assert {(r.target_raw, r.actual_raw) for r in rows} == {(None, None)}


WEIGHT_COLUMN = """\
2024年度部门整体支出绩效评价自评表
序号 一级指标 二级指标 三级指标 指标分值 指标解释 评分标准 自评得分 复核分
1 规划（15分） 基础信息（3分） 基础信息完整性 3 信息是否完整。 真实(1分);完整(1分);准确(1分) 3 3
2 工作计划（6分） 年度工作计划完整性 3 计划是否完整可行。 计划是否完整可行(3分) 2.5 /
3 年度工作计划明确性 3 计划是否明确可操作。 计划是否明确可操作(3分) 3 2
4 绩效目标（6分） 年度绩效目标合理性 6 是否设置绩效目标。 设置计6分，未设置不得分 6 6
合计 15 14.5 11
"""


def test_a_weight_column_and_a_serial_number(tmp_path: Path) -> None:
    result = _read(_write(tmp_path, "weighted", WEIGHT_COLUMN))
    rows = [(r.level1, r.level2, r.level3, r.weight, r.weight_source, r.score_stated,
             r.score_review_raw) for r in result.indicators]  # fmt: skip
    assert rows == [
        ("规划", "基础信息（3分）", "基础信息完整性", 3.0, "column", 3.0, "3"),
        ("规划", "工作计划（6分）", "年度工作计划完整性", 3.0, "column", 2.5, None),
        ("规划", "工作计划（6分）", "年度工作计划明确性", 3.0, "column", 3.0, "2"),
        ("规划", "绩效目标（6分）", "年度绩效目标合理性", 6.0, "column", 6.0, "6"),
    ]
    table = result.tables[0]
    assert (table.weight_sum, table.total_stated, table.total_review) == (15.0, 14.5, 11.0)
    assert [f.stated for f in result.findings if f.code == "REVIEW_SCORE_DIFFERS"] == [
        "3.00",  # 年度工作计划明确性: 自评 3, 复核 2 (the `/` above is a blank, no score)
        "14.50",
    ]


OCR_ROW = """\
乡村振兴项目绩效评价指标评分表
一级指标 二级指标 三级指标 指标说明 评分标准 自评分 复核分
投入（20分） 资金管理（20分） 立项程序规范性（IO分） 考察立项程序。 每减少1%,扣1分 IO 10
资产管理安全性（10分） 考察资产管理情况。 符合得10分，否则不得分 10 10
合计 20 20
"""


def test_ocr_look_alikes_are_read_repaired_and_said_so(tmp_path: Path) -> None:
    """`IO` can only be 10 in a label's points and in a score: read so, less sure, the printed
    cells kept and an OCR_REPAIRED finding for each."""
    result = _read(_write(tmp_path, "ocr", OCR_ROW))
    rows = [(r.level1, r.level2, r.level3, r.score_stated, r.read_confidence)
            for r in result.indicators]  # fmt: skip
    assert rows == [
        ("投入", "资金管理（20分）", "立项程序规范性（10分）", 10.0, 0.8),
        ("投入", "资金管理（20分）", "资产管理安全性（10分）", 10.0, 0.9),
    ]
    printed = json.loads(result.indicators[0].extra_cells or "{}")
    assert (printed["level3_printed"], printed["score_printed"]) == ("立项程序规范性（IO分）", "IO")
    assert [f.message_en for f in result.findings if f.code == "OCR_REPAIRED"] == [
        "立项程序规范性（10分）: OCR read level3 '立项程序规范性（IO分）', "
        "taken as '立项程序规范性（10分）'",
        "立项程序规范性（10分）: OCR read score 'IO', taken as '10.00'",
    ]


SCRAMBLED = """\
乡村振兴项目绩效评价指标评分表
一级指标 二级指标 三级指标 指标说明 评分标准 自评分 复核分
10 9 投入（20分） 资金管理（20分） 立项程序规范性（10分） 考察立项程序情况。 符合得10分，否则不得分
8 8 资产管理安全性（10分） 考察资产管理情况。 每减少1%,扣1分,扣完为止
18 17 合计
"""


def test_numbers_before_their_labels_are_put_back(tmp_path: Path) -> None:
    """A PDF that printed each line's numbers first: the scores go back after the rule,
    the only place a number fits (a label, a description or a rule takes no bare number)."""
    result = _read(_write(tmp_path, "scrambled", SCRAMBLED))
    rows = [(r.level1, r.level2, r.level3, r.score_stated, r.score_review_raw)
            for r in result.indicators]  # fmt: skip
    assert rows == [
        ("投入", "资金管理（20分）", "立项程序规范性（10分）", 10.0, "9"),
        ("投入", "资金管理（20分）", "资产管理安全性（10分）", 8.0, "8"),
    ]
    assert (result.tables[0].total_stated, result.tables[0].total_review) == (18.0, 17.0)
    assert not [f for f in result.findings if f.code.endswith("_UNPARSED")]


SCRAMBLED_WEIGHTS = """\
2024年度部门整体支出绩效评价自评表
序号 一级指标 二级指标 三级指标 指标分值 指标解释 评分标准 自评得分 复核分
1 3 3 3 规划（15分） 基础信息（3分） 基础信息完整性 信息是否完整。 真实(1分);完整(1分);准确(1分)
2 3 2.5 工作计划（6分） 年度工作计划完整性 计划是否完整可行。 计划是否完整可行(3分)
3 3 3 2 年度工作计划明确性 计划是否明确可操作。 计划是否明确可操作(3分)
4 6 6 6 绩效目标（6分） 年度绩效目标合理性 是否设置绩效目标。 设置计6分，未设置不得分
15 14.5 11 合计
"""


def test_numbers_first_with_a_serial_and_a_weight_column(tmp_path: Path) -> None:
    """The 序号 opens the line, the weight goes back after the name, the scores after the
    rule: the rows the same table gives printed in order (its `/` review score left out: a
    `/` printed after the rule could be either score, so that line would be reported)."""
    ordered = _read(_write(tmp_path, "weighted", WEIGHT_COLUMN))
    result = _read(_write(tmp_path, "scrambled", SCRAMBLED_WEIGHTS))
    assert len(result.indicators) == 4
    assert _summary(result)["rows"] == _summary(ordered)["rows"]


def test_a_number_that_fits_two_places_is_not_placed(tmp_path: Path) -> None:
    """Without a label weight or a rule, `5` could be the weight after the name or the
    score after the description: the row is reported, not guessed."""
    text = """\
部门整体支出绩效评价自评表
一级指标 二级指标 三级指标 指标分值 指标解释 自评得分
5 5 规划（10分） 基础信息（5分） 基础信息完整性 信息是否完整。
5 规划执行 计划是否完整可行。
合计 10
"""
    result = _read(_write(tmp_path, "ambiguous", text))
    assert [r.level3 for r in result.indicators] == ["基础信息完整性"]
    unread = [f.stated or "" for f in result.findings if f.code == "ROW_UNPARSED"]
    assert len(unread) == 1 and "规划执行" in unread[0]


def test_rubric_cell_kinds() -> None:
    cells = ("符合得5分，否则不得分", "每减少1%,扣1分,扣完为止", "资金到位率（4分）",
             "考察资金到位情况。", "是否按程序申报", "8.5", "3", "/", "IO", "(IO分)",
             "≥90%")  # fmt: skip
    assert [kind_of(c) for c in cells] == ["rule", "rule", "label", "sentence", "text",
                                           "number", "serial", "blank", "damaged", "damaged",
                                           "value"]  # fmt: skip


def test_a_row_cut_by_the_end_of_the_text_is_reported(tmp_path: Path) -> None:
    """An excerpt that stops inside a row: its score is lost, not blank (no MISSING_SCORE)."""
    lines = WEIGHT_COLUMN.splitlines()
    last = "4 绩效目标（6分） 年度绩效目标合理性 6 是否设置绩效目标。 设置计6分"
    cut = "\n".join([*lines[:-2], last])
    result = _read(_write(tmp_path, "cut", cut + "\n"))
    assert [r.level3 for r in result.indicators] == [
        "基础信息完整性",
        "年度工作计划完整性",
        "年度工作计划明确性",
    ]
    codes = Counter(f.code for f in result.findings)
    assert codes["ROW_UNPARSED"] == 1 and codes["MISSING_SCORE"] == 0


ROLLUPS = """\
项目绩效评价指标评分表
一级指标 二级指标 三级指标 指标说明 评分标准 自评分
项目决策（20分） 18
项目立项（8分） {立项}
立项依据充分性（4分） 考察立项依据。 符合得4分，否则不得分 4
立项程序规范性（4分） 考察立项程序。 每缺一项扣1分 3
绩效目标（12分） 11
绩效目标合理性（6分） 考察目标。 合理计6分，基本合理计3分 6
绩效指标明确性（6分） 考察指标。 明确计6分，基本明确计3分 5
项目产出（80分） 产出数量（80分） 实际完成率（80分） 考察完成。 每降低1%扣0.5分 78
合计 96
"""


def test_levels_printed_as_rows_are_the_sum_of_their_rows(tmp_path: Path) -> None:
    result = _read(_write(tmp_path, "rollups", ROLLUPS.format(立项="7")))
    rows = result.indicators
    seq = {r.indicator_id: r.seq for r in rows}
    assert [
        (r.level1, r.level2, r.level3, r.row_kind, seq.get(r.parent_id or "")) for r in rows
    ] == [
        (None, None, "项目决策（20分）", "rollup", None),
        ("项目决策", None, "项目立项（8分）", "rollup", 1),
        ("项目决策", "项目立项（8分）", "立项依据充分性（4分）", "indicator", 2),
        ("项目决策", "项目立项（8分）", "立项程序规范性（4分）", "indicator", 2),
        ("项目决策", None, "绩效目标（12分）", "rollup", 1),
        ("项目决策", "绩效目标（12分）", "绩效目标合理性（6分）", "indicator", 5),
        ("项目决策", "绩效目标（12分）", "绩效指标明确性（6分）", "indicator", 5),
        ("项目产出", "产出数量（80分）", "实际完成率（80分）", "indicator", None),
    ]
    table = result.tables[0]
    assert (table.weight_sum, table.total_stated, table.total_recomputed) == (100.0, 96.0, 96.0)
    # a correct table: the rollups are not counted twice (no TOTAL_ARITHMETIC)
    assert Counter(f.code for f in result.findings) == Counter({"RUBRIC_SCORE_OFF_TIER": 1})


def test_a_level_row_that_is_not_its_rows_sum_is_a_finding(tmp_path: Path) -> None:
    result = _read(_write(tmp_path, "rollups", ROLLUPS.format(立项="6")))
    found = [(f.stated, f.recomputed) for f in result.findings if f.code == "ROLLUP_SUM_MISMATCH"]
    assert found == [("18.00", "17.00"), ("6.00", "7.00")]  # 项目决策 and 项目立项 as printed


def test_levels_printed_as_rows_in_a_docx(tmp_path: Path) -> None:
    """The same sheet as a Word table, each level on a row of its own with its cells blank
    under the other columns: the rows the text gives, the same total."""
    lines = ROLLUPS.format(立项="7").splitlines()
    header = lines[1].split()
    grid: list[list[str]] = [header]
    for line in lines[2:]:
        words = line.split()
        if len(words) == 2:  # a level row: its label under its level's column, its score
            column = 0 if words[0] == "项目决策（20分）" else 1
            grid.append([*[""] * column, words[0], *[""] * (4 - column), words[1]])
        else:
            grid.append(["", "", *words] if len(words) == 4 else words)
    document = docx.Document()
    document.add_paragraph(lines[0])
    table = document.add_table(rows=len(grid), cols=len(header))
    for i, row in enumerate(grid):
        for j, text in enumerate(row):
            table.cell(i, j).text = text
    path = tmp_path / "rollups.docx"
    document.save(str(path))
    from_docx, from_text = _read(path), _read(_write(tmp_path, "r", ROLLUPS.format(立项="7")))
    assert _summary(from_docx) == _summary(from_text)
    assert [r.row_kind for r in from_docx.indicators].count("rollup") == 3


MERGED_RULE = """\
项目绩效评价指标评分表
一级指标 二级指标 三级指标 评分标准 自评分
项目决策（20分） 项目立项（10分） 立项依据充分性（5分） 符合得5分，否则不得分 5
立项程序规范性（5分） 5
资金投入（10分） 资金分配合理性（3分） 每减少1%扣1分 3
资金使用合规性（2分） 每减少1%扣1分 2
预算执行率（5分） 每减少1%扣1分 4
合计 19
"""


def test_a_rule_merged_over_two_rows_makes_no_level_row(tmp_path: Path) -> None:
    """立项程序规范性 prints no rule (its cell is merged with the row above) and the next two
    rows weigh 5 as it does; but read as their parent the total would not be 19."""
    result = _read(_write(tmp_path, "merged", MERGED_RULE))
    assert {r.row_kind for r in result.indicators} == {"indicator"}
    # the total adds up: no TOTAL_ARITHMETIC (the excerpt's rows weigh 20, not 100)
    assert [f.code for f in result.findings] == ["WEIGHT_SUM_NOT_100"]
