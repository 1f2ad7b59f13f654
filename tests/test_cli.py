from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.cli import main
from pipeline.dataset import load
from schemas.tables import DocumentRow
from tests.conftest import RAW


def test_every_command_is_listed() -> None:
    assert set(main.commands) >= {"ingest", "report", "rescore", "query", "schema", "inspect"}


@pytest.mark.parametrize("command", [[], *([name] for name in sorted(main.commands))])
def test_help(command: list[str]) -> None:
    result = CliRunner().invoke(main, [*command, "--help"])
    assert result.exit_code == 0
    assert "Usage:" in result.output
    doc = main.commands[command[0]].help if command else main.help
    assert doc and doc.split()[0] in result.output  # each command explains itself


def test_missing_path_is_a_usage_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["ingest", str(tmp_path / "nope"), "--out", str(tmp_path)])
    assert result.exit_code == 2
    assert "Error: " in result.output and "does not exist" in result.output
    assert "Traceback" not in result.output


def test_unknown_profile_is_a_usage_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main, ["ingest", str(RAW), "--out", str(tmp_path), "--profile", "nowhere"]
    )
    assert result.exit_code == 2
    assert "unknown profile 'nowhere'" in result.output


def _bad_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "in"
    folder.mkdir()
    for seed in RAW.iterdir():
        (folder / seed.name).write_bytes(seed.read_bytes())
    (folder / "empty.txt").write_bytes(b"")
    (folder / "binary.txt").write_bytes(bytes(range(256)) * 16)
    (folder / "slides.pptx").write_bytes(_pptx())
    return folder


def _pptx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("ppt/presentation.xml", "<p:presentation/>")
    return buffer.getvalue()


def test_bad_files_do_not_stop_the_batch(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["ingest", str(_bad_folder(tmp_path)), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "documents: 6 (ok 1, no tables 2, failed 3)" in result.output
    documents = {Path(d.path).name: d for d in load.read_table(out, DocumentRow)}
    assert {n: d.status for n, d in documents.items()} == {
        "001_c772b85144f092d4.txt": "no_tables",
        "002_1928c5c090a155c1.txt": "no_tables",
        "004_d94ddf866f172c18.txt": "ok",
        "empty.txt": "error",
        "binary.txt": "error",
        "slides.pptx": "error",
    }
    assert "empty file" in (documents["empty.txt"].error or "")
    assert "binary data" in (documents["binary.txt"].error or "")
    assert "PowerPoint" in (documents["slides.pptx"].error or "")
    empty = str(tmp_path / "in" / "empty.txt")
    assert f"failed: {empty}: empty file (0 bytes)" in result.output  # the path said once


def test_strict_fails_when_a_document_failed(tmp_path: Path) -> None:
    folder = _bad_folder(tmp_path)
    result = CliRunner().invoke(
        main, ["ingest", str(folder), "--out", str(tmp_path / "o"), "--strict"]
    )
    assert result.exit_code == 1
    assert "Error: 3 document(s) failed (--strict)" in result.output


def test_summary_lists_findings_by_code(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["ingest", str(RAW), "--out", str(tmp_path)])
    assert result.exit_code == 0
    assert "tables: 9  indicator rows: 93" in result.output
    assert "REVERSE_SCORED_AS_POSITIVE   3" in result.output
