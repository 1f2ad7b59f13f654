"""Made-up indicators: names, targets, actuals, weights and the scores the rules give.

Every name and number is drawn from the seeded `random.Random`; nothing is copied from a real
report. Scores are what the central rules give (positive: weight × min(1, actual/target);
reverse and exact: full when met; qualitative 达成: full), so a correct reader raises no
score finding on a generated table.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

PLACES = "青禾云岭溪川桐石泉柳岗杉湾坪塘川源浦杨梅兰桂"
UNITS_ORG = ("教育局", "卫生健康委员会", "农业农村局", "文化和旅游局", "交通运输局", "民政局")
SUBJECTS = (
    "乡村道路",
    "农村饮水",
    "中小学校舍",
    "社区养老",
    "公共图书",
    "农技推广",
    "河道保洁",
    "村卫生室",
    "职业技能",
    "文化活动",
    "路灯照明",
    "防汛物资",
    "森林防火",
    "学生资助",
    "残疾人康复",
)
PROJECT_KINDS = ("专项资金", "运行维护经费", "补助资金", "项目经费", "工作经费")

LEVEL2 = {
    "产出指标": ("数量指标", "质量指标", "时效指标", "成本指标"),
    "效益指标": ("经济效益指标", "社会效益指标", "生态效益指标", "可持续影响指标"),
    "满意度指标": ("服务对象满意度指标",),
}

# (level2 stem, name suffix, kind, unit choices, value range)
COUNT_UNITS = ("个", "人次", "项", "次", "户", "公里", "所", "场", "家")
TIME_TARGETS = ("9月前", "12月底前", "2023年12月31日前", "按季度完成", "及时")
EFFECT_STEMS = ("改善程度", "带动作用", "长效机制", "群众获得感", "环境改善")
QUAL_TARGETS = ("明显改善", "有效提升", "逐步提高", "达到预期", "持续发挥", "健全", "有效")
QUAL_ACTUALS = ("达成预期指标", "达到预期", "已完成", "效果明显", "有效")
SPLIT_QUAL = ("优良中低差", "好", "达标", "有效")


@dataclass
class Indicator:
    """One indicator's printed parts. `op` is the printed operator ('' when none: a bare
    number or a qualitative phrase); `ratio` is the share of the weight the rules give."""

    level1: str
    level2: str
    name: str
    op: str
    value: str
    unit: str
    actual: str
    ratio: float
    qualitative: bool
    suffix: str = ""  # a word operator printed after the value (以内, 以上)

    def target(self) -> str:
        """The target printed in one cell."""
        if self.qualitative:
            return self.value
        return f"{self.op}{self.value}{self.unit}{self.suffix}"

    def split_target(self) -> tuple[str, str, str]:
        """指标性质 · 指标值 · 度量单位 cells."""
        if self.qualitative:
            return ("定性", self.value, "")
        return (self.op, self.value, self.unit)


POSITIVE_OPS = ("≥", "≥", ">=", "≧", "不低于")
REVERSE_OPS = ("≤", "≤", "<=", "≦", "不高于")
EQUAL_OPS = ("=", "﹦", "═", "＝")


def number_text(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


class Names:
    """Indicator names unique within one table."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.used: set[str] = set()

    def make(self, options: list[str]) -> str:
        for _ in range(50):
            name = self.rng.choice(options)
            if name not in self.used:
                self.used.add(name)
                return name
        name = f"{self.rng.choice(options)}{len(self.used)}"
        self.used.add(name)
        return name


