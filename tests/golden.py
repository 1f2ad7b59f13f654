"""Golden files: `ZIPING_REGEN=1 pytest` rewrites them; a test fails if the switch is left on."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

GOLDEN = Path(__file__).parent / "golden"


def regen() -> bool:
    return os.environ.get("ZIPING_REGEN") == "1"


def check_golden(name: str, actual: Any) -> None:
    """Compare `actual` (JSON-able) with tests/golden/<name>.json, or rewrite it under REGEN."""
    path = GOLDEN / f"{name}.json"
    text = json.dumps(actual, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
    if regen():
        path.write_text(text, encoding="utf-8")
        return
    expected = json.loads(path.read_text(encoding="utf-8"))
    assert json.loads(text) == expected, f"{path} differs; review, then ZIPING_REGEN=1 to accept"
