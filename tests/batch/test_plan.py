"""A re-run's plan is a merge of the walk and the index, both in the order of stored names.

With real files in folders whose names sort unlike their folders (`a b/`, `a-b.txt`,
`a.txt`, `a/`): a file added between two indexed ones is read, a changed one is read again,
a deleted one is listed (and pruned on request), the unchanged ones are skipped, and copies of
the same bytes are duplicates of the first file the walk met with them, unchanged or not,
without the index being read whole. A caller's list in another order gets the same answer for
each file (the duplicates follow that order), by a lookup instead of the merge.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from parsers.limits import DEFAULT as DEFAULT_LIMITS
from pipeline.batch.ingest import BatchOptions, ingest
from pipeline.batch.plan import Choices, Plan, plan
from pipeline.batch.walk import order, stream, walk
from pipeline.dataset.writer import Writer
from schemas.profile import Profile
from tests.scale_helpers import snapshot

REPORT = (
    "{year}年度部门整体支出绩效自评报告（{name}）\n"
    "本单位预算{a}万元，实际支出{b}万元，执行率{r}%。\n"
)


def _write(folder: Path, name: str, n: int) -> None:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    text = REPORT.format(year=2020 + n % 4, name=name, a=100 + n, b=90 + n, r=80 + n)
    path.write_text(text, encoding="utf-8")


def _folder(root: Path) -> Path:
    folder = root / "in"
    for n, name in enumerate(("a b/x.txt", "a-b.txt", "a.txt", "a/1.txt", "a/3.txt", "b/x.txt")):
        _write(folder, name, n)
    return folder


def _change(folder: Path) -> None:
    """A file between two indexed ones, one changed, one deleted, copies of an unchanged
    file's bytes and of a new file's."""
    _write(folder, "a/2.txt", 10)
    _write(folder, "b/x.txt", 1000)
    (folder / "a" / "3.txt").unlink()
    (folder / "c.txt").write_bytes((folder / "a" / "1.txt").read_bytes())
    (folder / "b" / "y.txt").write_bytes((folder / "a" / "2.txt").read_bytes())


def _names(folder: Path, result: Plan) -> dict[str, object]:
    def rel(path: str | Path) -> str:
        return Path(path).relative_to(folder).as_posix()

    return {
        "read": sorted(rel(path) for _, path in result.todo),
        "skipped": result.skipped,
        "duplicates": sorted(
            (rel(d.path), rel((d.error or "").removeprefix("same bytes as ")))
            for _, d in result.duplicates
        ),
        "missing": [rel(s.path) for s in result.missing],
    }


def test_the_walk_comes_in_the_order_of_stored_names(tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    names = [p.relative_to(folder).as_posix() for p in stream([folder]).files]
    assert names == ["a b/x.txt", "a-b.txt", "a.txt", "a/1.txt", "a/3.txt", "b/x.txt"]
    files = walk([folder]).files
    assert [order(p) for p in files] == sorted(order(p) for p in files)


def test_a_rerun_merges_the_walk_with_the_index(tmp_path: Path, central: Profile) -> None:
    folder, out = _folder(tmp_path), tmp_path / "out"
    ingest(walk([folder]).files, out, central)
    with Writer(out, "check") as writer:
        stored = [s.path for s in writer.entries()]
        assert writer.in_path_order() and stored == sorted(stored)
    _change(folder)
    found = stream([folder])
    with Writer(out, "check") as writer:
        merged = plan(found.files, writer, central, DEFAULT_LIMITS, Choices(unread=found.unread))
        assert writer._index is None  # read a row group at a time beside the walk, never whole
    assert _names(folder, merged) == {
        "read": ["a/2.txt", "b/x.txt"],
        "skipped": 4,
        "duplicates": [("b/y.txt", "a/2.txt"), ("c.txt", "a/1.txt")],
        "missing": ["a/3.txt"],
    }
    backwards = sorted(walk([folder]).files, key=order, reverse=True)
    with Writer(out, "check") as writer:
        looked_up = plan(backwards, writer, central, DEFAULT_LIMITS, Choices())
    assert _names(folder, looked_up) == {
        "read": ["b/x.txt", "b/y.txt", "c.txt"],  # met before their twins
        "skipped": 4,
        "duplicates": [("a/2.txt", "b/y.txt")],  # a/1.txt is unchanged: skipped, not a copy
        "missing": ["a/3.txt"],
    }


def test_a_streamed_rerun_with_prune_equals_a_clean_run(tmp_path: Path, central: Profile) -> None:
    folder, out = _folder(tmp_path), tmp_path / "out"
    ingest(walk([folder]).files, out, central)
    _change(folder)
    found = stream([folder])
    options = BatchOptions(prune=True, unread=found.unread)
    planned: list[int] = []
    summary = ingest(found.files, out, central, options=options, on_planned=planned.append)
    assert planned == [8]  # 4 unchanged, 2 read, 2 duplicates
    assert [(Path(d.path).name, d.status) for d in summary.results] == [
        ("2.txt", "no_tables"), ("x.txt", "no_tables"), ("y.txt", "duplicate"),
        ("c.txt", "duplicate"),
    ]  # fmt: skip
    assert summary.missing == [str(folder / "a" / "3.txt")] and summary.pruned
    clean = tmp_path / "clean"
    ingest(walk([folder]).files, clean, central, options=dataclasses.replace(options, prune=False))
    assert snapshot(out) == snapshot(clean)
