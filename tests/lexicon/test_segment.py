"""The tokenizer on the stored prefix dictionary cuts exactly as jieba on its own dict."""

from __future__ import annotations

import logging
from importlib import resources
from pathlib import Path

import jieba
import pytest

from pipeline.lexicon import prefixes
from pipeline.lexicon.segment import USER_DICTIONARIES, tokenizer

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
TEXTS = (FIXTURES / "claims" / "invented_report.txt", FIXTURES / "formats" / "splitgrid.txt")


def _jieba_own() -> jieba.Tokenizer:
    """jieba as it comes: its whole dict in memory, our user dictionaries on top."""
    jieba.setLogLevel(logging.WARNING)
    tok = jieba.Tokenizer()
    for name in USER_DICTIONARIES:
        with resources.as_file(resources.files("pipeline.lexicon") / name) as path:
            tok.load_userdict(str(path))
    return tok


def test_the_pipeline_tokenizer_reads_the_stored_dictionary() -> None:
    assert isinstance(tokenizer().FREQ, prefixes.StoredPrefixes)


@pytest.mark.parametrize("hmm", [True, False])
def test_cuts_equal_jieba_own_on_report_text(hmm: bool) -> None:
    lines = [s for path in TEXTS for s in path.read_text(encoding="utf-8").splitlines() if s]
    own = _jieba_own()
    assert len(lines) > 50
    for line in lines:
        assert tokenizer().lcut(line, HMM=hmm) == own.lcut(line, HMM=hmm), line


def test_entries_equal_jieba_own() -> None:
    own, stored = _jieba_own(), tokenizer().FREQ
    assert tokenizer().total == own.total  # the user words' frequencies added alike
    for word in ("项目", "项", "资金到位率", "及时率", "满意度", "不在词典里的词", "中央财政"):
        assert (word in stored) == (word in own.FREQ), word
        assert stored.get(word) == own.FREQ.get(word), word


def test_a_dictionary_that_cannot_be_stored_is_left_to_jieba(tmp_path: Path) -> None:
    assert prefixes.stored(tmp_path / "missing-dict.txt") is None
