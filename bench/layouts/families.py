"""One generator per column family of shared/TEMPLATES.md, each a seeded made-up table.

Each returns a `Layout` (form.py draws it): the family's columns in the order it prints them,
with header synonyms, and every indicator row's cells beside the truth a reader should report.
"""

from __future__ import annotations

import random

from bench.layouts.content import (
    LEVEL2,
    Indicator,
    Names,
    indicator,
    number_text,
    org_name,
    partition,
    project_name,
    score_text,
)
from bench.layouts.form import Column, Layout, budget_block
from bench.layouts.model import TruthRow

TARGET_H = ("年度指标值", "年度目标值", "预期指标值", "指标值", "年度绩效指标值")
ACTUAL_H = ("实际完成值", "全年实际值", "年度实际完成值", "实际值", "完成值")
WEIGHT_H = ("分值", "权重", "指标分值", "分值(分)")
SCORE_H = ("得分", "自评得分", "实际得分")
REASON_H = ("偏差原因分析及改进措施", "偏差原因", "未完成原因分析及改进措施")
LEVEL1_WEIGHTS = {90: ((50, 30, 10), (40, 40, 10), (60, 20, 10)), 100: ((50, 40, 10), (60, 30, 10))}
ROWS_PER_L1 = {"产出指标": (3, 5), "效益指标": (1, 3), "满意度指标": (1, 2)}


def wrap(rng: random.Random, text: str, p: float = 0.25) -> str:
    """A cell wrapped over two lines, the way narrow columns print long labels."""
    if len(text) < 4 or rng.random() >= p:
        return text
    cut = rng.randint(2, len(text) - 2)
    return text[:cut] + "\n" + text[cut:]


def l1_label(l1: str, weight: int, shown: bool, spaced: bool = False, wide: bool = False) -> str:
    label = " ".join(l1) if spaced else l1
    if not shown:
        return label
    return f"{label}（{weight}分）" if wide else f"{label}({weight}分)"


