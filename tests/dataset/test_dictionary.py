"""The data dictionary comes from `schemas.tables`, and docs/data-dictionary.md is kept in sync."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from pipeline.cli import main
from pipeline.dataset import dictionary
from schemas.findings import CODES
from schemas.tables import TABLES, columns

DOC = Path(__file__).resolve().parents[2] / "docs" / "data-dictionary.md"
REGENERATE = "ziping schema --format markdown > docs/data-dictionary.md"


def test_every_declared_column_is_listed() -> None:
    listed = {(e.table, e.column) for e in dictionary.entries()}
    declared = {(name, f.name) for name in TABLES for f in columns(name)}
    assert listed == declared


def test_entry_carries_label_type_and_meaning() -> None:
    entry = next(e for e in dictionary.entries(["indicators"]) if e.column == "score_stated")
    assert (entry.zh, entry.type, entry.key) == ("得分(填报)", "double", False)
    assert entry.meaning == "printed score"
    key = next(e for e in dictionary.entries(["indicators"]) if e.column == "indicator_id")
    assert key.key


def test_markdown_lists_tables_and_finding_codes() -> None:
    text = dictionary.render_markdown()
    for name in TABLES:
        assert f"## `{name}`" in text
    for code in CODES:
        assert f"`{code}`" in text


def test_docs_data_dictionary_is_current() -> None:
    assert DOC.exists(), f"docs/data-dictionary.md is missing; run `{REGENERATE}`"
    current = DOC.read_text(encoding="utf-8")
    assert current == dictionary.render_markdown(), (
        f"docs/data-dictionary.md is stale (schemas/tables.py changed); run `{REGENERATE}`"
    )


def test_text_rendering_aligns_chinese_labels() -> None:
    lines = dictionary.render_text(["findings"]).splitlines()
    assert lines[0] == "findings (问题清单)"
    # the type column starts at the same terminal column on every row
    starts = {
        dictionary._display_width(line.split("string")[0]) for line in lines if "string" in line
    }
    assert len(starts) == 1


def test_schema_command() -> None:
    result = CliRunner().invoke(main, ["schema", "indicators"])
    assert result.exit_code == 0
    assert "score_recomputed" in result.output and "得分(复核)" in result.output
    assert "findings (" not in result.output
    markdown = CliRunner().invoke(main, ["schema", "--format", "markdown"])
    assert markdown.output == dictionary.render_markdown()
    assert CliRunner().invoke(main, ["schema", "nope"]).exit_code == 2
    assert CliRunner().invoke(main, ["schema", "--help"]).exit_code == 0
