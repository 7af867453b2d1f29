"""LZString's URI-safe encoding, the form LangServe clients give a config in ``c/{hash}/``.

Written from the format's description: an LZW variant that writes variable-width codes
least-significant bit first, six bits per output character from a URI-safe alphabet. Text is
handled as UTF-16 code units, as JavaScript strings are, so a hash made in a browser decodes
to the same text here.

>>> compress_to_uri('{"configurable": {"a": 1}}') == compress_to_uri('{"configurable": {"a": 1}}')
True
>>> decompress_from_uri(compress_to_uri('{"tags": ["ü", "😀"]}'))
'{"tags": ["ü", "😀"]}'
"""

from __future__ import annotations

__all__ = ["compress_to_uri", "decompress_from_uri"]

_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+-$"
_VALUE_OF = {c: i for i, c in enumerate(_ALPHABET)}
_BITS = 6


def _units(text: str) -> list[str]:
    """``text`` as one-character strings, one per UTF-16 code unit."""
    raw = text.encode("utf-16-le", "surrogatepass")
    return [chr(int.from_bytes(raw[i : i + 2], "little")) for i in range(0, len(raw), 2)]


def _from_units(text: str) -> str:
    return text.encode("utf-16-le", "surrogatepass").decode("utf-16-le")


class _BitWriter:
    def __init__(self) -> None:
        self.out: list[str] = []
        self.value = 0
        self.position = 0

    def write(self, value: int, width: int) -> None:
        for _ in range(width):
            self.value = (self.value << 1) | (value & 1)
            value >>= 1
            if self.position == _BITS - 1:
                self.out.append(_ALPHABET[self.value])
                self.position = 0
                self.value = 0
            else:
                self.position += 1

    def flush(self) -> str:
        while True:
            self.value <<= 1
            if self.position == _BITS - 1:
                self.out.append(_ALPHABET[self.value])
                return "".join(self.out)
            self.position += 1


def compress_to_uri(text: str) -> str:
    """LZString's ``compressToEncodedURIComponent``."""
    codes: dict[str, int] = {}
    pending: set[str] = set()  # single characters not yet written out literally
    next_code = 3
    width = 2
    grow_in = 2
    w = ""
    bits = _BitWriter()

    def tick() -> None:
        nonlocal grow_in, width
        grow_in -= 1
        if grow_in == 0:
            grow_in = 1 << width
            width += 1

    def emit(word: str) -> None:
        if word in pending:
            unit = ord(word[0])
            if unit < 256:
                bits.write(0, width)
                bits.write(unit, 8)
            else:
                bits.write(1, width)
                bits.write(unit, 16)
            tick()
            pending.discard(word)
        else:
            bits.write(codes[word], width)
        tick()

    for c in _units(text):
        if c not in codes:
            codes[c] = next_code
            next_code += 1
            pending.add(c)
        wc = w + c
        if wc in codes:
            w = wc
            continue
        emit(w)
        codes[wc] = next_code
        next_code += 1
        w = c
    if w:
        emit(w)
    bits.write(2, width)
    return bits.flush()


class _BitReader:
    def __init__(self, text: str) -> None:
        self.text = text
        self.index = 1
        self.value = self._at(0)
        self.position = 1 << (_BITS - 1)

    def _at(self, index: int) -> int:
        if index >= len(self.text):
            return 0
        try:
            return _VALUE_OF[self.text[index]]
        except KeyError:
            raise ValueError(f"invalid character {self.text[index]!r} in LZString data") from None

    def read(self, width: int) -> int:
        result = 0
        for i in range(width):
            bit = self.value & self.position
            self.position >>= 1
            if self.position == 0:
                self.position = 1 << (_BITS - 1)
                self.value = self._at(self.index)
                self.index += 1
            if bit:
                result |= 1 << i
        return result


def decompress_from_uri(data: str) -> str:
    """LZString's ``decompressFromEncodedURIComponent``; ``ValueError`` on malformed data."""
    if not data:
        raise ValueError("empty LZString data")
    reader = _BitReader(data.replace(" ", "+"))
    words: list[str] = ["", "", ""]
    width = 3
    grow_in = 4
    first = reader.read(2)
    if first == 2:
        return ""
    if first not in (0, 1):
        raise ValueError("malformed LZString data")
    w = chr(reader.read(8 if first == 0 else 16))
    words.append(w)
    out = [w]
    while True:
        if reader.index > len(reader.text) + 1:
            raise ValueError("truncated LZString data")
        code = reader.read(width)
        if code in (0, 1):
            words.append(chr(reader.read(8 if code == 0 else 16)))
            code = len(words) - 1
            grow_in -= 1
        elif code == 2:
            return _from_units("".join(out))
        if grow_in == 0:
            grow_in = 1 << width
            width += 1
        if code < len(words):
            entry = words[code]
        elif code == len(words):
            entry = w + w[0]
        else:
            raise ValueError("malformed LZString data")
        out.append(entry)
        words.append(w + entry[0])
        grow_in -= 1
        w = entry
        if grow_in == 0:
            grow_in = 1 << width
            width += 1