def indicator(
    rng: random.Random, names: Names, level1: str, level2: str, *, split: bool = False
) -> Indicator:
    """One indicator of `level2`, with a target the printed operators allow.

    `split` forms print only symbol operators (指标性质 holds ≥ ≤ = or 定性)."""
    subject = rng.choice(SUBJECTS)
    if level2.startswith("数量"):
        name = names.make([f"{subject}{w}" for w in ("覆盖数量", "服务人次", "建设数量", "完成数")])
        return _quantity(rng, (level1, level2, name), rng.choice(COUNT_UNITS), split)
    if level2.startswith(("质量", "服务对象", "满意")):
        stems = ("满意度",) if "满意" in level2 else ("验收合格率", "达标率", "覆盖率", "完好率")
        name = names.make([f"{subject}{s}" for s in stems] + [f"受益群众{s}" for s in stems])
        return _quantity(rng, (level1, level2, name), "%", split, rate=True)
    if level2.startswith("时效"):
        name = names.make([f"{subject}{s}" for s in ("完成及时率", "完成时间", "资金拨付及时性")])
        if name.endswith("率") or split:
            return _quantity(rng, (level1, level2, name), "%", split, rate=True)
        return _qualitative(rng, (level1, level2, name), TIME_TARGETS, ("按时完成",))
    if level2.startswith("成本"):
        name = names.make([f"{subject}{s}" for s in ("单位成本", "项目总成本", "人均补助标准")])
        return _cost(rng, (level1, level2, name), split)
    name = names.make([f"{subject}{s}" for s in EFFECT_STEMS])
    value = rng.choice(SPLIT_QUAL)
    targets, actuals = ((value,), ("好", "达标", value)) if split else (QUAL_TARGETS, QUAL_ACTUALS)
    return _qualitative(rng, (level1, level2, name), targets, actuals)


Where = tuple[str, str, str]  # level1, level2, indicator name


def _qualitative(
    rng: random.Random, where: Where, targets: tuple[str, ...], actuals: tuple[str, ...]
) -> Indicator:
    return Indicator(*where, "", rng.choice(targets), "", rng.choice(actuals), 1, True)


def _quantity(
    rng: random.Random, where: Where, unit: str, split: bool, rate: bool = False
) -> Indicator:
    """A count or a rate with a positive (or exact) target, met or missed by up to a fifth."""
    if rate:
        target = float(rng.choice((80, 85, 90, 95, 98, 100)))
    else:
        target = float(rng.choice((3, 12, 20, 50, 120, 300, 850, 1200, 4600)))
    op = rng.choice(POSITIVE_OPS[:4] if split else POSITIVE_OPS)
    if rng.random() < 0.15:
        op = rng.choice(EQUAL_OPS)
    shortfall = rng.random() < 0.25
    if shortfall:
        actual = round(target * rng.uniform(0.8, 0.99), 1 if rate else 0)
        actual = min(actual, target - (0.1 if rate else 1))
    else:
        actual = target if op in EQUAL_OPS or rng.random() < 0.5 else target + (2 if rate else 5)
        actual = min(actual, 100.0) if rate else actual
    ratio = min(1.0, actual / target) if target else 1.0
    if shortfall and op in EQUAL_OPS:
        op = POSITIVE_OPS[0]  # a missed exact target is scored positively only for non-costs
    actual_text = number_text(actual) + (unit if rng.random() < 0.6 else "")
    suffix = ""
    if not split and op in POSITIVE_OPS[:2] and rng.random() < 0.2:
        op, suffix = "", "以上"
    return Indicator(*where, op, number_text(target), unit, actual_text, ratio, False, suffix)


def _cost(rng: random.Random, where: Where, split: bool) -> Indicator:
    """A cost with a reverse target (≤, 不高于, …以内), always kept under."""
    unit = rng.choice(("万元", "元", "万元"))
    target = float(rng.choice((2.8, 15, 46.5, 120, 300, 5000)))
    actual = round(target * rng.uniform(0.85, 1.0), 2)
    op = rng.choice(REVERSE_OPS[:4] if split else REVERSE_OPS)
    suffix = ""
    if not split and rng.random() < 0.25:
        op, suffix = "", "以内"
    actual_text = number_text(actual) + (unit if rng.random() < 0.6 else "")
    return Indicator(*where, op, number_text(target), unit, actual_text, 1.0, False, suffix)


def partition(rng: random.Random, total: int, parts: int) -> list[int]:
    """`total` split into `parts` positive integers, unevenly."""
    if parts <= 0:
        return []
    base = [total // parts] * parts
    for k in range(total - sum(base)):
        base[k] += 1
    for _ in range(parts):
        i, j = rng.randrange(parts), rng.randrange(parts)
        move = rng.randint(0, max(0, base[i] // 3))
        if i != j and base[i] - move >= 1:
            base[i] -= move
            base[j] += move
    return base


def score_text(value: float, decimals: bool) -> str:
    return f"{value:.2f}" if decimals else number_text(round(value, 2))


def org_name(rng: random.Random) -> str:
    return "".join(rng.sample(PLACES, 2)) + "县" + rng.choice(UNITS_ORG)


def project_name(rng: random.Random) -> str:
    return rng.choice(SUBJECTS) + rng.choice(PROJECT_KINDS)
