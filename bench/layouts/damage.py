"""Text damaged after it lost its grid: OCR misreads, mirror sites that convert to traditional
characters and insert pinyin after characters, site chrome printed before the table.

The conversions are small tables of the characters the generator itself prints, so the
scorer can undo them exactly (`undo_mirror`): a reader may report a name raw or normalised.
"""

from __future__ import annotations

import random

import regex

from bench.layouts.model import Form
from bench.layouts.text import flat_space, glued

# simplified -> traditional for the characters the generated tables print
TRADITIONAL = str.maketrans(
    "标级产数质时效经济社会态满意项资预执实际总体与绩评价务门单设养护卫儿财补础图书馆运维设备环"
    "计划费维办发长众获农书场户场乡区进区统这个为",
    "標級產數質時效經濟社會態滿意項資預執實際總體與績評價務門單設養護衛兒財補礎圖書館運維設備環"
    "計劃費維辦發長眾獲農書場戶場鄉區進區統這個為",
)
SIMPLIFIED = {chr(int(v)): chr(k) for k, v in TRADITIONAL.items() if v is not None}
PINYIN = {
    "标": "biāo",
    "標": "biāo",
    "指": "zhǐ",
    "值": "zhí",
    "率": "lǜ",
    "度": "dù",
    "效": "xiào",
    "益": "yì",
    "项": "xiàng",
    "項": "xiàng",
    "资": "zī",
    "資": "zī",
    "金": "jīn",
    "分": "fēn",
}
PINYIN_NOTE = regex.compile(r"\((?:[a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]+)\)")
CHROME = (
    "首页 > 信息公开 > 财政资金 > 预决算公开",
    "发布时间：2023-06-{d:02d} 来源：本站 浏览次数：{n}",
    "【字体：大 中 小】 打印本页 关闭窗口",
)


def with_chrome(text: str, rng: random.Random) -> str:
    """Site chrome and document metadata above the table, as stored web pages print them."""
    lines = [c.format(d=rng.randint(1, 28), n=rng.randint(20, 900)) for c in CHROME]
    return "\n".join(lines[: rng.randint(1, 3)]) + "\n" + text


def mirror(form: Form, rng: random.Random) -> str:
    """A mirror site's copy: traditional characters, pinyin after some characters."""
    text = flat_space(form, rng, one_line=False).translate(TRADITIONAL)
    out = []
    for ch in text:
        out.append(ch)
        if ch in PINYIN and rng.random() < 0.5:
            out.append(f"({PINYIN[ch]})")
    return with_chrome("".join(out), rng)


def undo_mirror(text: str) -> str:
    """What a reader that normalises mirror text would report: simplified, no pinyin."""
    return "".join(SIMPLIFIED.get(ch, ch) for ch in PINYIN_NOTE.sub("", text))


OCR_SWAPS = (("≥", ("2", "工", "^", "5=")), ("%", ("$",)), ("10", ("IO",)), ("≤", ("S",)))


def ocr(form: Form, rng: random.Random) -> str:
    """A scanned page read by OCR: cells glued by single spaces or none, look-alike misreads
    of operators, percent signs and digits."""
    text = _misread(flat_space(form, rng, one_line=False), rng)
    lines = [line.replace(" ", "") if rng.random() < 0.3 else line for line in text.split("\n")]
    return "\n".join(lines)


def ocr_glued(form: Form, rng: random.Random) -> str:
    """OCR text that kept no space at all (mirror sites of scanned forms): every row's cells
    run together, with the look-alike misreads of `ocr` (`8工5%工5%8`, `290$`)."""
    return _misread(glued(form, rng), rng)


def _misread(text: str, rng: random.Random) -> str:
    for mark, readings in OCR_SWAPS:
        parts = text.split(mark)
        text = parts[0] + "".join(
            (rng.choice(readings) if rng.random() < 0.6 else mark) + part for part in parts[1:]
        )
    return text


DAMAGED = {"ocr": ocr, "ocr_glued": ocr_glued, "mirror": mirror}
