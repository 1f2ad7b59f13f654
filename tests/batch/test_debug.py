"""`--debug` and the failure log: a document that fails is an error row with its reason and a
logged traceback, or, with --debug, the exception itself with its traceback.

The failures are real: a 10-page PDF over `--max-pages 1` (the limit trips inside the reader's
checks), and a stored indicator whose weight (1e300) no score can be rounded from.
"""

from __future__ import annotations

import decimal
import shutil
import subprocess
import sys
import traceback
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from pipeline.batch.failures import LOGS
from pipeline.cli import main
from pipeline.dataset import load, store
from schemas import ParseError
from schemas.tables import DocumentRow, RunRow
from tests.conftest import ROOT, SEED_004

PDF = ROOT / "tests" / "fixtures" / "formats" / "pagebreaks.pdf"
PAGES_REASON = "PDF has 10 pages, over the limit max_pages=1 (raise it with --max-pages)"


def _inputs(tmp_path: Path) -> Path:
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(PDF, folder / "ten-pages.pdf")
    shutil.copy(SEED_004, folder / "seed.txt")
    return folder


def _ingest(inputs: Path, out: Path, *extra: str) -> tuple[int, str, BaseException | None]:
    args = ["ingest", str(inputs), "--out", str(out), "--max-pages", "1", "--workers", "2"]
    result = CliRunner().invoke(main, [*args, *extra])
    return result.exit_code, result.output, result.exception


def _documents(out: Path) -> dict[str, DocumentRow]:
    return {Path(d.path).name: d for d in load.read_table(out, DocumentRow)}


def test_a_failed_document_keeps_its_reason_and_logs_its_traceback(tmp_path: Path) -> None:
    out = tmp_path / "out"
    code, output, _ = _ingest(_inputs(tmp_path), out)
    assert code == 0, output
    documents = _documents(out)
    assert (documents["seed.txt"].status, documents["ten-pages.pdf"].status) == ("ok", "error")
    assert documents["ten-pages.pdf"].error == f"{tmp_path}/in/ten-pages.pdf: {PAGES_REASON}"
    (log,) = (out / LOGS).iterdir()
    (run,) = load.read_table(out, RunRow)
    assert log.name == f"{run.run_id}.log"
    text = log.read_text(encoding="utf-8")
    assert text.count("== ") == 1  # one entry: the document that failed
    assert f"== {tmp_path}/in/ten-pages.pdf\n" in text
    assert f"reason: {documents['ten-pages.pdf'].error}\n" in text
    assert "Traceback (most recent call last):" in text
    assert 'parsers/limits.py", line' in text  # the frame that raised, kept
    assert text.rstrip().endswith(
        f"schemas.errors.ParseError: {tmp_path}/in/ten-pages.pdf: {PAGES_REASON}"
    )
    assert f"tracebacks of the failures: {log}" in output


def test_a_clean_run_writes_no_log(tmp_path: Path) -> None:
    inputs = tmp_path / "in"
    inputs.mkdir()
    shutil.copy(SEED_004, inputs / "seed.txt")
    code, output, _ = _ingest(inputs, tmp_path / "out")
    assert code == 0, output
    assert not (tmp_path / "out" / LOGS).exists()


def test_debug_raises_the_documents_exception(tmp_path: Path) -> None:
    code, _, exception = _ingest(_inputs(tmp_path), tmp_path / "out", "--debug")
    assert code == 1
    assert isinstance(exception, ParseError)
    assert PAGES_REASON in str(exception)
    frames = [f.filename for f in traceback.extract_tb(exception.__traceback__)]
    assert frames[-1].endswith("parsers/limits.py")  # raised where the limit tripped
    assert any(f.endswith("pipeline/batch/document.py") for f in frames)


def test_debug_shows_the_traceback_on_the_terminal(tmp_path: Path) -> None:
    command = [sys.executable, "-c", "from pipeline.cli import main; main()"]
    args = ["ingest", str(_inputs(tmp_path)), "--out", str(tmp_path / "out")]
    done = subprocess.run(
        [*command, *args, "--max-pages", "1", "--debug", "--quiet"],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    assert done.returncode == 1
    assert "Traceback (most recent call last):" in done.stderr
    assert done.stderr.rstrip().endswith(f"ParseError: {tmp_path}/in/ten-pages.pdf: {PAGES_REASON}")
    assert not done.stderr.startswith("Error:")  # the traceback, not the one-line message


@pytest.fixture(scope="module")
def ingested(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("ingested")
    inputs = out.parent / "seed-in"
    inputs.mkdir(exist_ok=True)
    shutil.copy(SEED_004, inputs / "seed.txt")
    result = CliRunner().invoke(main, ["ingest", str(inputs), "--out", str(out), "--quiet"])
    assert result.exit_code == 0, result.output
    return out


def _overweight(ingested: Path, tmp_path: Path) -> Path:
    """A copy of the dataset whose first scored indicator row weighs 1e300."""
    data = tmp_path / "data"
    shutil.copytree(ingested, data)
    (path,) = store.read_manifest(data).paths(data, "indicators")
    rows = pq.read_table(path)
    column = rows.schema.get_field_index("weight")
    weights = rows.column(column).to_pylist()
    first = next(n for n, top in enumerate(rows.column("score_max").to_pylist()) if top)
    weights[first] = 1e300
    new = rows.set_column(column, rows.schema.field(column), pa.array(weights, pa.float64()))
    pq.write_table(new, path)
    return data


def test_rescore_failure_is_an_error_row_and_a_logged_traceback(
    ingested: Path, tmp_path: Path
) -> None:
    data = _overweight(ingested, tmp_path)
    result = CliRunner().invoke(main, ["rescore", "--data", str(data), "--profile", "provincial"])
    assert result.exit_code == 0, result.output
    (document,) = load.read_table(data, DocumentRow)
    assert (document.status, document.profile, document.n_tables) == ("error", "provincial", 0)
    assert document.error == (
        "rescore under provincial failed: InvalidOperation: [<class 'decimal.InvalidOperation'>]"
        "; `ziping ingest --force` reads the file again"
    )
    assert [store.read_arrow(data, t).num_rows for t in ("eval_tables", "indicators")] == [0, 0]
    (log,) = (data / LOGS).iterdir()
    text = log.read_text(encoding="utf-8")
    assert log.name.startswith("rescore-") and f"reason: {document.error}\n" in text
    assert 'pipeline/audit/scoring.py", line' in text and "in round_score" in text
    assert f"tracebacks of the failures: {log}" in result.output


def test_rescore_debug_raises(ingested: Path, tmp_path: Path) -> None:
    data = _overweight(ingested, tmp_path)
    args = ["rescore", "--data", str(data), "--profile", "provincial", "--debug"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 1
    assert isinstance(result.exception, decimal.InvalidOperation)
    frames = traceback.extract_tb(result.exception.__traceback__)
    assert frames[-1].name == "round_score"
