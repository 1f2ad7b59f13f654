"""The `runs` parts ziping writes without pyarrow (pipeline/dataset/runlog.py) read back as
pyarrow's own: the same schema and values in pyarrow, pandas and DuckDB, a run still going
(no end time) included."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow.parquet as pq
import pytest

from pipeline.dataset import runlog, store
from schemas.tables import RunRow

STARTED = datetime(2026, 11, 30, 18, 0, 0, 123456, tzinfo=UTC)


@pytest.mark.parametrize("finished", [None, datetime(2026, 11, 30, 18, 1, 2, 345678, tzinfo=UTC)])
def test_a_run_reads_back_as_pyarrow_writes_it(tmp_path: Path, finished: datetime | None) -> None:
    run = RunRow(
        run_id="20261130T180000123456Z-a1b2c3", started_at=STARTED, finished_at=finished,
        version="0.1.0 中文", profile="central", documents_seen=50_000, skipped=49_999, ok=1,
        failed=2**31 - 1,
    )  # fmt: skip
    runlog.write_run(tmp_path, run)
    path = tmp_path / "runs" / f"part-{run.run_id}.parquet"
    ours = pq.read_table(path)
    assert ours.equals(store.to_arrow("runs", [run]))  # schema (types, nullability) and values
    assert store.read_arrow(tmp_path, "runs").to_pylist() == [vars_of(run)]
    frame = pd.read_parquet(path)
    assert str(frame["started_at"].dtype) == "datetime64[us, UTC]"
    assert frame["finished_at"].isna().tolist() == [finished is None]
    sql = f"SELECT run_id, started_at, finished_at, failed FROM '{path}'"
    got = duckdb.connect().execute(sql).fetchall()
    assert got == [(run.run_id, STARTED, finished, 2**31 - 1)]


def vars_of(run: RunRow) -> dict[str, object]:
    return {name: getattr(run, name) for name in RunRow.__dataclass_fields__}
