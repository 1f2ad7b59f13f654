"""A dataset scored by more than one profile says so on every report page."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from pipeline.cli import main
from tests.conftest import SEED_001, SEED_002


def _run(*args: str) -> None:
    result = CliRunner().invoke(main, list(args))
    assert result.exit_code == 0, result.output


def test_every_profile_of_a_mixed_dataset_is_named(tmp_path: Path) -> None:
    data, out = tmp_path / "data", tmp_path / "report"
    _run("ingest", str(SEED_001), "--out", str(data), "--quiet")
    _run(
        "ingest", str(SEED_002), "--out", str(data), "--profile", "provincial", "--force", "--quiet"
    )
    _run("report", "--data", str(data), "--out", str(out))
    markdown = (out / "diff.md").read_text(encoding="utf-8")
    assert "- 评分规则 profiles: central, provincial" in markdown
    page = (out / "diff.html").read_text(encoding="utf-8")
    assert page.count("central, provincial (混合 mixed)") == 2  # the header and the footer


def test_one_profile_is_named_once(tmp_path: Path) -> None:
    data, out = tmp_path / "data", tmp_path / "report"
    _run("ingest", str(SEED_001), "--out", str(data), "--quiet")
    _run("report", "--data", str(data), "--out", str(out))
    assert "- 评分规则 profiles: central\n" in (out / "diff.md").read_text(encoding="utf-8")
    assert "混合" not in (out / "diff.html").read_text(encoding="utf-8")
