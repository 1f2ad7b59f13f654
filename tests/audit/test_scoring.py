from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from pipeline.audit.scoring import Scored, exec_score, recomputed, score_row
from pipeline.extract.values import parse_value
from schemas import ProfileError
from schemas.profile import Profile, load_profile

W = Decimal(10)


def _score(target: str, actual: str, profile: Profile, *, cost: bool = False) -> tuple[str, str]:
    scored = score_row(parse_value(target), parse_value(actual), W, cost, profile)
    return scored.rule, f"{scored.low}-{scored.high}"


def test_positive(central: Profile) -> None:
    assert _score(">=510人", "=462人", central) == ("positive", "9.06-9.06")
    assert _score(">=90%", "=100%", central) == ("positive", "10.00-10.00")
    assert _score(">=0个", "=0个", central) == ("positive", "10.00-10.00")  # target 0 -> full


def test_reverse(central: Profile) -> None:
    assert _score("<=30万元", "=29.5万元", central) == ("reverse", "10.00-10.00")
    assert _score("<=30万元", "=40万元", central) == ("reverse", "7.50-7.50")
    assert _score("<=30万元", "=400000元", central) == ("reverse", "7.50-7.50")  # via base unit


def test_equal_cost_and_not(central: Profile) -> None:
    assert _score("=2717元", "=4800元", central, cost=True) == ("equal_cost_reverse", "5.66-5.66")
    assert _score("=12人", "=10人", central) == ("equal_positive", "8.33-8.33")
    assert _score("=12人", "=12人", central) == ("equal", "10.00-10.00")


def test_qualitative_bands(central: Profile) -> None:
    # 达成 100–80 %, 部分达成 80–60 %, 未达成 60–0 % (issue 4; 财预〔2020〕10号)
    assert _score("有效保障", "完全达到预期", central) == ("qual_full", "8.00-10.00")
    assert _score("有效保障", "基本达到预期", central) == ("qual_partial", "6.00-8.00")
    assert _score("有效保障", "未达到预期", central) == ("qual_none", "0.00-6.00")
    assert _score("不断提高", "不断提高", central) == ("qual_full", "8.00-10.00")
    assert _score("有效保障", "见附件", central) == ("qual_unknown", "0-10")


def test_inferred_operator(central: Profile) -> None:
    scored = score_row(parse_value("38508人"), parse_value("40000人"), W, False, central)
    assert (scored.op, scored.op_inferred, scored.low) == (">=", True, W)
    cost = score_row(parse_value("15万元"), parse_value("20万元"), W, True, central)
    assert (cost.op, cost.op_inferred, cost.low) == ("<=", True, Decimal("7.50"))


def test_unit_mismatch(central: Profile) -> None:
    scored = score_row(parse_value(">=5个"), parse_value("=5人"), W, False, central)
    assert scored.unit_mismatch and scored.rule == "unit_mismatch"


def test_recomputed_clamps_into_band() -> None:
    band = Scored(rule="qual_partial", low=Decimal(6), high=Decimal(8))
    assert recomputed(band, Decimal(7)) == Decimal(7)
    assert recomputed(band, Decimal(10)) == Decimal(8)
    assert recomputed(band, Decimal(2)) == Decimal(6)
    assert recomputed(band, None) == Decimal(8)


def test_exec_score(central: Profile) -> None:
    rate, score = exec_score(Decimal(10), Decimal("46.40"), Decimal("50.00"), central)
    assert (rate, score) == (Decimal("0.928"), Decimal("9.28"))
    assert exec_score(Decimal(10), Decimal(5), Decimal(0), central) == (None, None)
    over = exec_score(Decimal(10), Decimal(60), Decimal(50), central)
    assert over[1] == Decimal("10.00")


def test_grades(central: Profile) -> None:
    assert [central.grade_of(s) for s in (95, 90, 89.99, 80, 60, 59.9)] == [
        "优", "优", "良", "良", "中", "差",
    ]  # fmt: skip
    assert central.canonical_grade("优秀") == "优"
    assert central.canonical_grade("良好") == "良"
    assert central.canonical_grade("很好") is None


def test_user_profile_file_changes_the_score(tmp_path: Path, central: Profile) -> None:
    text = (Path(__file__).parents[2] / "schemas/profiles/central.toml").read_text("utf-8")
    custom = tmp_path / "linear.toml"
    custom.write_text(
        text.replace('name = "central"', 'name = "linear"').replace(
            'reverse = "inverse_ratio"', 'reverse = "linear_overrun"'
        ),
        encoding="utf-8",
    )
    linear = load_profile(custom)
    assert linear.name == "linear"
    assert _score("<=30万元", "=40万元", central) == ("reverse", "7.50-7.50")
    assert _score("<=30万元", "=40万元", linear) == ("reverse", "6.67-6.67")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("name = 1\n[rules]\n", r"missing key 'budget\.rule'"),
        ("not toml [", "not valid TOML"),
    ],
)
def test_profile_errors(tmp_path: Path, content: str, message: str) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text(content, encoding="utf-8")
    with pytest.raises(ProfileError, match=message):
        load_profile(bad)


def test_unknown_rule_and_profile(tmp_path: Path) -> None:
    text = (Path(__file__).parents[2] / "schemas/profiles/central.toml").read_text("utf-8")
    bad = tmp_path / "bad.toml"
    bad.write_text(text.replace('positive = "ratio"', 'positive = "magic"'), encoding="utf-8")
    with pytest.raises(ProfileError, match=r"rules\.positive = 'magic' is not a known rule"):
        load_profile(bad)
    with pytest.raises(ProfileError, match="unknown profile 'nowhere'; bundled: central"):
        load_profile("nowhere")


def test_deadlines(central: Profile) -> None:
    assert _score("2023年12月31日前", "2023年12月20日", central) == ("deadline_met", "10-10")
    assert _score("2023年12月31日前", "11月底", central) == ("deadline_met", "10-10")
    # missed: anywhere up to the top of the partial band (80 %), never full marks
    assert _score("2023年10月31日前", "11月底", central) == ("deadline_missed", "0-8.00")
    # a phrase answer to a deadline is scored by its phrase
    assert _score("2023年12月31日前", "按时完成", central) == ("qual_full", "8.00-10.00")
