"""Z85: ZeroMQ's printable encoding of binary data (ZeroMQ RFC 32).

Every 4 bytes of input, read as a big-endian 32-bit number, become 5 characters of an
85-letter alphabet chosen to be safe in source code, command lines and config files.
CURVE keys are exchanged this way: a 32-byte key is 40 characters of Z85.

>>> encode(bytes([0x86, 0x4F, 0xD2, 0x6F, 0xB5, 0x59, 0xF7, 0x5B]))
b'HelloWorld'
>>> decode("HelloWorld").hex()
'864fd26fb559f75b'
"""
from __future__ import annotations

import struct
from typing import Final, Union

__all__ = ["Z85CHARS", "Z85MAP", "encode", "decode"]

#: The 85 characters of the alphabet, in digit order (``Z85CHARS[0]`` is digit 0).
Z85CHARS: Final[bytes] = (
    b"0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#"
)
#: Character code (an int, as found when iterating bytes) -> the digit it stands for.
Z85MAP: Final[dict[int, int]] = {char: digit for digit, char in enumerate(Z85CHARS)}

# Lookup tables that let one 32-bit word be encoded with two divisions:
# the word is split as hi * 85**3 + mid * 85**2 + lo, with hi and lo < 85**2.
_PAIRS: Final[list[bytes]] = [bytes((a, b)) for a in Z85CHARS for b in Z85CHARS]
_SINGLES: Final[list[bytes]] = [bytes((c,)) for c in Z85CHARS]
_85_2: Final = 85 * 85
_85_3: Final = 85 * 85 * 85

# bytes.translate table: a valid character -> its digit, anything else -> 0xFF.
_INVALID: Final = 0xFF
_DECODE_TABLE: Final[bytes] = bytes(Z85MAP.get(i, _INVALID) for i in range(256))
_MAX_WORD: Final = 0xFFFFFFFF


def encode(rawbytes: Union[bytes, bytearray, memoryview]) -> bytes:
    """Encode binary data as Z85 text (returned as ASCII ``bytes``).

    Raises ValueError if the length of ``rawbytes`` is not a multiple of 4 (Z85 has no
    padding: callers pad their data themselves).
    """
    data = memoryview(rawbytes).cast("B")
    if len(data) % 4:
        raise ValueError(f"Z85 encodes whole 4-byte words: got {len(data)} bytes, not a multiple of 4")
    words = struct.unpack(f">{len(data) // 4}I", data)
    pairs, singles = _PAIRS, _SINGLES
    out: list[bytes] = []
    append = out.append
    for word in words:
        hi, rest = divmod(word, _85_3)
        mid, lo = divmod(rest, _85_2)
        append(pairs[hi])
        append(singles[mid])
        append(pairs[lo])
    return b"".join(out)


def decode(z85bytes: Union[bytes, bytearray, memoryview, str]) -> bytes:
    """Decode Z85 text (``str`` or ASCII bytes) back to the binary data.

    Raises ValueError if the length is not a multiple of 5, if a character is not in the
    Z85 alphabet, or if a 5-character group stands for a number above 2**32 - 1.
    """
    if isinstance(z85bytes, str):
        try:
            text = z85bytes.encode("ascii")
        except UnicodeEncodeError:
            raise ValueError("Z85 text must be ASCII") from None
    else:
        text = bytes(memoryview(z85bytes))
    if len(text) % 5:
        raise ValueError(f"Z85 text comes in 5-character groups: got {len(text)} characters")
    digits = text.translate(_DECODE_TABLE)
    bad = digits.find(_INVALID)
    if bad >= 0:
        raise ValueError(f"invalid Z85 character {chr(text[bad])!r} at position {bad}")
    words: list[int] = []
    append = words.append
    for i in range(0, len(digits), 5):
        a, b, c, d, e = digits[i : i + 5]
        word = (((a * 85 + b) * 85 + c) * 85 + d) * 85 + e
        if word > _MAX_WORD:
            raise ValueError(f"Z85 group {text[i:i + 5].decode()!r} at position {i} is out of range")
        append(word)
    return struct.pack(f">{len(words)}I", *words)
