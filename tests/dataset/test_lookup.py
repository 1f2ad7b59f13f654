"""The index's SQLite copy (pipeline/dataset/lookup.py) is read only when the manifest
vouches for its bytes. A copy that is damaged, missing, from another commit or not named
(an older ziping committed last) is not used: the run reads the Parquet index, decides
exactly as it would, and writes the copy anew for the next run.
"""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

import pytest

from pipeline.batch.ingest import RunSummary, ingest
from pipeline.batch.walk import walk
from pipeline.dataset import store
from pipeline.dataset.lookup import Catalog, Lookup, lookup_name, open_lookup, trusted
from pipeline.dataset.writer import Writer
from schemas.profile import Profile

REPORT = "{year}年度部门整体支出绩效自评报告（{name}）\n本单位预算{a}万元，实际支出{b}万元。\n"


def _write(folder: Path, name: str, n: int) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(REPORT.format(year=2020 + n % 3, name=name, a=100 + n, b=90 + n), "utf-8")
    return path


def _run(folder: Path, out: Path, profile: Profile) -> RunSummary:
    return ingest(walk([folder]).files, out, profile)


def _no_fallback() -> Catalog:
    raise AssertionError("the copy was to be read, not the Parquet index")


def _copy(out: Path) -> Lookup | None:
    return open_lookup(out, store.read_manifest(out), _no_fallback)


def _dataset(tmp_path: Path, profile: Profile) -> tuple[Path, Path]:
    folder, out = tmp_path / "in", tmp_path / "out"
    for n, name in enumerate(("a.txt", "b/c.txt", "b/d.txt", "e.txt")):
        _write(folder, name, n)
    _run(folder, out, profile)
    return folder, out


def test_each_commit_writes_the_copy_the_manifest_names(tmp_path: Path, central: Profile) -> None:
    folder, out = _dataset(tmp_path, central)
    manifest = store.read_manifest(out)
    assert manifest.index is not None and manifest.lookup is not None
    assert manifest.lookup[0] == lookup_name(manifest.index) and trusted(out, manifest)
    copy = _copy(out)
    assert copy is not None
    with Writer(out, "check") as writer:
        parquet = list(writer.entries())
        assert list(copy.entries()) == parquet
        assert copy.find(str(folder / "b" / "d.txt")) == writer.find(str(folder / "b" / "d.txt"))
        assert copy.find(str(folder / "nowhere.txt")) is None
        assert (copy.stored_count(), copy.profiles()) == (4, {"central"})
    copy.close()
    assert sorted(p.name for p in (out / "_ziping").iterdir()) == [
        "index-000001.parquet", "index-000001.sqlite", "manifest.json",
    ]  # fmt: skip


def _flip_a_byte(out: Path) -> None:
    path = out / "_ziping" / "index-000001.sqlite"
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))


def _delete(out: Path) -> None:
    (out / "_ziping" / "index-000001.sqlite").unlink()


def _not_named(out: Path) -> None:
    """As an older ziping leaves it: it commits without naming a copy."""
    store.write_manifest(out, dataclasses.replace(store.read_manifest(out), lookup=None))


@pytest.mark.parametrize("damage", [_flip_a_byte, _delete, _not_named])
def test_a_copy_not_to_trust_falls_back_to_the_parquet_index(
    tmp_path: Path, central: Profile, damage: object
) -> None:
    folder, out = _dataset(tmp_path, central)
    assert callable(damage)
    damage(out)
    assert _copy(out) is None
    _write(folder, "b/c.txt", 100)  # changed
    (folder / "e.txt").unlink()  # gone
    summary = _run(folder, out, central)
    assert [Path(d.path).name for d in summary.results] == ["c.txt"]
    assert (summary.skipped, summary.missing) == (2, [str(folder / "e.txt")])
    copy = _copy(out)  # written anew by the run's commit
    assert copy is not None and [s.path for s in copy.entries()] == [
        str(folder / n) for n in ("a.txt", "b/c.txt", "b/d.txt", "e.txt")
    ]


def test_a_run_with_nothing_to_do_gives_an_untrusted_copy_back(
    tmp_path: Path, central: Profile
) -> None:
    folder, out = _dataset(tmp_path, central)
    _not_named(out)
    summary = _run(folder, out, central)
    assert (summary.skipped, summary.results) == (4, [])
    assert _copy(out) is not None


def test_a_copy_of_another_commit_is_not_read(tmp_path: Path, central: Profile) -> None:
    """The copy of the first commit, put back after a second: it would say that a file
    restored to its first bytes and time is unchanged, while the dataset holds its second
    version. It is not read, so the file is read again."""
    folder, out = _dataset(tmp_path, central)
    first = (out / "_ziping" / "index-000001.sqlite").read_bytes()
    path = folder / "a.txt"
    before, stat = path.read_bytes(), path.stat()
    _write(folder, "a.txt", 50)
    _run(folder, out, central)
    path.write_bytes(before)
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    (out / "_ziping" / "index-000002.sqlite").write_bytes(first)
    assert _copy(out) is None
    summary = _run(folder, out, central)
    assert [Path(d.path).name for d in summary.results] == ["a.txt"]


def test_a_copy_failing_half_way_hands_over_to_the_parquet_index(
    tmp_path: Path, central: Profile
) -> None:
    _, out = _dataset(tmp_path, central)
    with Writer(out, "check") as writer:
        copy = open_lookup(out, writer.manifest, lambda: writer)
        assert copy is not None
        rows = copy.entries()
        first = next(rows)
        copy.close()  # every later read of the copy fails
        assert [first, *rows] == list(writer.entries())
        assert copy.profiles() == {"central"}
