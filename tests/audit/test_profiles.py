"""Rule variants as profiles: each bundled profile loads, validates, and scores the same
invented table differently — with the numbers written out."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest

from pipeline.audit.scoring import score_row
from pipeline.batch.document import DocResult
from pipeline.extract.values import parse_value
from schemas import ProfileError
from schemas.profile import Profile, bundled_profiles, load_profile
from tests.invented import BASE_ROWS, BASE_TOTAL, Invented, Row

W = Decimal(10)


def _rule(target: str, actual: str, profile: Profile, *, cost: bool = False) -> tuple[str, str]:
    scored = score_row(parse_value(target), parse_value(actual), W, cost, profile)
    return scored.rule, f"{scored.low}-{scored.high}"


def _scores(result: DocResult) -> list[tuple[str, float | None, float | None]]:
    return [(r.level3, r.score_min, r.score_max) for r in result.indicators]


def _mismatches(result: DocResult) -> Counter[tuple[str, str | None, str | None]]:
    names = {r.indicator_id: r.level3 for r in result.indicators}
    return Counter(
        (names.get(f.indicator_id or "", "table"), f.stated, f.recomputed)
        for f in result.findings
        if f.code in ("SCORE_MISMATCH", "TOTAL_MISMATCH")
    )


def test_bundled_profiles_all_load() -> None:
    names = bundled_profiles()
    assert {"central", "provincial", "hubei", "central_na_rescaled"} <= set(names)
    for name in names:
        assert load_profile(name).name == name


def test_central_bands_follow_the_issue(central: Profile) -> None:
    bands = {b.level: (b.min, b.max) for b in central.qualitative}
    assert bands == {"full": (0.8, 1.0), "partial": (0.6, 0.8), "none": (0.0, 0.6)}


def test_hubei_bands_and_nothing_else_differ(central: Profile) -> None:
    hubei = load_profile("hubei")
    bands = {b.level: (b.min, b.max) for b in hubei.qualitative}
    assert bands == {"full": (0.8, 1.0), "partial": (0.5, 0.8), "none": (0.0, 0.5)}
    # phrases are inherited from central, entry by entry
    assert [b.phrases for b in hubei.qualitative] == [b.phrases for b in central.qualitative]
    assert (hubei.reverse, hubei.equal, hubei.grades) == (
        central.reverse,
        central.equal,
        central.grades,
    )


def test_rule_formulas_by_profile(central: Profile) -> None:
    provincial, hubei = load_profile("provincial"), load_profile("hubei")
    # <= 30, actual 40: central 10 × 30/40; provincial 10 × (1 − 10/30); zero at twice the target
    assert _rule("<=30万元", "=40万元", central) == ("reverse", "7.50-7.50")
    assert _rule("<=30万元", "=40万元", provincial) == ("reverse", "6.67-6.67")
    assert _rule("<=30万元", "=60万元", provincial) == ("reverse", "0.00-0.00")
    assert _rule("<=30万元", "=70万元", provincial) == ("reverse", "0.00-0.00")
    # = on a cost: central reads an overrun as reverse, provincial as >=
    assert _rule("=20万元", "=25万元", central, cost=True) == ("equal_cost_reverse", "8.00-8.00")
    assert _rule("=20万元", "=25万元", provincial, cost=True) == ("equal_positive", "10.00-10.00")
    assert _rule("=20万元", "=16万元", provincial, cost=True) == ("equal_positive", "8.00-8.00")
    # = 0: central's positive reading gives full marks; provincial reads a zero target as <=
    assert _rule("=0次", "=1次", central) == ("equal_positive", "10.00-10.00")
    assert _rule("=0次", "=1次", provincial) == ("equal_zero_reverse", "0.00-0.00")
    assert _rule("=0次", "=0次", provincial) == ("equal", "10.00-10.00")
    # qualitative 基本达到: central 60–80 %, 湖北 50–80 %; 未达到: 0–60 % vs 0–50 %
    assert _rule("有效提升", "基本达到预期", central) == ("qual_partial", "6.00-8.00")
    assert _rule("有效提升", "基本达到预期", hubei) == ("qual_partial", "5.00-8.00")
    assert _rule("有效提升", "未达到预期", hubei) == ("qual_none", "0.00-5.00")
    assert _rule("有效提升", "达成预期指标", hubei) == ("qual_full", "8.00-10.00")


def test_same_table_central(tmp_path: Path, central: Profile) -> None:
    result = Invented(rows=BASE_ROWS, total=BASE_TOTAL).ingest(tmp_path, central)
    table = result.tables[0]
    # 9.28 + 20 + 7.5 + 8 + 10 + 12 + 20
    assert (table.total_stated, table.total_recomputed, table.grade_recomputed) == (
        75.78,
        86.78,
        "良",
    )
    assert _scores(result) == [
        ("图书角开放数量", 20.0, 20.0),
        ("图书采购单价", 7.5, 7.5),
        ("采购合同金额", 8.0, 8.0),
        ("安全事故次数", 10.0, 10.0),
        ("居民阅读氛围", 12.0, 16.0),
        ("读者满意度", 20.0, 20.0),
    ]
    assert _mismatches(result) == {
        ("table", "75.78", "86.78"): 1,
        ("安全事故次数", "0.00", "10.00"): 1,
        ("居民阅读氛围", "11.00", "12.00"): 1,
    }


def test_same_table_provincial(tmp_path: Path) -> None:
    result = Invented(rows=BASE_ROWS, total=BASE_TOTAL).ingest(tmp_path, load_profile("provincial"))
    table = result.tables[0]
    # 9.28 + 20 + 6.67 + 10 + 0 + 12 + 20
    assert (table.total_recomputed, table.grade_recomputed, table.profile) == (
        77.95,
        "中",
        "provincial",
    )
    assert _scores(result)[1:4] == [
        ("图书采购单价", 6.67, 6.67),
        ("采购合同金额", 10.0, 10.0),
        ("安全事故次数", 0.0, 0.0),
    ]
    assert _mismatches(result) == {
        ("table", "75.78", "77.95"): 1,
        ("图书采购单价", "7.50", "6.67"): 1,
        ("采购合同金额", "8.00", "10.00"): 1,
        ("居民阅读氛围", "11.00", "12.00"): 1,
    }


def test_same_table_hubei(tmp_path: Path) -> None:
    result = Invented(rows=BASE_ROWS, total=BASE_TOTAL).ingest(tmp_path, load_profile("hubei"))
    table = result.tables[0]
    # 9.28 + 20 + 7.5 + 8 + 10 + 11 + 20: the printed 11 lies inside 湖北's 10–16 band
    assert (table.total_recomputed, table.grade_recomputed) == (85.78, "良")
    assert _scores(result)[4] == ("居民阅读氛围", 10.0, 16.0)
    assert _mismatches(result) == {
        ("table", "75.78", "85.78"): 1,
        ("安全事故次数", "0.00", "10.00"): 1,
    }


NA_ROWS: list[Row] = [
    ("产出指标", "数量指标", "图书角开放数量", ">=12个", "=12个", "30", "30"),
    ("产出指标", "质量指标", "图书完好率", ">=95%", "=90%", "20", "18.95"),
    ("效益指标", "经济效益指标", "带动周边消费", "不适用", "不适用", "10", "不适用"),
    ("效益指标", "社会效益指标", "居民阅读氛围", "有效提升", "完全达到预期", "20", "20"),
    ("满意度指标", "服务对象满意度指标", "读者满意度", ">=90%", "=95%", "10", "10"),
]


def test_not_applicable_kept_or_dropped(tmp_path: Path, central: Profile) -> None:
    table = Invented(rows=NA_ROWS, total="97.58")  # 9.28 + 30 + 18.95 + 20 + 10 + 10 (不适用 full)
    kept = table.ingest(tmp_path, central)
    row = kept.indicators[2]
    assert (row.score_rule, row.score_min, row.score_max, row.score_recomputed) == (
        "not_applicable",
        0.0,
        10.0,
        10.0,
    )
    assert (kept.tables[0].total_recomputed, kept.tables[0].weight_dropped) == (98.23, None)

    dropped = table.ingest(tmp_path, load_profile("central_na_rescaled"))
    row = dropped.indicators[2]
    assert (row.score_rule, row.score_min, row.score_recomputed) == (
        "not_applicable_dropped",
        None,
        None,
    )
    t = dropped.tables[0]
    # (9.28 + 30 + 18.95 + 20 + 10) × 100 / 90 = 88.23 × 100 / 90
    assert (t.total_recomputed, t.weight_sum, t.weight_dropped) == (98.03, 100.0, 10.0)
    # the printed 97.58 is (9.28 + 30 + 18.95 + 20 + 10) + 10: not the rescaled total
    assert {f.code for f in dropped.findings} >= {"TOTAL_MISMATCH", "TOTAL_ARITHMETIC"}


def test_budget_block_weight_decides(tmp_path: Path, central: Profile) -> None:
    rows_80 = [
        ("产出指标", "数量指标", "图书角开放数量", ">=12个", "=12个", "10", "10"),
        *BASE_ROWS[1:],
    ]
    ten = Invented(rows=BASE_ROWS).ingest(tmp_path, central).tables[0]
    twenty = Invented(weight="20", score="18.56分", rows=rows_80).ingest(tmp_path, central)
    absent = Invented(weight="", rate="", score="", rows=BASE_ROWS).ingest(tmp_path, central)
    assert (ten.exec_weight, ten.exec_score_recomputed) == (10.0, 9.28)
    assert (twenty.tables[0].exec_weight, twenty.tables[0].exec_score_recomputed) == (20.0, 18.56)
    # 得分(20分*执行率): the same 92.8 % is worth 18.56 of 20; the rows then weigh 80
    assert (twenty.tables[0].weight_sum, twenty.tables[0].total_recomputed) == (100.0, 86.06)
    assert (ten.weight_sum, ten.total_recomputed) == (100.0, 86.78)
    t = absent.tables[0]
    assert (t.exec_weight, t.exec_rate_recomputed, t.exec_score_recomputed) == (None, 0.928, None)
    assert (t.weight_sum, t.total_recomputed) == (90.0, 77.5)  # 20 + 7.5 + 8 + 10 + 12 + 20


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('name = "x"\n[budget]\nrule = "capped_rate"\n', "missing key 'rules.positive'"),
        ('extends = "central"\n[rules]\nreverse = "quadratic"\n', "rules.reverse = 'quadratic'"),
        ('extends = "central"\n[rules]\nrevers = "linear_overrun"\n', "unknown key rules.'revers'"),
        ('extends = "central"\n[not_applicable]\nmode = "ignore"\n', "not_applicable.mode"),
        ('extends = "central"\n[[qualitative]]\nlevel = "full"\nmin = 0.9\nmax = 1.2\n', "full"),
        ('extends = "central"\n[rounding]\ndecimals = "two"\n', "rounding.decimals must be"),
        ('extends = "nowhere"\n', "unknown profile 'nowhere'"),
        ("name = [", "not valid TOML"),
    ],
)
def test_invalid_profiles_name_the_key(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "mine.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ProfileError) as err:
        load_profile(path)
    assert message in str(err.value)
    assert str(path) in str(err.value)


def test_user_profile_extends_a_bundled_one(tmp_path: Path, central: Profile) -> None:
    path = tmp_path / "county.toml"
    path.write_text(
        'extends = "provincial"\nname = "county"\n[[grades]]\ngrade = "优"\nmin = 95.0\n',
        encoding="utf-8",
    )
    county = load_profile(path)
    assert (county.name, county.reverse, county.equal) == (
        "county",
        "linear_overrun",
        "positive_unless_zero",
    )
    assert [(g.grade, g.min) for g in county.grades] == [
        ("优", 95.0),
        ("良", 80.0),
        ("中", 60.0),
        ("差", 0.0),
    ]
    assert county.grades[0].aliases == ("优秀",)  # merged into central's entry
    assert county.grade_of(92) == "良" and central.grade_of(92) == "优"


def test_extends_loop_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "a.toml").write_text('extends = "b.toml"\nname = "a"\n', encoding="utf-8")
    (tmp_path / "b.toml").write_text('extends = "a.toml"\nname = "b"\n', encoding="utf-8")
    with pytest.raises(ProfileError, match="loops"):
        load_profile(tmp_path / "a.toml")
