"""Moving an older dataset into province folders, once, in a commit of its own.

A ziping before province folders filed rows by year alone (`year=2024/part-….parquet`, or
one flat part per document before manifests) and kept `province` inside the files of
documents, eval_tables and findings. ziping's readers read such a dataset as it is (a part's
keys come from its folders, else its file); the first ingest or rescore that writes to it
moves every part to `year=2024/province=广东省/part-….parquet`, since a table folder holding
both layouts is one no reader takes: pandas fails ("Unable to merge: Field province has
incompatible types"), and DuckDB, `ziping query` too, refuses the files ("Hive partition
mismatch").

A batch's files hold whole documents, so the places of its rows are all in its own
`documents` and `eval_tables` files: a row that declares no province (indicators, claims)
takes its table's, else its document's, as a writer files it. Files keep their names (the
index names batches by file name), so nothing else changes. Crash safety is the writer's: a
move killed before its manifest is committed leaves files no manifest names, which the next
writer deletes (`Writer.recover`) before it moves the old parts again.
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath

import pyarrow as pa

from pipeline.dataset import partition, store
from pipeline.dataset.manifest import Manifest, is_current
from pipeline.dataset.partition import PROVINCE, YEAR
from schemas.tables import arrow_schema


def relayout(out: Path, manifest: Manifest) -> tuple[dict[str, list[str]], list[Path]] | None:
    """The files of `manifest` with every part outside today's folders rewritten into them,
    and the parts they replace (to retire once committed); None when every part is in them."""
    files: dict[str, list[str]] = {}
    older: dict[str, dict[str, list[str]]] = {}  # file name -> table -> its parts
    for table, names in manifest.files.items():
        for name in names:
            if is_current(name):
                files.setdefault(table, []).append(name)
            else:
                older.setdefault(PurePosixPath(name).name, {}).setdefault(table, []).append(name)
    if not older:
        return None
    replaced: list[Path] = []
    for part, tables in sorted(older.items()):  # one batch in memory at a time
        rows = {
            table: pa.concat_tables([store.read_part(out / table / n, table) for n in names])
            for table, names in tables.items()
        }
        places = _places(rows)
        for table, data in rows.items():
            for folder, body in partition.split(_keyed(table, data, places)):
                name = f"{folder}/{part}"
                store.write_parquet(body, out / table / name)
                files.setdefault(table, []).append(name)
            replaced += [out / table / name for name in tables[table]]
    return {table: sorted(names) for table, names in files.items()}, replaced


def _places(rows: dict[str, pa.Table]) -> dict[str, str | None]:
    """Province by doc_id (documents) and by table_id (eval_tables, else its document's)."""
    places: dict[str, str | None] = {}
    if "documents" in rows:
        documents = rows["documents"]
        ids = documents.column("doc_id").to_pylist()
        places.update(zip(ids, documents.column(PROVINCE).to_pylist(), strict=True))
    if "eval_tables" in rows:
        tables = rows["eval_tables"]
        columns = [tables.column(c).to_pylist() for c in ("table_id", "doc_id", PROVINCE)]
        for table_id, doc_id, province in zip(*columns, strict=True):
            places[table_id] = province if province is not None else places.get(doc_id)
    return places


def _keyed(table: str, data: pa.Table, places: dict[str, str | None]) -> pa.Table:
    """A part's rows (keys last, as `store.read_part` gives them) with folder values; a row of
    a table that declares no province is given its table's, else its document's."""
    provinces = data.column(PROVINCE)
    if arrow_schema(table).get_field_index(PROVINCE) < 0:
        doc_ids = data.column("doc_id").to_pylist()
        table_ids = (
            data.column("table_id").to_pylist() if "table_id" in data.column_names else doc_ids
        )
        found = [places.get(t) or places.get(d) for t, d in zip(table_ids, doc_ids, strict=True)]
        provinces = pa.chunked_array([pa.array(found, pa.string())])
    keys = pa.table({YEAR: data.column(YEAR), PROVINCE: provinces})
    return partition.folder_values(data.drop_columns([YEAR, PROVINCE]), keys)
