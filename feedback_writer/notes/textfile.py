"""Provides the checks that turn a notes file's bytes into trustworthy text.

A notes file is UTF-8 (a UTF-8 BOM is skipped). UTF-16 and UTF-32 files that start with a
byte-order mark are decoded as such. A file that looks like UTF-16 or UTF-32 without a
mark (NUL bytes at every other, or three of four, positions) is refused with the encoding
named, rather than imported as garbage. Text must not hold NUL or other control
characters (tab, form feed and line ends aside) nor unpaired surrogates: either would be
lost or break later when the note is stored, printed or written to a review file.
"""

from __future__ import annotations

import codecs
import re

_BOMS = (  # UTF-32 first: its little-endian mark starts with UTF-16's
    (codecs.BOM_UTF32_LE, "utf-32-le", "UTF-32"),
    (codecs.BOM_UTF32_BE, "utf-32-be", "UTF-32"),
    (codecs.BOM_UTF8, "utf-8", "UTF-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "UTF-16"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "UTF-16"),
)
_BAD_CHAR = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f\ud800-\udfff]")
_LINE_END = re.compile(r"\r\n|\r|\n")
_SAMPLE = 4096


def split_lines(text: str) -> list[str]:
    """Lines split on CR, LF and CRLF only, as editors count them.

    ``str.splitlines`` also splits on U+2028, U+0085 and friends, which shifts every line
    number after them and cuts JSON strings that legally hold them.
    """
    lines = _LINE_END.split(text)
    if lines and lines[-1] == "":
        lines.pop()
    return lines


def _missing_bom(data: bytes) -> str | None:
    """The encoding the bytes look like when NULs fill a fixed share of the positions."""
    sample = data[:_SAMPLE]
    if len(sample) < 4 or sample.count(0) * 4 < len(sample):
        return None
    for width, name in ((4, "UTF-32"), (2, "UTF-16")):
        n = len(sample) // width
        if n == 0:
            continue
        columns = [sum(1 for i in range(n) if sample[i * width + c] == 0) for c in range(width)]
        zero_columns = sum(1 for z in columns if z * 10 >= n * 7)
        if zero_columns == width - 1:
            order = "little-endian" if columns[0] * 10 < n * 7 else "big-endian"
            return f"{name} ({order}) without a byte-order mark"
    return None


def describe_char(ch: str) -> str:
    """``U+0000 (NUL)``-style name of a refused character."""
    code = ord(ch)
    if 0xD800 <= code <= 0xDFFF:
        return f"an unpaired surrogate U+{code:04X} (not valid Unicode)"
    if code == 0:
        return "a NUL byte (U+0000): is this a binary file?"
    return f"a control character U+{code:04X}"


def bad_char(text: str) -> tuple[int, str] | None:
    """The offset and description of the first refused character, or None."""
    m = _BAD_CHAR.search(text)
    return None if m is None else (m.start(), describe_char(m.group()))


def decode_notes(data: bytes, source: str) -> tuple[str | None, str | None]:
    """Decoded text, or an error message naming ``source`` and the line; never raises."""
    for bom, codec, label in _BOMS:
        if data.startswith(bom):
            try:
                text = data[len(bom) :].decode(codec)
            except UnicodeDecodeError as exc:
                return None, f"{source}: invalid {label} text at byte {exc.start + len(bom)}"
            break
    else:
        guess = _missing_bom(data)
        if guess:
            return None, f"{source}:1: the file looks like {guess}; save it as UTF-8"
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = data[: exc.start].count(b"\n") + 1
            return None, (
                f"{source}:{line}: not UTF-8 text (byte 0x{data[exc.start]:02x}); save it as UTF-8"
            )
    found = bad_char(text)
    if found is not None:
        offset, what = found
        line = len(_LINE_END.findall(text[:offset])) + 1
        return None, f"{source}:{line}: the file contains {what}; remove it and retry"
    return text, None
