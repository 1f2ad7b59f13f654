"""The failure log of a run: every document that became `status=error`, with its one-line
reason and the full traceback, so nothing a row had to shorten is lost.

`<out>/_logs/<run>.log`, one entry per failed document, written as each one is recorded (a
killed run keeps what it logged). The underscore hides the folder from pandas, pyarrow and
Spark, like `_ziping/`; the dataset never reads it. The row keeps the reason; the log keeps
the story. `--debug` raises the exception instead (pipeline/batch/document.py).
"""

from __future__ import annotations

from pathlib import Path
from typing import TextIO

from schemas.tables import DocumentRow

LOGS = "_logs"


def log_path(out: Path, run_id: str) -> Path:
    """Where the failures of run `run_id` (an ingest's run_id, `rescore-…`) are logged."""
    return out / LOGS / f"{run_id}.log"


class FailureLog:
    """Appends failed documents to the run's log; the file exists only once one failed."""

    def __init__(self, out: Path, run_id: str) -> None:
        self.path = log_path(out, run_id)
        self.documents: list[DocumentRow] = []  # logged so far, in order
        self._file: TextIO | None = None

    def add(self, document: DocumentRow, trace: str | None) -> None:
        """Log `document` (an error row) with the traceback that made it one, if any (a worker
        that died or a time limit leaves only the reason)."""
        if self._file is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._file = self.path.open("a", encoding="utf-8", errors="backslashreplace")
        self.documents.append(document)
        self._file.write(f"== {document.path}\ndoc_id: {document.doc_id}\n")
        self._file.write(f"reason: {document.error}\n")
        self._file.write(trace.rstrip("\n") + "\n\n" if trace else "(no traceback)\n\n")
        self._file.flush()

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None

    def __enter__(self) -> FailureLog:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()
