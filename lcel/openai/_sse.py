"""Server-sent events off an ``httpx`` response: httpx-sse's line splitter (which follows the
SSE spec: only CR, LF and CRLF end a line) and a lean field reader for the hot path.

Only what the chat-completions protocol uses is read: ``data`` (several lines join with
``\\n``) and ``event``; comments, ``id`` and ``retry`` are skipped.
"""

from __future__ import annotations

from collections.abc import Iterable

from httpx_sse._decoders import SSELineDecoder

__all__ = ["EventReader", "SSELineDecoder"]


class EventReader:
    r"""Collects lines into events: ``(event name, data)``, dispatched at a blank line.

    >>> lines, reader = SSELineDecoder(), EventReader()
    >>> reader.feed(lines.decode(": ping\r\nevent: error\r\ndata: a\r\ndata:b\r\n\r\nda"))
    [('error', 'a\nb')]
    >>> reader.feed(lines.decode('ta: {"x": 1}\n\n'))
    [('', '{"x": 1}')]
    >>> reader.feed(lines.decode("data: [DONE]")) + reader.feed(lines.flush()) + reader.finish()
    [('', '[DONE]')]
    """

    __slots__ = ("data", "event")

    def __init__(self) -> None:
        self.data: list[str] = []
        self.event = ""

    def feed(self, lines: Iterable[str]) -> list[tuple[str, str]]:
        ready: list[tuple[str, str]] = []
        for line in lines:
            if line.startswith("data:"):
                self.data.append(line[6:] if line.startswith("data: ") else line[5:])
            elif not line:
                if self.data:
                    data = self.data[0] if len(self.data) == 1 else "\n".join(self.data)
                    ready.append((self.event, data))
                self.data = []
                self.event = ""
            elif line.startswith("event:"):
                self.event = line[6:].removeprefix(" ")
        return ready

    def finish(self) -> list[tuple[str, str]]:
        """A last event the server did not end with a blank line."""
        return self.feed([""])
