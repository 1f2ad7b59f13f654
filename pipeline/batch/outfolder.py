"""The output folder as a run meets it, pyarrow imported only once there is work.

A re-run over an unchanged folder compares each file with the index and records itself;
importing pyarrow (with numpy) for that would cost more than all the rest. So the stored
documents are read from the index's SQLite copy (pipeline/dataset/lookup.py) when the
manifest vouches for it and the folder needs nothing that takes pyarrow (no dataset of an
older ziping to give a manifest, no parts to move into province folders), and the leftovers
of a killed run are cleared as the writer would. The writer (pipeline/dataset/writer.py)
is made on the first change: a file to read, a row to prune; also when the copy cannot be
used, which the writer then rewrites, so that the next run can.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.dataset import leftovers, lookup
from pipeline.dataset.lookup import Catalog, Lookup
from pipeline.dataset.manifest import read_manifest

if TYPE_CHECKING:
    from pipeline.dataset.writer import Writer


class OutFolder:
    """The stored documents (`stored`) and, when asked, the dataset's writer. Leaving it
    commits what the writer holds, and closes the copy."""

    def __init__(self, out: Path, prefix: str, flush_docs: int) -> None:
        self.out, self.prefix, self.flush_docs = out, prefix, flush_docs
        self._writer: Writer | None = None
        self._lookup: Lookup | None = None

    def __enter__(self) -> OutFolder:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._lookup is not None:
            self._lookup.close()
        if self._writer is not None:
            self._writer.__exit__(*exc)

    def stored(self) -> Catalog:
        """The stored documents: from the SQLite copy, else from the writer's Parquet index."""
        manifest = read_manifest(self.out)
        if not manifest.legacy and manifest.laid_out():
            self._lookup = lookup.open_lookup(self.out, manifest, self.writer)
        if self._lookup is None:
            return self.writer()
        _, retired = leftovers.clear(self.out, manifest)
        leftovers.delete_retired(retired)
        return self._lookup

    def writer(self) -> Writer:
        """The dataset's writer, made on first use: it clears what a killed run left, moves
        an older dataset's parts, and gives the index a copy it can trust."""
        if self._writer is None:
            from pipeline.dataset.nopandas import hold_back_pandas  # noqa: PLC0415
            from pipeline.dataset.writer import Writer  # noqa: PLC0415  (pyarrow)

            hold_back_pandas()
            self._writer = Writer(self.out, self.prefix, flush_docs=self.flush_docs)
            self._writer.recover()
            if not lookup.trusted(self.out, self._writer.manifest):
                self._writer.copy_index()
        return self._writer
