"""Closed vocabularies (schemas/vocab.py): what the code writes is declared, a misspelt value
fails mypy, and a profile cannot bring a qualitative level the rules do not name."""

from __future__ import annotations

from pathlib import Path

import pytest
from mypy import api as mypy_api

from pipeline.batch.document import DocResult
from schemas.errors import ProfileError
from schemas.profile import load_profile
from schemas.vocab import QUAL_LEVELS, QUAL_RULES, SCORE_RULES


def test_seed_rules_are_declared_and_stored_as_before(seed004: DocResult) -> None:
    rules = {r.score_rule for r in seed004.indicators}
    assert rules == {
        "positive",
        "reverse",
        "equal",
        "equal_cost_reverse",
        "qual_full",
        "qual_partial",
    }
    assert rules <= set(SCORE_RULES)


def test_every_qualitative_level_has_its_rule() -> None:
    assert set(QUAL_RULES) == set(QUAL_LEVELS) == {"full", "partial", "none"}
    assert [QUAL_RULES[level] for level in QUAL_LEVELS] == [
        "qual_full",
        "qual_partial",
        "qual_none",
    ]


def test_a_misspelt_rule_fails_mypy(tmp_path: Path) -> None:
    snippet = tmp_path / "misspelt.py"
    snippet.write_text(
        "from schemas.vocab import ScoreRule\n"
        'good: ScoreRule = "qual_partial"\n'
        'bad: ScoreRule = "qual_partal"\n',
        encoding="utf-8",
    )
    out, _, status = mypy_api.run(
        ["--strict", "--no-incremental", "--follow-imports=silent", str(snippet)]
    )
    assert status == 1
    (error,) = [line for line in out.splitlines() if ": error:" in line]
    assert error.startswith(f"{snippet}:3: error: Incompatible types in assignment")
    assert "\"Literal['qual_partal']\"" in error


def test_a_profile_cannot_name_its_own_level(tmp_path: Path) -> None:
    profile = tmp_path / "mine.toml"
    profile.write_text(
        'name = "mine"\nextends = "central"\n\n[[qualitative]]\nlevel = "basic"\n'
        'min = 0.5\nmax = 0.7\nphrases = ["基本"]\n',
        encoding="utf-8",
    )
    with pytest.raises(ProfileError) as raised:
        load_profile(str(profile))
    assert str(raised.value) == (
        f"{profile}: [[qualitative]] level = 'basic' is not a known level; use one of "
        "('full', 'partial', 'none') (the row's score_rule is qual_<level>)"
    )
