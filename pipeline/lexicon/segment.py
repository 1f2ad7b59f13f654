"""One jieba tokenizer for the whole pipeline.

A jieba dictionary costs ~60 MB per tokenizer, so concepts (indicator names) and claims
(narrative sentences) share one private instance with both fiscal user dictionaries loaded;
jieba's global tokenizer is never touched. Its dictionary is read word by word from disk
(pipeline.lexicon.prefixes) rather than loaded whole: the same words, without the ~1.7 s
and ~70 MB that loading costs every process.
"""

from __future__ import annotations

import logging
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from pipeline.lexicon import prefixes

USER_DICTIONARIES = ("fiscal_dict.txt", "claims_dict.txt")


@cache
def tokenizer() -> Any:
    """Built on first use, once per process (jieba's import alone costs ~1 s: a run with
    nothing to read, `--help` and `query` never pay it)."""
    import jieba  # noqa: PLC0415

    jieba.setLogLevel(logging.WARNING)
    tok = jieba.Tokenizer()
    stored = prefixes.stored(Path(jieba.__file__).with_name(jieba.DEFAULT_DICT_NAME))
    if stored is not None:  # else jieba loads its own dict on first use
        tok.FREQ, tok.total, tok.initialized = stored, stored.total, True
    for name in USER_DICTIONARIES:
        with resources.as_file(resources.files("pipeline.lexicon") / name) as path:
            tok.load_userdict(str(path))
    return tok
