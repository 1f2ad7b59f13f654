"""A header cell spanning two columns over two different texts (`年度指标值` over 定性 |
有效, its sub-headers lost): the grid reader keeps one cell per role, so such a row would
lose the other text. It is reported with its cells instead; a row whose cell spans the same
columns is read."""

from __future__ import annotations

from pathlib import Path

import docx

from pipeline.batch.document import process_file
from schemas.profile import load_profile

HEADER = ("一级指标", "二级指标", "三级指标", "年度指标值", "年度指标值", "实际完成值", "分值",
          "得分")  # fmt: skip
ROWS = [
    ("产出指标", "数量指标", "培训覆盖人数", "≥800人", "≥800人", "812人", "20", "20"),
    ("效益指标", "社会效益指标", "文化活动长效机制", "定性", "有效", "好", "30", "30"),
]


def test_two_texts_under_one_role_are_reported(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_paragraph("项目支出绩效自评表")
    table = document.add_table(rows=1 + len(ROWS), cols=len(HEADER))
    for r, row in enumerate([HEADER, *ROWS]):
        for c, text in enumerate(row):
            if c != 4 or text != row[3]:
                table.cell(r, c).text = text
    table.cell(0, 3).merge(table.cell(0, 4))
    table.cell(1, 3).merge(table.cell(1, 4))
    path = tmp_path / "crowded.docx"
    document.save(str(path))
    result = process_file(path, load_profile("central"))
    assert [(r.level3, r.target_raw, r.actual_raw) for r in result.indicators] == [
        ("培训覆盖人数", "≥800人", "812人")
    ]
    unread = [f.stated or "" for f in result.findings if f.code == "ROW_UNPARSED"]
    assert len(unread) == 1 and "定性 | 有效" in unread[0]
