"""Keep pandas out of a process that only writes Arrow (`ziping ingest`, `rescore`, `query`).

pyarrow imports pandas (~0.6 s of CPU and ~40 MB, more than the rest of a no-op re-run) the
first time it is given Python values: `pa.array`, `pa.scalar` and `Table.from_pylist` ask
its lazy pandas shim whether the values are a pandas Series, and the shim answers by
importing pandas. ziping never hands pyarrow a pandas object on those paths, so the shim's
one try is made here with pandas held back: it concludes "no pandas" and never imports it
for that question again. `import pyarrow.dataset` (which every `pq.read_table` makes) tries
pandas once too, and is made under the same hold (~40 ms) when asked. Whatever really needs
pandas still gets it: `Table.to_pandas()` and `Table.from_pandas()` import pandas afresh
when the shim has none.

Building an array *without* an explicit type also imports pandas (pyarrow's C++ type
inference looks up pandas' NA values), whatever the shim says: writes give every array its
declared type (`schemas.tables.arrow_schema`).

Only for processes that are ziping's own (the CLI): a library user who imports pandas later
in the same process would have `pa.array(series)` read the Series value by value (NaN stays
NaN) until something converts to or from pandas.
"""

from __future__ import annotations

import importlib.abc
import sys
from collections.abc import Sequence
from importlib.machinery import ModuleSpec
from types import ModuleType


class _Held(importlib.abc.MetaPathFinder):
    """Refuses pandas, and nothing else, while pyarrow's shim makes its one try. (A None in
    sys.modules does not do: pyarrow's compiled import takes it for the module.)"""

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> ModuleSpec | None:
        if fullname == "pandas":
            raise ModuleNotFoundError("pandas held back from pyarrow's shim", name=fullname)
        return None


def hold_back_pandas(parquet: bool = True) -> None:
    """Let pyarrow's pandas shim decide, once, that there is no pandas, and with `parquet`
    its dataset module too (for a process that will read Parquet with pyarrow); nothing
    when pandas is already imported (then pyarrow has it for free)."""
    if "pandas" in sys.modules:
        return
    import pyarrow as pa  # noqa: PLC0415  (a run with nothing to do imports neither)

    held = _Held()
    sys.meta_path.insert(0, held)
    try:
        pa.array([], pa.int8())  # the shim's first question, answered without pandas
        if parquet:
            import pyarrow.dataset  # noqa: F401, PLC0415
    finally:
        sys.meta_path.remove(held)
