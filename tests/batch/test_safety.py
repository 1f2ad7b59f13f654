"""The per-document safety net: values the dataset cannot hold, names that are not UTF-8,
files that are not files, and the memory ceiling behind the readers' limits."""

from __future__ import annotations

import os
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pytest

from pipeline.batch import executors
from pipeline.batch.document import process_file
from pipeline.batch.names import original_path, stored_path
from pipeline.batch.safe import _fits, fit_rows
from schemas.place import Place
from schemas.profile import Profile
from schemas.tables import DocumentRow


def _document(**changes: object) -> DocumentRow:
    values: dict[str, object] = dict.fromkeys(DocumentRow.__dataclass_fields__)
    values.update(doc_id="d" * 64, path="a.txt", status="ok", n_tables=0, n_indicators=0)
    values.update(n_findings=0, profile="central")
    values.update(changes)
    return DocumentRow(**values)  # type: ignore[arg-type]


def test_a_name_in_gbk_bytes_is_stored_escaped_and_recoverable() -> None:
    raw = b"/in/" + "自评报告".encode("gbk") + b".txt"
    stored = stored_path(os.fsdecode(raw))
    assert stored == "/in/\\xd7\\xd4\\xc6\\xc0\\xb1\\xa8\\xb8\\xe6.txt"
    assert original_path(stored) == raw
    assert stored_path("/in/自评报告.txt") == "/in/自评报告.txt"
    assert original_path("/in/自评报告.txt") == "/in/自评报告.txt".encode()


def test_values_the_schema_cannot_hold_become_null_with_a_finding() -> None:
    row = _document(size_bytes=10**30, path=os.fsdecode(b"\xb9.txt"))
    (fitted,), found = fit_rows("documents", [row], Place(row.doc_id, "x"))
    assert fitted.size_bytes is None
    assert fitted.path == "\\xb9.txt"
    (finding,) = found
    assert finding.code == "VALUE_OUT_OF_RANGE"
    assert finding.stated == "1" + "0" * 30


def test_decimal_and_float_ranges() -> None:
    yuan = pa.decimal128(22, 4)
    assert _fits(Decimal("123456789012345678.1234"), yuan)
    assert not _fits(Decimal("1234567890123456789"), yuan)
    assert not _fits(Decimal(10) ** 24, yuan)
    assert not _fits(float("inf"), pa.float64())
    assert not _fits(1e308, pa.float64())
    assert _fits(99.5, pa.float64())


def test_a_device_is_refused_unread(central: Profile) -> None:
    row = process_file(Path("/dev/zero"), central).document
    assert row.status == "error"
    assert row.error == "/dev/zero: not a regular file (a device); only files are read"


def test_a_fifo_is_refused_without_opening_it(tmp_path: Path, central: Profile) -> None:
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    assert "(a FIFO)" in str(process_file(fifo, central).document.error)


def test_the_memory_ceiling_interrupts_a_growing_document() -> None:
    hoard: list[bytes] = []
    with pytest.raises(executors.MemoryCeiling), executors.memory_ceiling(64 << 20, every=0.01):
        while True:  # 1 MiB at a time, as a reader expanding a grid would
            hoard.append(b"x" * (1 << 20))  # written, so resident (zeros may stay unmapped)
    assert 60 <= len(hoard) < 1000
