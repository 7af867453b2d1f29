"""Measuring tools shared by every workload: timers, a concurrency tracker, the recorder.

A workload runs inside a child process and reports through a :class:`Recorder`: each figure
is either a timing (median and best of several repeats) or a short text ("ok", the name of
an error, "n/a (...)"). Anything that goes wrong while a figure is measured is caught by
:meth:`Recorder.guard` and turned into an ``ERROR`` or ``n/a`` cell for exactly the figures
that block was measuring, so one broken feature never hides the others.
"""

from __future__ import annotations

import contextlib
import resource
import statistics
import sys
import threading
import time
from collections.abc import Awaitable, Callable, Iterator
from typing import Literal

import attrs

__all__ = [
    "Better",
    "ConcurrencyTracker",
    "FigureSpec",
    "Measurement",
    "NotAvailable",
    "Recorder",
    "Timing",
    "WrongOutput",
    "atime_calls",
    "check",
    "peak_rss_mb",
    "time_calls",
    "time_once",
]

Better = Literal["lower", "higher"]
"""Which direction of a figure is the good one; ``None`` for counts that are not scores."""

CellText = str
"""A figure that is not a number: ``"ok"``, an error name, ``"ERROR: ..."``, ``"n/a (...)"``."""


class WrongOutput(Exception):
    """An implementation returned something other than the expected output."""


class NotAvailable(Exception):
    """The implementation does not offer what the workload measures (shown as ``n/a``)."""


def check(condition: bool, message: str) -> None:
    """Raise :class:`WrongOutput` with ``message`` unless ``condition`` holds."""
    if not condition:
        raise WrongOutput(message)


def short(value: object, limit: int = 80) -> str:
    """A ``repr`` cut to ``limit`` characters, for error notes."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


@attrs.frozen
class FigureSpec:
    """One row of the results table: what is measured, in which unit, which way is better."""

    key: str
    label: str
    unit: str
    better: Better | None


@attrs.frozen
class Timing:
    """Seconds per call: the median and the best of ``repeats`` repeats of ``loops`` calls."""

    median: float
    best: float
    repeats: int
    loops: int

    def scaled(self, factor: float) -> Timing:
        """The same timing multiplied by ``factor`` (unit changes, per-step division)."""
        return Timing(self.median * factor, self.best * factor, self.repeats, self.loops)


@attrs.frozen
class Measurement:
    """A figure's value for one implementation: numbers, or a text cell."""

    median: float | None = None
    best: float | None = None
    repeats: int = 0
    text: CellText | None = None

    def to_json(self) -> dict[str, object]:
        return attrs.asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, object]) -> Measurement:
        return cls(**data)  # type: ignore[arg-type]


@attrs.define
class Recorder:
    """Collects the figures of one workload run by one implementation."""

    specs: tuple[FigureSpec, ...]
    values: dict[str, Measurement] = attrs.Factory(dict)
    notes: list[str] = attrs.Factory(list)

    def _spec(self, key: str) -> FigureSpec:
        for spec in self.specs:
            if spec.key == key:
                return spec
        raise KeyError(f"no figure {key!r} in this workload")

    def number(self, key: str, median: float, best: float | None = None, repeats: int = 1) -> None:
        """Record a numeric figure (``best`` defaults to the median for single values)."""
        self._spec(key)
        best = median if best is None else best
        self.values[key] = Measurement(float(median), float(best), repeats)

    def timing(self, key: str, timing: Timing, factor: float = 1.0) -> None:
        """Record a :class:`Timing`, multiplied by ``factor`` (1e6 for µs, 1e3 for ms...)."""
        scaled = timing.scaled(factor)
        self.number(key, scaled.median, scaled.best, scaled.repeats)

    def text(self, key: str, text: CellText) -> None:
        """Record a text cell."""
        self._spec(key)
        self.values[key] = Measurement(text=text)

    def pending(self, *keys: str) -> bool:
        """Whether any of ``keys`` still lacks a value (an earlier failure fills them)."""
        return any(key not in self.values for key in keys)

    @contextlib.contextmanager
    def guard(self, *keys: str) -> Iterator[None]:
        """Turn a failure inside the block into ERROR / n/a cells for ``keys``.

        A missing module shows as ``n/a (missing: <module>)``; a feature the implementation
        lacks (``NotAvailable``, ``NotImplementedError``) as ``n/a (not implemented)``; wrong
        output or any other exception as ``ERROR``, with the detail in the notes.
        """
        try:
            yield
        except ModuleNotFoundError as exc:
            self._fill(keys, f"n/a (missing: {exc.name})")
        except ImportError as exc:
            self._fill(keys, f"n/a (missing: {exc.name or exc})")
            self.notes.append(f"{', '.join(keys)}: {type(exc).__name__}: {short(str(exc), 200)}")
        except (NotAvailable, NotImplementedError) as exc:
            self._fill(keys, "n/a (not implemented)")
            if str(exc):
                self.notes.append(f"{', '.join(keys)}: {short(str(exc), 200)}")
        except WrongOutput as exc:
            self._fill(keys, "ERROR")
            self.notes.append(f"{', '.join(keys)}: wrong output: {exc}")
        except Exception as exc:
            self._fill(keys, "ERROR")
            self.notes.append(f"{', '.join(keys)}: {type(exc).__name__}: {short(str(exc), 200)}")

    def _fill(self, keys: tuple[str, ...], text: CellText) -> None:
        for key in keys:
            if key not in self.values:
                self.values[key] = Measurement(text=text)


