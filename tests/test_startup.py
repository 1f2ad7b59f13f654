"""What a command imports, read from `sys.modules` when its process ends.

A no-op re-run is mostly start-up: each library it imports without need (pandas ~0.6 s of
CPU, pyarrow with numpy ~0.4 s, jieba's dictionary, the PDF and Word readers) is paid again
on every run of an unchanged folder. These tests run the real command in a fresh
interpreter and name the top-level packages it loaded; no timing.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "data" / "raw"
# Run the CLI, then list at exit the top-level packages this process imported.
PROBE = (
    "import atexit, sys; from pathlib import Path; out = Path(sys.argv.pop(1));"
    "atexit.register(lambda: out.write_text(' '.join(sorted({m.split('.')[0] for m in "
    "sys.modules}))));"
    "sys.argv[0] = 'ziping'; from pipeline.cli import main; main()"
)
READERS = {"jieba", "pdfplumber", "pdfminer", "pypdfium2", "docx", "openpyxl", "lxml", "PIL"}


def loaded(tmp_path: Path, *args: str) -> tuple[set[str], str]:
    """The packages `ziping ARGS` imported, and what it printed."""
    modules = tmp_path / "modules.txt"
    done = subprocess.run(
        [sys.executable, "-c", PROBE, str(modules), *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return set(modules.read_text().split()), done.stdout


@pytest.fixture(scope="module")
def dataset(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The seed reports, ingested once: (input folder, dataset)."""
    folder = tmp_path_factory.mktemp("inputs")
    for report in sorted(SEEDS.glob("*.txt"))[:2]:
        (folder / report.name).write_bytes(report.read_bytes())
    scratch = tmp_path_factory.mktemp("startup")
    data = scratch / "data"
    _, out = loaded(scratch, "ingest", str(folder), "--out", str(data))
    assert "documents: 2" in out
    return folder, data


def test_unchanged_folder_imports_no_reader_no_pyarrow_no_numpy(
    dataset: tuple[Path, Path], tmp_path: Path
) -> None:
    """The index is read from its SQLite copy and the run is recorded without pyarrow
    (pipeline/batch/outfolder.py, pipeline/dataset/runlog.py)."""
    folder, data = dataset
    runs = len(list((data / "runs").glob("part-*.parquet")))
    modules, out = loaded(tmp_path, "ingest", str(folder), "--out", str(data), "--workers", "1")
    assert "unchanged since the last run, skipped: 2" in out
    heavy = {"pyarrow", "numpy", "pandas", "duckdb", "matplotlib", "sqlalchemy"}
    assert modules & (READERS | heavy) == set()
    assert len(list((data / "runs").glob("part-*.parquet"))) == runs + 1  # recorded all the same


def test_first_ingest_reads_without_pandas(tmp_path: Path) -> None:
    """pyarrow imports pandas to build any array from Python values unless told there is
    none (pipeline/dataset/nopandas.py): a write must not pay for it."""
    folder = tmp_path / "in"
    folder.mkdir()
    seed = sorted(SEEDS.glob("*.txt"))[0]
    (folder / seed.name).write_bytes(seed.read_bytes())
    modules, out = loaded(tmp_path, "ingest", str(folder), "--out", str(tmp_path / "data"))
    assert "indicator rows:" in out
    assert "jieba" in modules  # it did read the report
    assert "pandas" not in modules


def test_query_answers_without_pandas(dataset: tuple[Path, Path], tmp_path: Path) -> None:
    _, data = dataset
    sql = "SELECT count(*) AS n FROM documents"
    modules, out = loaded(tmp_path, "query", sql, "--data", str(data), "--format", "csv")
    assert out == "n\n2\n"
    assert "duckdb" in modules
    assert modules & (READERS | {"pandas"}) == set()


def test_pandas_still_there_for_whoever_asks(dataset: tuple[Path, Path]) -> None:
    """After the hold-back, the loader's DataFrame and pyarrow's from_pandas still work
    (nullable ints, NaN read as null), in the same process."""
    _, data = dataset
    code = (
        "import sys; from pathlib import Path;"
        "from pipeline.dataset.nopandas import hold_back_pandas; hold_back_pandas();"
        "assert 'pandas' not in sys.modules;"
        "from pipeline.dataset import load; frame = load.load(Path(sys.argv[1]), 'documents');"
        "import pandas as pd, pyarrow as pa;"
        "nulls = pa.Table.from_pandas(pd.DataFrame({'x': [1.0, float('nan')]})).column('x');"
        "print(len(frame), frame['n_tables'].dtype, nulls.null_count)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(data)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["2", "Int32", "1"]
