"""The prose as paragraphs a reader would see: wrapped lines joined, parts listed on lines of
their own after `其中：` joined into their list.

Extraction breaks paragraphs where the page did (a PDF's wrapped lines) or where a budget block
printed as text put each part on a line; the claims need them whole.
"""

from __future__ import annotations

import regex

from schemas import Document, Paragraph

TERMINAL = "。！？!?；;：:"
_WRAP_MIN = 40  # characters: a shorter line without closing punctuation is a heading
NUMBERED = regex.compile(
    r"^\s*(?:\d+[.、．]|[（(][一二三四五六七八九十\d]+[)）]|[一二三四五六七八九十]+、)"
)
# `其中：` alone on its line, or closing a line, with the parts on the lines below it (a budget
# block printed as text): the lines are one list.
_QIZHONG_OPEN = regex.compile(r"其中\s*[:：]?\s*$")
_ITEM_LINE = regex.compile(
    r"^\s*(?:\d+[.、．]|[（(][一二三四五六七八九十\d]+[)）])?\s*[\p{Han}（）()“”]{1,30}\s*[:：]?\s*"
    r"[+-]?\d[\d,]*(?:\.\d+)?\s*(?:万元|亿元|元|万)\s*[;；,，。]?\s*$"
)


def paragraphs(doc: Document) -> list[Paragraph]:
    """Paragraphs, with a paged format's wrapped lines joined back (`…其他收入0.01万` + `元，占…`).

    A line wraps when it is long (headings are short) and stops without closing punctuation;
    the joined paragraph keeps the first line's page and line.
    """
    out: list[Paragraph] = []
    for para in doc.paragraphs():
        previous = out[-1] if out else None
        if (
            previous is not None
            and para.page is not None
            and len(previous.text) >= _WRAP_MIN
            and previous.text.rstrip()[-1:] not in TERMINAL
            and not NUMBERED.match(para.text)
        ):
            out[-1] = Paragraph(
                previous.text.rstrip() + para.text.lstrip(), previous.page, previous.line
            )
        else:
            out.append(para)
    return _join_item_lines(out)


def _join_item_lines(paras: list[Paragraph]) -> list[Paragraph]:
    """`…150万元。` / `其中：` / `中央补助资金80万元` / `省级补助资金40万元` … as one paragraph
    `…150万元。其中：中央补助资金80万元；省级补助资金40万元。`, so the parts are a list."""
    out: list[Paragraph] = []
    i = 0
    while i < len(paras):
        para = paras[i]
        items: list[str] = []
        while (
            _QIZHONG_OPEN.search(para.text)
            and i + 1 + len(items) < len(paras)
            and _ITEM_LINE.match(paras[i + 1 + len(items)].text)
        ):
            items.append(paras[i + 1 + len(items)].text.strip().rstrip(";；,，。"))
        if len(items) < 2:
            out.append(para)
            i += 1
            continue
        head = para.text.strip()
        if head in {"其中", "其中:", "其中："} and out:  # the whole is the line above
            above = out.pop()
            para = Paragraph(above.text.rstrip() + head, above.page, above.line)
        joined = para.text.rstrip().rstrip(":：") + "：" + "；".join(items) + "。"
        out.append(Paragraph(joined, para.page, para.line))
        i += 1 + len(items)
    return out
