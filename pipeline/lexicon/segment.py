"""One jieba tokenizer for the whole pipeline.

A jieba dictionary costs ~60 MB per tokenizer, so concepts (indicator names) and claims
(narrative sentences) share one private instance with both fiscal user dictionaries loaded;
jieba's global tokenizer is never touched.
"""

from __future__ import annotations

import logging
from functools import cache
from importlib import resources
from typing import Any

USER_DICTIONARIES = ("fiscal_dict.txt", "claims_dict.txt")


@cache
def tokenizer() -> Any:
    """Built on first use, once per process (jieba's import alone costs ~1 s: a run with
    nothing to read, `--help` and `query` never pay it)."""
    import jieba  # noqa: PLC0415

    jieba.setLogLevel(logging.WARNING)
    tok = jieba.Tokenizer()
    for name in USER_DICTIONARIES:
        with resources.as_file(resources.files("pipeline.lexicon") / name) as path:
            tok.load_userdict(str(path))
    return tok