def indicators(
    rng: random.Random, total: int, *, split: bool = False
) -> list[tuple[Indicator, int, int]]:
    """Indicators with integer weights adding up to `total`: (indicator, weight, level-1 weight)."""
    weights = rng.choice(
        LEVEL1_WEIGHTS.get(total) or ((total // 2, total // 4, total - total // 2 - total // 4),)
    )
    names = Names(rng)
    out: list[tuple[Indicator, int, int]] = []
    for l1, w1 in zip(LEVEL2, weights, strict=True):
        low, high = ROWS_PER_L1[l1]
        n = min(rng.randint(low, high), w1)
        level2s = sorted(rng.choices(range(len(LEVEL2[l1])), k=n))
        for ind_w, k in zip(partition(rng, w1, n), level2s, strict=True):
            out.append((indicator(rng, names, l1, LEVEL2[l1][k], split=split), ind_w, w1))
    if rng.random() < 0.25:  # older forms: 满意度 is a level-2 group of 效益指标
        benefit = weights[1] + weights[2]
        for k, (ind, w, _) in enumerate(out):
            if ind.level1 != "产出指标":
                ind.level1 = "效益指标"
                out[k] = (ind, w, benefit)
    return out


def titles(rng: random.Random, kind: str = "项目支出绩效自评表") -> list[str]:
    year = rng.choice((2021, 2022, 2023, 2024))
    return [kind, rng.choice((f"（{year}年度）", f"({year}年度)"))]


def info(rng: random.Random) -> list[tuple[str, str]]:
    org = org_name(rng)
    return [("项目名称", project_name(rng)), ("主管部门", org), ("实施单位", org[:-1] + "所")]


def goals(rng: random.Random) -> tuple[str, str]:
    return (
        "按计划完成项目建设任务，提升公共服务水平。",
        "已按计划完成全年任务，服务水平有所提升。",
    )


def reason_text(rng: random.Random, met: bool) -> str:
    if met:
        return rng.choice(("", "", "无", "/"))
    return rng.choice(("受天气影响进度滞后，下年度加强调度", "部分资金未及时到位"))


def mof(rng: random.Random) -> Layout:
    """MoF standard: 一级 · 二级 · 三级 · 年度指标值 · 实际完成值 · 分值 · 得分 · 偏差原因."""
    roles = ["l1", "l2", "l3", "target", "actual", "weight", "score"]
    if rng.random() < 0.8:
        roles.append("reason")
    return scored(rng, "mof", roles)


def weight_first(rng: random.Random) -> Layout:
    """安徽/宁夏: 分值 before the target; ★, `(≥**人)`, 其中 sub-rows, spaced labels."""
    return scored(
        rng, "weight_first", ["l1", "l2", "l3", "weight", "target", "actual", "score", "reason"]
    )


def scored(rng: random.Random, family: str, roles: list[str]) -> Layout:
    """A table with weight and score columns (MoF and weight-first families)."""
    budget_scored = family == "mof" or rng.random() < 0.7
    budget = budget_block(rng, weight=10 if budget_scored else None)
    headers = {
        "l1": "一级指标",
        "l2": "二级指标",
        "l3": "三级指标",
        "target": rng.choice(TARGET_H),
        "actual": "全年实际值"
        if family == "weight_first" and rng.random() < 0.6
        else rng.choice(ACTUAL_H),
        "weight": rng.choice(WEIGHT_H),
        "score": rng.choice(SCORE_H),
        "reason": rng.choice(REASON_H),
    }
    columns = [Column(r, wrap(rng, headers[r], 0.2)) for r in roles]
    show_w1 = rng.random() < 0.5
    spaced = family == "weight_first" and rng.random() < 0.3
    wide, decimals = rng.random() < 0.5, rng.random() < 0.3
    percent = rng.random() < 0.15
    rows: list[tuple[dict[str, str | None], TruthRow]] = []
    total = 0.0
    for ind, w, w1 in indicators(rng, 90 if budget_scored else 100):
        name = ind.name
        if family == "weight_first" and rng.random() < 0.2:
            name = "★" + name
        if family == "weight_first" and ind.unit == "人次" and rng.random() < 0.3:
            name += "(≥**人)"  # a placeholder the form template left in the name
        score = w * ind.ratio
        total += round(score, 2)
        cells: dict[str, str | None] = {
            "l1": l1_label(ind.level1, w1, show_w1, spaced, wide),
            "l2": wrap(rng, ind.level2, 0.15),
            "l3": wrap(rng, name, 0.2),
            "target": ind.target(),
            "actual": ind.actual,
            "weight": f"{w}%" if percent else str(w),
            "score": score_text(score, decimals),
            "reason": reason_text(rng, ind.ratio >= 1),
        }
        rows.append(_with_truth(cells, roles))
        if (
            family == "weight_first"
            and ind.unit in ("人次", "户", "个")
            and ind.op != ""
            and rng.random() < 0.5
        ):
            rows += _sub_rows(rng, ind, cells, roles)
    if budget.truth.score:
        total += float(budget.truth.score)
    label = rng.choice(("总分", "合计", "总计"))
    return Layout(
        family,
        titles(rng, "项目支出绩效自评表" if family == "mof" else "项目绩效目标自评表"),
        columns,
        rows,
        budget=budget,
        total={
            "label": label,
            "weight": "100" if not percent else "100%",
            "score": score_text(total, decimals),
        },
        total_truth=score_text(total, decimals),
        lead="绩效指标" if rng.random() < 0.5 else None,
        level_style=rng.choice(("merge", "merge", "repeat", "blank")),
        info=info(rng),
        goals=goals(rng) if rng.random() < 0.7 else None,
    )


# what a reader should report for a family's extra columns, by role
EXTRA_NAMES = {
    "reason": "reason",
    "desc": "description",
    "rule": "rule",
    "review": "review_score",
    "coef": "coefficient",
    "core": "core",
    "full": "full_mark",
    "single": "single_score",
    "done": "completion",
    "op": "target_nature",
    "value": "target_value",
    "unit": "target_unit",
}


def _with_truth(
    cells: dict[str, str | None], roles: list[str]
) -> tuple[dict[str, str | None], TruthRow]:
    """The truth of a row: the core fields, and every extra column printed (blank ones too)."""

    def get(role: str) -> str | None:
        text = cells.get(role) if role in roles else None
        return text if text else None

    extra = {EXTRA_NAMES[r]: cells.get(r) or "" for r in roles if r in EXTRA_NAMES}

    truth = TruthRow(
        level1=get("l1"),
        level2=get("l2"),
        level3=get("l3") or "",
        target=get("target"),
        actual=get("actual"),
        weight=get("weight"),
        score=get("score"),
        extra=extra,
    )
    return cells, truth


def _sub_rows(
    rng: random.Random, parent: Indicator, cells: dict[str, str | None], roles: list[str]
) -> list[tuple[dict[str, str | None], TruthRow]]:
    """Two 其中 rows carrying target and actual only; their numbers add up to the parent's."""
    target = float(parent.value)
    actual = float("".join(ch for ch in parent.actual if ch.isdigit() or ch == "."))
    first_t, first_a = round(target * 0.6), round(actual * 0.6)
    parts = (("城区", first_t, first_a), ("乡镇", target - first_t, actual - first_a))
    out = []
    for place, t, a in parts:
        sub = dict(cells)
        sub["l3"] = f"其中：{place}{parent.name[-4:]}"
        sub["target"] = f"{parent.op}{number_text(t)}{parent.unit}{parent.suffix}"
        sub["actual"] = number_text(a) + parent.unit
        sub["weight"] = sub["score"] = sub["reason"] = ""
        out.append(_with_truth(sub, roles))
    return out


def hubei(rng: random.Random) -> Layout:
    """湖北 20-point: no weight column; budget worth 20 (`得分(20分*执行率)`); indicators worth
    80, weights only in the level labels; sometimes one score per 二级 group."""
    roles = ["l1", "l2", "l3", "target", "actual", "score", "reason"]
    formula = rng.random() < 0.5
    budget = budget_block(
        rng,
        weight=20,
        title=None if formula else "预算执行情况（{unit}）（20分）",
        score_header="得分(20分*执行率)" if formula else "得分",
    )
    target_h = rng.choice(("年初目标值(A)", "年初目标值", "年度指标值"))
    actual_h = rng.choice(("实际完成值(B)", "实际完成值", "全年实际值"))
    headers = dict(
        zip(
            roles,
            ("一级指标", "二级指标", "三级指标", target_h, actual_h, "得分", rng.choice(REASON_H)),
            strict=True,
        )
    )
    columns = [Column(r, headers[r]) for r in roles]
    show_w1 = rng.random() < 0.7
    group_scores = rng.random() < 0.3
    rows: list[tuple[dict[str, str | None], TruthRow]] = []
    items = indicators(rng, 80)
    total = float(budget.truth.score or 0)
    k = 0
    while k < len(items):
        ind, _, w1 = items[k]
        group = [items[k]]
        while (
            group_scores
            and k + len(group) < len(items)
            and items[k + len(group)][0].level2 == ind.level2
        ):
            group.append(items[k + len(group)])
        group_score = round(sum(w * i.ratio for i, w, _ in group), 2)
        total += group_score
        for n, (item, w, _) in enumerate(group):
            score = (
                number_text(round(w * item.ratio, 2))
                if len(group) == 1
                else number_text(group_score)
            )
            cells: dict[str, str | None] = {
                "l1": l1_label(item.level1, w1, show_w1),
                "l2": item.level2,
                "l3": wrap(rng, item.name, 0.2),
                "target": item.target(),
                "actual": _checkbox(rng, item),
                "score": score,
                "reason": reason_text(rng, item.ratio >= 1),
            }
            cell_row = _with_truth(cells, roles)
            if n > 0:  # the group's score is printed once, on its first row
                cells["score"] = None if rng.random() < 0.5 else ""
                cell_row[1].score = None
            rows.append(cell_row)
        k += len(group)
    return Layout(
        "hubei",
        titles(rng),
        columns,
        rows,
        budget=budget,
        total={"label": "总分", "score": number_text(round(total, 2))},
        total_truth=number_text(round(total, 2)),
        level_style=rng.choice(("merge", "repeat")),
        info=info(rng),
        goals=goals(rng),
    )


def _checkbox(rng: random.Random, item: Indicator) -> str:
    if item.qualitative and rng.random() < 0.3:
        return rng.choice(("☑是 □否", "☑达到 □未达到"))
    return item.actual


def targets_only(rng: random.Random) -> Layout:
    """区域 / 转移支付 绩效目标自评表: targets and actuals, no weights, no scores."""
    roles = ["l1", "l2", "l3", "target", "actual"] + (["reason"] if rng.random() < 0.5 else [])
    headers = {
        "l1": "一级指标",
        "l2": "二级指标",
        "l3": "三级指标",
        "target": rng.choice(TARGET_H),
        "actual": rng.choice(ACTUAL_H),
        "reason": rng.choice(REASON_H),
    }
    columns = [Column(r, headers[r]) for r in roles]
    rows = []
    for ind, _, _ in indicators(rng, 100):
        cells: dict[str, str | None] = {
            "l1": ind.level1,
            "l2": ind.level2,
            "l3": wrap(rng, ind.name, 0.2),
            "target": ind.target(),
            "actual": ind.actual,
            "reason": reason_text(rng, ind.ratio >= 1),
        }
        rows.append(_with_truth(cells, roles))
    kind = rng.choice(("区域绩效目标自评表", "转移支付区域绩效目标自评表"))
    return Layout(
        "targets_only",
        titles(rng, kind),
        columns,
        rows,
        budget=budget_block(rng, weight=None, with_initial=False),
        level_style=rng.choice(("merge", "repeat", "blank")),
        info=info(rng)[:1],
    )
