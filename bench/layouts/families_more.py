"""The families whose columns are not one-target-one-score: split target (四川/云南), weighted
conversion (河北), coefficient (重庆 部门整体), rubric score sheets."""

from __future__ import annotations

import random

from bench.layouts.content import SUBJECTS, Names, number_text, partition, score_text
from bench.layouts.families import (
    ACTUAL_H,
    _with_truth,
    goals,
    indicators,
    info,
    l1_label,
    titles,
    wrap,
)
from bench.layouts.form import Column, Layout, budget_block
from bench.layouts.model import TruthRow

Row = tuple[dict[str, str | None], TruthRow]


def _split_truth(cells: dict[str, str | None], roles: list[str]) -> Row:
    """A split target's truth: its non-blank cells joined by a space."""
    row = _with_truth(cells, roles)
    parts = [cells.get(r) or "" for r in ("op", "value", "unit")]
    row[1].target = " ".join(p for p in parts if p) or None
    return row


def split(rng: random.Random) -> Layout:
    """四川/云南: 指标性质 · 指标值 · 度量单位 in three cells, [权重], 完成值, 得分; a third of
    the forms are published unfilled (完成值 and 得分 blank, `合计 100` the weight sum)."""
    weighted = rng.random() < 0.85
    unfilled = rng.random() < 0.3
    group = "年度指标值" if rng.random() < 0.5 else None
    roles = (
        ["l1", "l2", "l3", "op", "value", "unit"]
        + (["weight"] if weighted else [])
        + ["actual", "score"]
    )
    headers = {
        "l1": "一级指标",
        "l2": "二级指标",
        "l3": "三级指标",
        "op": "指标性质",
        "value": "指标值",
        "unit": "度量单位",
        "weight": rng.choice(("权重", "分值", "权重(%)")),
        "actual": rng.choice(("完成值", "实际完成值", "全年完成值")),
        "score": rng.choice(("得分", "自评得分")),
    }
    columns = [
        Column(r, headers[r], group if r in ("op", "value", "unit") else None) for r in roles
    ]
    budget = budget_block(rng, weight=10 if not unfilled else None, title="项目资金\n（{unit}）")
    rows: list[Row] = []
    total = float(budget.truth.score or 0)
    decimals = rng.random() < 0.3
    for ind, w, _ in indicators(rng, 90 if not unfilled else 100, split=True):
        op, value, unit = ind.split_target()
        score = round(w * ind.ratio, 2)
        total += score
        cells: dict[str, str | None] = {
            "l1": ind.level1,
            "l2": wrap(rng, ind.level2, 0.3),
            "l3": wrap(rng, ind.name, 0.2),
            "op": op,
            "value": value,
            "unit": unit,
            "weight": str(w),
            "actual": "" if unfilled else ind.actual,
            "score": "" if unfilled or not weighted else score_text(score, decimals),
        }
        rows.append(_split_truth(cells, roles))
    total_row = {"label": "合计"}
    if weighted:
        total_row["weight"] = "100"
    if not unfilled and weighted:
        total_row["score"] = score_text(total, decimals)
    return Layout(
        "split",
        titles(rng, rng.choice(("项目支出绩效自评表", "部门预算项目支出绩效自评表"))),
        columns,
        rows,
        budget=budget,
        total=total_row if weighted else None,
        total_truth=total_row.get("score"),
        lead=rng.choice(("绩效指标", None)),
        level_style=rng.choice(("merge", "merge", "repeat")),
        info=info(rng),
        goals=goals(rng),
    )


