"""The driver-side journal of a distributed batch: one JSON line per finished item.

A batch run with a journal appends each successful output as soon as it reaches the
driver (one ``write`` of a whole line, then a flush), so a driver killed at any point leaves
every finished item on disk; run again with the same journal, it replays those items and
submits only the rest. Execution is at-least-once (an item running when the driver died runs
again); the *output* has each item exactly once. Failed items are not journaled: a resumed
batch tries them again.

Each record carries a digest of its input, so a journal written for other inputs is refused
instead of silently answering for them. Outputs that are plain JSON (str, int, float, bool,
None, lists, dicts with string keys) are stored as JSON; anything else as base64 cloudpickle.
"""

from __future__ import annotations

import base64
import hashlib
import json
import math
import os
import pickle
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import IO, Any

import cloudpickle

from lcel.errors import LcelError

__all__ = ["Journal", "JournalMismatchError"]


class JournalMismatchError(LcelError, ValueError):
    """The journal holds results for inputs other than this batch's."""


def _digest(value: object) -> str:
    try:
        data = pickle.dumps(value, protocol=5)
    except Exception:
        data = cloudpickle.dumps(value)
    return hashlib.blake2b(data, digest_size=8).hexdigest()


def _plain_json(value: object, depth: int = 0) -> bool:
    """True when ``json.loads(json.dumps(value)) == value`` with the same types."""
    if value is None or type(value) in (str, int, bool):
        return True
    if type(value) is float:
        return math.isfinite(value)
    if depth > 50:
        return False
    if type(value) is list:
        return all(_plain_json(v, depth + 1) for v in value)
    if type(value) is dict:
        return all(type(k) is str and _plain_json(v, depth + 1) for k, v in value.items())
    return False


class Journal:
    """An open journal file for one batch of ``inputs`` (mutable: it owns a file handle)."""

    def __init__(self, path: str | os.PathLike[str], inputs: Sequence[Any]) -> None:
        # Any: the batch's inputs, of whatever type the runnable takes
        self.path = Path(path)
        self._inputs = inputs
        self._keys: dict[int, str] = {}
        self._sink: IO[str] | None = None

    def _key(self, index: int) -> str:
        key = self._keys.get(index)
        if key is None:
            key = self._keys[index] = _digest(self._inputs[index])
        return key

    def replay(self) -> Iterator[tuple[int, Any]]:
        """The (index, output) pairs already recorded; repairs a torn last line first."""
        if not self.path.exists():
            return
        raw = self.path.read_bytes()
        end = raw.rfind(b"\n") + 1
        if end < len(raw):  # the driver died mid-write: drop the torn line
            with self.path.open("r+b") as f:
                f.truncate(end)
            raw = raw[:end]
        seen: set[int] = set()
        for number, line in enumerate(raw.splitlines(), 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
                index, key = record["i"], record["key"]
            except (ValueError, KeyError, TypeError):
                raise JournalMismatchError(
                    f"{self.path}:{number} is not a journal record; give a journal path "
                    "that only DaskExecutor writes"
                ) from None
            if not isinstance(index, int) or not 0 <= index < len(self._inputs):
                raise JournalMismatchError(
                    f"{self.path}:{number} records item {index!r}, but this batch has "
                    f"{len(self._inputs)} inputs: the journal belongs to another batch "
                    "(give a new journal path, or delete this one)"
                )
            if key != self._key(index):
                raise JournalMismatchError(
                    f"{self.path}:{number} records item {index} of another batch (its input "
                    "differs from this batch's): give a new journal path, or delete this one"
                )
            if index in seen:
                continue
            seen.add(index)
            if "out" in record:
                yield index, record["out"]
            else:
                yield index, cloudpickle.loads(base64.b64decode(record["pickle"]))

    def record(self, index: int, output: object) -> None:
        """Append item ``index``'s output as one whole, flushed line."""
        entry: dict[str, Any] = {"i": index, "key": self._key(index)}
        if _plain_json(output):
            entry["out"] = output
        else:
            entry["pickle"] = base64.b64encode(cloudpickle.dumps(output)).decode("ascii")
        if self._sink is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._sink = self.path.open("a", encoding="utf-8")
        self._sink.write(json.dumps(entry, ensure_ascii=False) + "\n")
        self._sink.flush()

    def close(self) -> None:
        """Flush the journal to disk and close it."""
        if self._sink is not None:
            self._sink.flush()
            os.fsync(self._sink.fileno())
            self._sink.close()
            self._sink = None
