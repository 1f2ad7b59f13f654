"""The word lists: one loader, and grade words that agree with every profile's grades."""

from __future__ import annotations

import pytest

from pipeline import lexicon
from schemas.profile import load_profile


def test_grade_words_name_their_band() -> None:
    words = lexicon.grade_words()
    assert words["优秀"] == "优"
    assert words["合格"] == "中"
    assert words["不合格"] == "差"
    assert set(words.values()) == {"优", "良", "中", "差"}


@pytest.mark.parametrize("name", ["central", "provincial", "hubei", "central_na_rescaled"])
def test_every_profile_grade_word_is_in_the_lexicon(name: str) -> None:
    """A word the profile accepts for a grade must be read from tables and prose as that grade."""
    words = lexicon.grade_words()
    for grade in load_profile(name).grades:
        for word in (grade.grade, *grade.aliases):
            assert words.get(word) == grade.grade, word


def test_sections_skip_comments_and_split_words() -> None:
    units = lexicon.sections("claims_words.txt")["count_units"]
    assert units and all(" " not in w and "#" not in w for w in units)