def hebei(rng: random.Random) -> Layout:
    """河北: 指标说明 between name and target; 预期指标值 as 符号 · 值 · 单位; 自评得分 as
    单项指标得分 · 权重占比(%) · 单项指标折算得分, the printed score = 单项得分 × 权重占比."""
    roles = [
        "l1",
        "l2",
        "l3",
        "desc",
        "full",
        "op",
        "value",
        "unit",
        "actual",
        "done",
        "single",
        "weight",
        "score",
    ]
    headers = {
        "l1": "一级指标",
        "l2": "二级指标",
        "l3": "三级指标",
        "desc": "指标说明",
        "full": "指标\n分值",
        "op": "符号",
        "value": "值",
        "unit": "单位",
        "actual": "实际\n完成值",
        "done": "完成\n情况",
        "single": "单项指标\n得分",
        "weight": "权重\n占比(%)",
        "score": "单项指标\n折算得分",
    }
    groups = {"op": "预期指标值", "value": "预期指标值", "unit": "预期指标值"}
    groups |= {"single": "自评得分", "weight": "自评得分", "score": "自评得分"}
    columns = [Column(r, headers[r], groups.get(r)) for r in roles]
    rows: list[Row] = []
    total = 0.0
    for ind, w, _ in indicators(rng, 100, split=True):
        op, value, unit = ind.split_target()
        if op == "定性":
            op = ""
        single = round(100 * ind.ratio, 2)
        converted = round(single * w / 100, 2)
        total += converted
        cells: dict[str, str | None] = {
            "l1": ind.level1,
            "l2": ind.level2,
            "l3": ind.name,
            "desc": wrap(rng, f"反映{ind.name[:4]}情况", 0.4),
            "full": "100",
            "op": op,
            "value": value,
            "unit": unit,
            "actual": ind.actual,
            "done": "已完成" if ind.ratio >= 1 else "未完成",
            "single": number_text(single),
            "weight": str(w),
            "score": number_text(converted),
        }
        rows.append(_split_truth(cells, roles))
    return Layout(
        "hebei",
        titles(rng, "项目支出绩效自评表"),
        columns,
        rows,
        budget=budget_block(rng, weight=None),
        total={"label": "合计", "weight": "100", "score": number_text(round(total, 2))},
        total_truth=number_text(round(total, 2)),
        level_style="merge",
        info=info(rng),
    )


def coefficient(rng: random.Random) -> Layout:
    """重庆 部门整体: … · 得分系数 · 指标权重 · 指标得分 · 是否核心指标; score = 系数 × 权重;
    自评总分 printed above the table."""
    roles = ["l1", "l2", "l3", "target", "actual", "coef", "weight", "score", "core"]
    headers = {
        "l1": "一级指标",
        "l2": "二级指标",
        "l3": "三级指标",
        "target": rng.choice(("目标值", "年度目标值", "指标值")),
        "actual": rng.choice(ACTUAL_H),
        "coef": "得分系数",
        "weight": "指标权重",
        "score": "指标得分",
        "core": "是否核心指标",
    }
    columns = [Column(r, headers[r]) for r in roles]
    rows: list[Row] = []
    total = 0.0
    percent = rng.random() < 0.3
    for ind, w, _ in indicators(rng, 100):
        coef = round(ind.ratio, 2)
        score = round(coef * w, 2)
        total += score
        cells: dict[str, str | None] = {
            "l1": ind.level1,
            "l2": ind.level2,
            "l3": wrap(rng, ind.name, 0.2),
            "target": ind.target(),
            "actual": ind.actual,
            "coef": f"{coef:.2f}",
            "weight": f"{w}%" if percent else str(w),
            "score": number_text(score),
            "core": rng.choice(("是", "否", "否")),
        }
        rows.append(_with_truth(cells, roles))
    stated = number_text(round(total, 2))
    org = info(rng)[1][1]
    return Layout(
        "coefficient",
        ["部门整体支出绩效自评表", f"单位名称：{org}", f"自评总分：{stated}分"],
        columns,
        rows,
        total_truth=stated,
        level_style=rng.choice(("merge", "repeat")),
    )


