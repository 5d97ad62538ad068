"""Turn report bytes into text: UTF-8 (with or without BOM), else GB18030/GBK, else a guess.

Chinese government pages are UTF-8 or GBK/GB18030 in practice. GB18030 is a superset of GBK
and GB2312, so decoding as GB18030 covers all three. charset-normalizer is the last resort for
anything else; text it cannot make sense of is refused rather than turned into mojibake.
"""

from __future__ import annotations

import codecs
import re

from checker.errors import InputError

_CJK = re.compile(r"[\u4e00-\u9fff]")
_ASCII = re.compile(r"[\x00-\x7f]")
_ALIASES = {"gb2312": "gb18030", "gbk": "gb18030", "gb_2312-80": "gb18030", "x-gbk": "gb18030"}


def normalise_encoding(name: str) -> str | None:
    """Canonical codec name for a declared charset, or None when Python does not know it."""
    name = name.strip().strip("\"'").lower()
    name = _ALIASES.get(name, name)
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


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
        except UnicodeDecodeError:
            continue
        if enc == "gb18030" and not _looks_chinese(text):
            continue
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


def _looks_chinese(text: str) -> bool:
    """GB18030 decodes most byte strings; accept it only if the result reads as Chinese."""
    sample = text[:20000]
    if not sample:
        return False
    cjk = len(_CJK.findall(sample))
    ascii_ = len(_ASCII.findall(sample))
    odd = len(sample) - cjk - ascii_
    return cjk > 0 and odd <= max(10, cjk // 5)
