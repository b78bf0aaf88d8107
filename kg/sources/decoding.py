"""Bytes to numbered text lines: which encoding an input uses, whether it is text at all, and
inputs that can be read only once (standard input, FIFOs, `<(…)`).

The encoding is UTF-8 unless a byte-order mark says UTF-16 or UTF-32 (UTF-16 without a mark
is recognised by its NUL bytes). Lines are decoded one by one, and a byte that does not decode
is kept as a lone surrogate (U+DC00 + the byte, as Python's `surrogateescape`), so it spoils
only the record it is in: `kg.sources.screen` rejects that record with its line, and every
other record of the file is read. A NUL byte or a control character here and there does not
make a file binary; a head that is mostly such bytes does.
"""

from __future__ import annotations

import codecs
import io
import re
from collections.abc import Iterator
from typing import BinaryIO

SNIFF_BYTES = 64 * 1024
UNDECODABLE = "kg.undecodable"  # the codecs error handler that keeps bad bytes as surrogates
BYTE_ORDER_MARKS = [  # UTF-32 LE before UTF-16 LE: its mark starts with UTF-16 LE's
    (codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
]
# characters no text file is made of: C0 controls but tab, newlines, form feed and escape,
# and bytes that did not decode
NOT_TEXT = re.compile("[\x00-\x08\x0e-\x1a\x1c-\x1f\udc00-\udcff]")
BINARY_SHARE = 0.3


def _keep_undecodable(error: UnicodeError) -> tuple[str, int]:
    if not isinstance(error, UnicodeDecodeError):
        raise error
    bad = error.object[error.start:error.end]
    return "".join(chr(0xDC00 + byte) for byte in bad), error.end


codecs.register_error(UNDECODABLE, _keep_undecodable)


def sniff_encoding(head: bytes) -> str:
    """The encoding a byte-order mark names; UTF-16 when most odd (or even) bytes are NUL and
    the others are not (Latin text in UTF-16 without a mark); else UTF-8."""
    for mark, encoding in BYTE_ORDER_MARKS:
        if head.startswith(mark):
            return encoding
    if len(head) >= 8:
        even, odd = head[0::2], head[1::2]
        if odd.count(0) > 0.5 * len(odd) and even.count(0) < 0.05 * len(even):
            return "utf-16-le"
        if even.count(0) > 0.5 * len(even) and odd.count(0) < 0.05 * len(odd):
            return "utf-16-be"
    return "utf-8"


def head_text(head: bytes, encoding: str) -> str:
    """The head decoded for format detection, byte-order mark removed."""
    return head.decode(encoding, UNDECODABLE).lstrip("\ufeff")


def looks_binary(text: str) -> bool:
    """Mostly NULs, control characters or undecodable bytes: not a text file."""
    return len(NOT_TEXT.findall(text)) > BINARY_SHARE * max(len(text), 1)


def decoded_lines(stream: BinaryIO, encoding: str = "utf-8") -> Iterator[tuple[int, str]]:
    """Number lines from 1 and decode each on its own, the byte-order mark dropped."""
    if encoding == "utf-8":
        lines = (raw.decode("utf-8", UNDECODABLE) for raw in stream)
    else:
        lines = io.TextIOWrapper(stream, encoding=encoding, errors=UNDECODABLE, newline="\n")
    for number, text in enumerate(lines, start=1):
        yield number, text.removeprefix("\ufeff") if number == 1 else text


class _Replayed(io.RawIOBase):
    """The first bytes of a stream, already read, then the rest of it."""

    def __init__(self, head: bytes, rest: BinaryIO) -> None:
        self.head, self.rest = memoryview(head), rest
        self.read_rest = getattr(rest, "read1", rest.read)

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        if len(self.head):
            size = min(len(buffer), len(self.head))
            buffer[:size], self.head = self.head[:size], self.head[size:]
            return size
        data = self.read_rest(len(buffer))
        buffer[:len(data)] = data
        return len(data)


def with_head(stream: BinaryIO) -> tuple[bytes, BinaryIO]:
    """The first `SNIFF_BYTES` of a stream and the stream from its start again: sought back
    for a file, replayed for a pipe, a FIFO or a terminal, which can be read only once."""
    head = stream.read(SNIFF_BYTES)
    try:
        stream.seek(0)
        return head, stream
    except (OSError, io.UnsupportedOperation):
        return head, io.BufferedReader(_Replayed(head, stream), 1 << 20)