RUBRIC_L1 = (("项目决策", "项目过程", "项目产出", "项目效益"), ("投入", "过程", "产出", "效果"))
RUBRIC_L2 = (
    "项目立项",
    "绩效目标",
    "资金投入",
    "资金管理",
    "组织实施",
    "产出数量",
    "产出质量",
    "产出时效",
    "项目效益",
    "满意度",
)
RUBRIC_L3 = (
    "立项依据充分性",
    "立项程序规范性",
    "绩效目标合理性",
    "绩效指标明确性",
    "预算编制科学性",
    "资金分配合理性",
    "资金到位率",
    "预算执行率",
    "资金使用合规性",
    "管理制度健全性",
    "制度执行有效性",
    "实际完成率",
    "质量达标率",
    "完成及时性",
    "成本节约率",
    "社会效益实现程度",
    "受益对象满意度",
    "财务监控有效性",
    "档案资料完整性",
    "政府采购规范性",
    "项目验收及时性",
    "信息公开情况",
    "绩效监控开展情况",
    "资产管理安全性",
    "人员配备到位率",
    "社会公众知晓率",
    "问题整改完成率",
)
RULES = (
    "≥90%,计{w}分;80%(含)-90%,计{w1}分;其他不得分",
    "每减少1%,扣1分,扣完为止",
    "符合得{w}分，否则不得分",
    "全部符合得满分，每发现一处问题扣{half}分",
)
REVIEW_H = ("复核分", "县级评分", "市级评分", "财政审核评分")


def rubric(rng: random.Random) -> Layout:
    """项目决策 / 过程 / 产出 / 效益 score sheet: weights in the labels `(4分)`, 指标解释 and
    评分标准 columns, 自评分 and a second, often blank, review score."""
    review_h = rng.choice(REVIEW_H)
    roles = ["l1", "l2", "l3", "desc", "rule", "score"] + (["review"] if rng.random() < 0.8 else [])
    headers = {
        "l1": "一级指标",
        "l2": "二级指标",
        "l3": "三级指标",
        "desc": rng.choice(("指标解释", "指标说明")),
        "rule": "评分标准",
        "score": rng.choice(("自评分", "自评得分")),
        "review": review_h,
    }
    columns = [Column(r, headers[r]) for r in roles]
    l1s = rng.choice(RUBRIC_L1)
    l1_weights = rng.choice(((20, 20, 40, 20), (15, 25, 35, 25), (20, 20, 30, 30)))
    names = Names(rng)
    review_blank = rng.random() < 0.5
    wide = rng.random() < 0.5
    rows: list[Row] = []
    total = review_total = 0.0
    l2_pool = list(RUBRIC_L2)
    rng.shuffle(l2_pool)
    for l1, w1 in zip(l1s, l1_weights, strict=True):
        n2 = rng.randint(1, 2)
        for w2 in partition(rng, w1, n2):
            l2 = l2_pool.pop()
            l2_label = l1_label(l2, w2, rng.random() < 0.5, wide=wide)
            n3 = min(rng.randint(1, 3), w2)
            for w3 in partition(rng, w2, n3):
                name = names.make(list(RUBRIC_L3))
                score = w3 if rng.random() < 0.7 else max(0, w3 - rng.choice((0.5, 1, 2)))
                review = score if rng.random() < 0.8 else max(0, score - 1)
                total += score
                review_total += review
                cells: dict[str, str | None] = {
                    "l1": l1_label(l1, w1, True, wide=wide),
                    "l2": l2_label,
                    "l3": l1_label(name, w3, True, wide=wide),
                    "desc": wrap(rng, f"考察{name[:-3] or name}情况。", 0.3),
                    "rule": rng.choice(RULES).format(
                        w=w3, w1=max(0, w3 - 1), half=number_text(w3 / 2)
                    ),
                    "score": number_text(score),
                    "review": "" if review_blank else number_text(review),
                }
                row = _with_truth(cells, roles)
                row[1].weight = str(w3)  # the weight lives in the label
                rows.append(row)
    total_row = {"label": "合计", "score": number_text(total)}
    if "review" in roles and not review_blank:
        total_row["review"] = number_text(review_total)
    subject = rng.choice(SUBJECTS)
    return Layout(
        "rubric",
        [f"{subject}项目绩效评价指标评分表", rng.choice(("（项目支出）", "（部门整体支出）"))],
        columns,
        rows,
        total=total_row,
        total_truth=number_text(total),
        level_style=rng.choice(("merge", "merge", "repeat")),
        info=[("项目名称", subject + "专项")],
    )
