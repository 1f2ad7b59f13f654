"""Invented 项目支出绩效自评表 in the seed's cell-per-line layout (a TAB before every cell,
rows separated by blank lines, merged cells left empty), for tests that need a table the
whole pipeline reads. Names and numbers are made up."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from pipeline.batch.document import DocResult, process_file
from schemas.profile import Profile

Row = tuple[str, str, str, str, str, str, str]  # level1, level2, level3, target, actual, w, score
Money = tuple[str, str, str]  # 年初, 全年, 执行


@dataclass
class Invented:
    name: str = "社区图书角运营经费"
    budget: Money = ("50.00", "50.00", "46.40")
    weight: str = "10"
    rate: str = "92.80%"
    score: str = "9.28分"
    parts: list[Money] = field(default_factory=lambda: [("50.00", "50.00", "46.40")])
    rows: list[Row] = field(default_factory=list)
    total: str | None = None  # None: no 总分 row at all

    def text(self) -> str:
        blocks = [
            ["项目支出绩效自评表"],
            ["(2024年度)"],
            ["项目名称", self.name],
            ["主管部门", "某市文化旅游局", "实施单位", "某市图书馆"],
            [
                "项目资金 （万元）",
                "",
                "年初预算数",
                "全年预算数",
                "全年执行数",
                "分值",
                "执行率",
                "得分",
            ],
            ["", "年度资金总额", *self.budget, self.weight, self.rate, self.score],
        ]
        labels = ["其中：当年财政拨款", "  其他资金", "  上级补助"]
        blocks += [["", labels[i], *part, "—", "—", "—"] for i, part in enumerate(self.parts)]
        blocks += [
            ["年度总体目标", "预期目标", "实际完成情况"],
            ["", "开放图书角12个，服务读者。", "开放图书角12个。"],
            ["", "一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分",
             "偏差原因分析及改进措施"],
        ]  # fmt: skip
        last = ("", "")
        for i, (l1, l2, l3, target, actual, weight, score) in enumerate(self.rows):
            first = "年度绩效指标完成情况" if i == 0 else ""
            shown1 = l1 if l1 != last[0] else ""
            shown2 = l2 if (l1, l2) != last else ""
            blocks.append([first, shown1, shown2, l3, target, actual, weight, score, ""])
            last = (l1, l2)
        if self.total is not None:
            blocks.append(["总分", "", "100", self.total, ""])
        return "\n\n".join("\n".join(f"\t{cell}" for cell in block) for block in blocks) + "\n"

    def ingest(self, folder: Path, profile: Profile, name: str = "invented.txt") -> DocResult:
        path = folder / name
        path.write_text(self.text(), encoding="utf-8")
        return process_file(path, profile)


# One table that every profile scores differently (budget 10 + rows 90).
BASE_ROWS: list[Row] = [
    ("产出指标", "数量指标", "图书角开放数量", ">=12个", "=12个", "20", "20"),
    ("产出指标", "成本指标", "图书采购单价", "<=30元", "=40元", "10", "7.5"),
    ("产出指标", "成本指标", "采购合同金额", "=20万元", "=25万元", "10", "8"),
    ("产出指标", "时效指标", "安全事故次数", "=0次", "=1次", "10", "0"),
    ("效益指标", "社会效益指标", "居民阅读氛围", "有效提升", "基本达到预期", "20", "11"),
    ("满意度指标", "服务对象满意度指标", "读者满意度", ">=90%", "=95%", "20", "20"),
]
BASE_TOTAL = "75.78"  # 9.28 + 20 + 7.5 + 8 + 0 + 11 + 20: the printed scores add up
