"""Turn report bytes into text: UTF-8 (with or without BOM), else GB18030/GBK, else a guess.

Chinese government pages are UTF-8 or GBK/GB18030 in practice. GB18030 is a superset of GBK
and GB2312, so decoding as GB18030 covers all three. charset-normalizer is the last resort for
anything else; text it cannot make sense of is refused rather than turned into mojibake.
"""

from __future__ import annotations

import codecs

from checker.errors import InputError

# High bytes of the UTF-16 code units U+4E00–U+9FFF are 0x4E–0x9F; every other byte is deleted.
_NOT_CJK_HIGH = bytes(b for b in range(256) if not 0x4E <= b <= 0x9F)
_ALIASES = {"gb2312": "gb18030", "gbk": "gb18030", "gb_2312-80": "gb18030", "x-gbk": "gb18030"}


# Declared charsets that are not honest text encodings of a web page. rot13, hex, base64, zlib …
# are not text encodings at all (codecs marks them so); these decode any bytes to nonsense or
# fail in ways of their own. A page declaring one is read as if it declared nothing.
_NOT_PAGE_ENCODINGS = frozenset({
    "undefined", "unicode-escape", "raw-unicode-escape", "punycode", "idna", "utf-7", "mbcs", "oem",
    "palmos", "rot_13",
})
# As browsers do (WHATWG Encoding): a page declaring UTF-16/32 without a byte-order mark is UTF-8
# (the declaration survived a re-save), and x-user-defined is windows-1252.
_WHATWG = {"utf-16": "utf-8", "utf-16-le": "utf-8", "utf-16-be": "utf-8", "utf-32": "utf-8",
           "utf-32-le": "utf-8", "utf-32-be": "utf-8", "x-user-defined": "cp1252"}


def normalise_encoding(name: str) -> str | None:
    """Canonical codec name for a declared charset; None when it is unknown or not a text encoding."""
    name = name.strip().strip("\"'").lower()
    name = _ALIASES.get(name, name)
    name = _WHATWG.get(name, name)
    try:
        info = codecs.lookup(name)
    except (LookupError, ValueError):  # ValueError: a name with a NUL byte
        return None
    if not getattr(info, "_is_text_encoding", True) or info.name in _NOT_PAGE_ENCODINGS:
        return None
    return _WHATWG.get(info.name, info.name)


def decode(data: bytes, source: str, declared: str | None = None) -> tuple[str, str]:
    """Decode `data`; returns (text, encoding used). Raises InputError when it is not text."""
    if b"\x00" in data[:65536] and not data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise InputError("input.binary", path=source)
    if data.startswith(codecs.BOM_UTF8):
        return _strict(data[3:], "utf-8", source), "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _strict(data, "utf-16", source), "utf-16"
    tried: list[str] = []
    if declared:
        enc = normalise_encoding(declared)
        if enc:
            tried.append(enc)
    for enc in ("utf-8", "gb18030"):
        if enc not in tried:
            tried.append(enc)
    for enc in tried:
        try:
            text = data.decode(enc)
        except (UnicodeError, LookupError):  # any codec's way of refusing these bytes
            continue
        if enc != "utf-8" and not _looks_chinese(text):
            continue  # GB18030 and single-byte codecs decode almost anything: accept only Chinese
        return text, enc
    # Mostly UTF-8 with a few broken bytes (a page saved from mixed sources): keep the text,
    # replacing what cannot be decoded, rather than reading it all as mojibake.
    for enc in ("utf-8", "gb18030"):
        lenient = data.decode(enc, errors="replace")
        bad = lenient.count("\ufffd")
        if bad and bad <= max(16, len(lenient) // 50) and _looks_chinese(lenient):
            return lenient, f"{enc} ({bad} invalid bytes replaced)"
    from charset_normalizer import from_bytes  # only for the rare file that is neither

    best = from_bytes(data).best()
    if best is None or best.encoding is None:
        raise InputError("input.undecodable", path=source)
    text = str(best)
    if "\x00" in text or not text.strip():
        raise InputError("input.undecodable", path=source)
    return text, best.encoding


def _strict(data: bytes, enc: str, source: str) -> str:
    try:
        return data.decode(enc)
    except UnicodeDecodeError as exc:
        raise InputError("input.undecodable", path=source) from exc


def count_cjk(text: str) -> int:
    """Number of characters U+4E00–U+9FFF in `text` (CJK unified ideographs: Chinese text).

    In UTF-16 every character of the BMP is one two-byte unit, and exactly those of
    U+4E00–U+9FFF have a high byte 0x4E–0x9F (a surrogate's is 0xD8–0xDF): the count is the
    number of such high bytes, found by three C passes (encode, every other byte, delete the
    rest). ~5x faster than matching runs of the class with a regex, and no object per run.
    """
    return len(text.encode("utf-16-be", "surrogatepass")[0::2].translate(None, _NOT_CJK_HIGH))


def _looks_chinese(text: str) -> bool:
    """GB18030 decodes most byte strings; accept it only if the result reads as Chinese."""
    sample = text[:20000]
    if not sample:
        return False
    cjk = count_cjk(sample)
    ascii_ = len(sample.encode("ascii", "ignore"))  # the characters U+0000–U+007F, counted in C
    odd = len(sample) - cjk - ascii_
    return cjk > 0 and odd <= max(10, cjk // 5)