class ConcurrencyTracker:
    """Counts calls in flight and remembers the most seen at once (threads or tasks)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.current = 0
        self.peak = 0
        self.calls = 0

    def enter(self) -> None:
        with self._lock:
            self.current += 1
            self.calls += 1
            self.peak = max(self.peak, self.current)

    def exit(self) -> None:
        with self._lock:
            self.current -= 1

    def reset(self) -> None:
        with self._lock:
            self.current = 0
            self.peak = 0
            self.calls = 0


def _run_loops(fn: Callable[[], object], loops: int) -> float:
    start = time.perf_counter()
    for _ in range(loops):
        fn()
    return time.perf_counter() - start


def _summarise(samples: list[float], loops: int) -> Timing:
    per_call = [sample / loops for sample in samples]
    return Timing(statistics.median(per_call), min(per_call), len(per_call), loops)


def time_calls(
    fn: Callable[[], object], *, quick: bool, repeats: int = 7, target: float = 0.2
) -> Timing:
    """Seconds per call of ``fn``: warm up, size a repeat to ~``target`` s, time ``repeats``.

    Calls that take ``target`` or more on their own are timed one per repeat. In quick mode
    ``fn`` runs exactly once.
    """
    if quick:
        elapsed = _run_loops(fn, 1)
        return Timing(elapsed, elapsed, 1, 1)
    loops = 1
    while True:  # warm-up and calibration, as timeit.autorange does
        elapsed = _run_loops(fn, loops)
        if elapsed >= target * 0.5 or loops >= 10_000_000:
            break
        loops = max(loops * 2, int(loops * target / max(elapsed, 1e-9)))
    if elapsed < target:
        loops = max(1, int(loops * target / max(elapsed, 1e-9)))
    return _summarise([_run_loops(fn, loops) for _ in range(repeats)], loops)


def time_once(fn: Callable[[], object], *, quick: bool, repeats: int = 5) -> Timing:
    """Seconds per call of a slow ``fn``: one warm-up call, then ``repeats`` single calls."""
    if quick:
        elapsed = _run_loops(fn, 1)
        return Timing(elapsed, elapsed, 1, 1)
    fn()
    return _summarise([_run_loops(fn, 1) for _ in range(repeats)], 1)


async def _arun_loops(fn: Callable[[], Awaitable[object]], loops: int) -> float:
    start = time.perf_counter()
    for _ in range(loops):
        await fn()
    return time.perf_counter() - start


async def atime_calls(
    fn: Callable[[], Awaitable[object]],
    *,
    quick: bool,
    repeats: int = 7,
    target: float = 0.2,
    slow: bool = False,
) -> Timing:
    """The async twin of :func:`time_calls` (``slow=True``: of :func:`time_once`)."""
    if quick:
        elapsed = await _arun_loops(fn, 1)
        return Timing(elapsed, elapsed, 1, 1)
    loops = 1
    while True:
        elapsed = await _arun_loops(fn, loops)
        if slow or elapsed >= target * 0.5 or loops >= 10_000_000:
            break
        loops = max(loops * 2, int(loops * target / max(elapsed, 1e-9)))
    if not slow and elapsed < target:
        loops = max(1, int(loops * target / max(elapsed, 1e-9)))
    return _summarise([await _arun_loops(fn, loops) for _ in range(repeats)], loops)


def peak_rss_mb() -> float:
    """Peak resident set size of this process so far, in MB (``ru_maxrss``)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    # Linux reports kilobytes, macOS bytes.
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024
