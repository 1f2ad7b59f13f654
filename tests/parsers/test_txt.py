from __future__ import annotations

import hashlib

import pytest

import parsers
from parsers import txt
from schemas import Paragraph, ParseError, Table, UnsupportedFormatError


def _doc(text: str, encoding: str = "utf-8") -> list[Paragraph | Table]:
    return list(parsers.parse_bytes(text.encode(encoding), "x.txt").blocks)


def test_cell_per_line_rows_and_continuations() -> None:
    text = (
        "前言\n\n\t标题表\n\n\t名称\n\t甲\n\n\t\n\t第一段\n续行\n\n第二段\n\n\t末行\n\t\n\n\n正文\n"
    )
    blocks = _doc(text)
    assert isinstance(blocks[0], Paragraph) and blocks[0].text == "前言" and blocks[0].line == 1
    table = blocks[1]
    assert isinstance(table, Table)
    rows = [[c.text for c in row] for row in table.rows]
    assert rows == [["标题表"], ["名称", "甲"], ["", "第一段\n续行\n第二段"], ["末行", ""]]
    assert [c.line for c in table.rows[1]] == [5, 6]
    assert isinstance(blocks[2], Paragraph) and blocks[2].text == "正文"
    assert blocks[2].line == 18


def test_untabbed_text_after_table_is_a_paragraph() -> None:
    blocks = _doc("\t甲\n\t乙\n\n说明文字\n\n\n")
    assert isinstance(blocks[0], Table) and len(blocks[0].rows) == 1
    assert isinstance(blocks[1], Paragraph) and blocks[1].text == "说明文字"


def test_encodings() -> None:
    for encoding in ("utf-8", "gb18030", "utf-16"):
        blocks = _doc("项目支出绩效自评表\n", encoding)
        assert isinstance(blocks[0], Paragraph) and blocks[0].text == "项目支出绩效自评表"
    bom = parsers.parse_bytes(b"\xef\xbb\xbf" + "标题".encode(), "x.txt")
    assert isinstance(bom.blocks[0], Paragraph) and bom.blocks[0].text == "标题"


def test_bad_input() -> None:
    with pytest.raises(ParseError, match="empty file"):
        parsers.parse_bytes(b"", "empty.txt")
    with pytest.raises(UnsupportedFormatError, match="binary data"):
        parsers.parse_bytes(bytes(range(256)) * 4, "fake.txt")
    with pytest.raises(ParseError, match="neither UTF-8 nor GB18030"):
        txt.read(b"\x81\x20\xff\xfe\x80", "bad.txt", "0" * 64)


def test_doc_id_is_sha256_of_bytes() -> None:
    data = "标题\n".encode()
    assert parsers.parse_bytes(data, "a.txt").doc_id == hashlib.sha256(data).hexdigest()
