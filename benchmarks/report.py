"""The report: results table, ratios, the issue's targets checked, the machine, notes.

Cells read ``median (best)``. Ratio columns say how many times *better* lcel is than the
other implementation for that figure (above 1: lcel better; below 1: lcel worse), taking
the figure's direction into account: ``other ÷ lcel`` when lower is better, ``lcel ÷
other`` when higher is better.
"""

from __future__ import annotations

import importlib.metadata
import os
import platform
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import attrs

from benchmarks.harness import FigureSpec, Measurement
from benchmarks.workloads import WORKLOADS

__all__ = ["Report", "RunResult", "machine_info", "render_markdown", "render_terminal"]

IMPL_TITLES = {"plain": "plain Python", "langchain": "langchain-core", "lcel": "lcel"}


@attrs.frozen
class RunResult:
    """One workload of one implementation: status, figures, notes."""

    workload: str
    impl: str
    status: str  # ok | error | timeout | crash | n/a
    seconds: float
    notes: tuple[str, ...]
    values: dict[str, Measurement]

    @classmethod
    def failed(cls, workload: str, impl: str, status: str, note: str, seconds: float) -> RunResult:
        return cls(workload, impl, status, seconds, (note,), {})

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> RunResult:
        return cls(
            workload=data["workload"],
            impl=data["impl"],
            status=data["status"],
            seconds=data["seconds"],
            notes=tuple(data["notes"]),
            values={k: Measurement.from_json(v) for k, v in data["values"].items()},
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "workload": self.workload,
            "impl": self.impl,
            "status": self.status,
            "seconds": self.seconds,
            "notes": list(self.notes),
            "values": {k: m.to_json() for k, m in self.values.items()},
        }

    def cell(self, key: str) -> Measurement:
        """The measurement of ``key``, or a text cell explaining why there is none."""
        if key in self.values:
            return self.values[key]
        if self.status == "timeout":
            return Measurement(text="timeout")
        if self.status == "crash":
            return Measurement(text="ERROR (crash)")
        if self.status == "n/a":
            return Measurement(text="n/a")
        if self.status == "error":
            return Measurement(text="ERROR")
        return Measurement(text="-")


@attrs.frozen
class Report:
    """A whole run."""

    date: str
    command: str
    quick: bool
    impls: tuple[str, ...]
    skipped: dict[str, str]
    machine: dict[str, str]
    results: tuple[RunResult, ...]

    def result(self, workload: str, impl: str) -> RunResult | None:
        for result in self.results:
            if result.workload == workload and result.impl == impl:
                return result
        return None

    def number(self, workload: str, impl: str, key: str) -> Measurement | None:
        """The numeric measurement, or None when absent or a text cell."""
        result = self.result(workload, impl)
        if result is None:
            return None
        cell = result.values.get(key)
        return cell if cell is not None and cell.median is not None else None

    def to_json(self) -> dict[str, Any]:
        return {
            "date": self.date,
            "command": self.command,
            "quick": self.quick,
            "impls": list(self.impls),
            "skipped": self.skipped,
            "machine": self.machine,
            "results": [r.to_json() for r in self.results],
            "targets": [
                {"target": t, "measured": m, "verdict": v} for t, m, v in evaluate_targets(self)
            ],
        }


def _version(dist: str) -> str | None:
    try:
        return importlib.metadata.version(dist)
    except importlib.metadata.PackageNotFoundError:
        return None


def machine_info() -> dict[str, str]:
    """CPU model, cores, Python, OS and the versions compared."""
    cpu = platform.processor() or "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.lower().startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    lcel_version = _version("lcel")
    if lcel_version is None:
        pyproject = Path(__file__).resolve().parent.parent / "pyproject.toml"
        try:
            data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
            lcel_version = f"{data['project']['version']} (source tree)"
        except (OSError, KeyError, tomllib.TOMLDecodeError):
            lcel_version = "unknown"
    try:
        load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        load = "unknown"
    return {
        "cpu": cpu,
        "cores": str(os.cpu_count()),
        "python": f"{platform.python_implementation()} {platform.python_version()}",
        "os": platform.platform(),
        "lcel": lcel_version,
        "langchain-core": _version("langchain-core") or "not installed",
        "numpy": _version("numpy") or "not installed",
        "load average at start (1, 5, 15 min)": load,
    }


# -- formatting ----------------------------------------------------------------------------


def fmt(value: float) -> str:
    """Three significant figures, thousands separated."""
    magnitude = abs(value)
    if magnitude >= 1000:
        return f"{value:,.0f}"
    if magnitude >= 100:
        return f"{value:.0f}"
    if magnitude >= 10:
        return f"{value:.1f}"
    if magnitude >= 1:
        return f"{value:.2f}"
    if magnitude == 0:
        return "0"
    return f"{value:.3g}"


def fmt_cell(spec: FigureSpec, cell: Measurement) -> str:
    if cell.text is not None:
        return cell.text
    if cell.median is None:
        return "-"
    if spec.better is None:
        return f"{cell.median:,.0f}" if cell.median.is_integer() else fmt(cell.median)
    if cell.best is None or cell.repeats <= 1 or fmt(cell.best) == fmt(cell.median):
        return fmt(cell.median)
    return f"{fmt(cell.median)} ({fmt(cell.best)})"


def advantage(spec: FigureSpec, lcel: Measurement, other: Measurement) -> float | None:
    """How many times better lcel is than ``other`` on this figure (None if not comparable)."""
    if spec.better is None or lcel.median is None or other.median is None:
        return None
    if lcel.median <= 0 or other.median <= 0:
        return None
    if spec.better == "lower":
        return other.median / lcel.median
    return lcel.median / other.median


def fmt_ratio(ratio: float | None) -> str:
    return "" if ratio is None else f"{fmt(ratio)}x"


def unit_text(spec: FigureSpec) -> str:
    if spec.better is None:
        return spec.unit
    return f"{spec.unit}, {spec.better} is better".lstrip(", ")


def results_table(report: Report) -> str:
    impls = list(report.impls)
    header = ["", "figure", "unit", *(IMPL_TITLES[i] for i in impls)]
    ratio_against = [i for i in ("plain", "langchain") if i in impls and "lcel" in impls]
    header += [f"lcel vs {IMPL_TITLES[i]}" for i in ratio_against]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for workload in WORKLOADS.values():
        rows = [r for r in report.results if r.workload == workload.id]
        if not rows:
            continue
        for n, spec in enumerate(workload.figures):
            cells = {
                i: (report.result(workload.id, i) or _missing(workload.id, i)).cell(spec.key)
                for i in impls
            }
            if all(c.text == "-" for c in cells.values()):
                continue  # a size not run (quick mode)
            row = [f"**{workload.id}**" if n == 0 else "", spec.label, unit_text(spec)]
            row += [fmt_cell(spec, cells[i]) for i in impls]
            row += [fmt_ratio(advantage(spec, cells["lcel"], cells[i])) for i in ratio_against]
            lines.append("| " + " | ".join(row) + " |")
    return "\n".join(lines)


def _missing(workload: str, impl: str) -> RunResult:
    return RunResult.failed(workload, impl, "n/a", "not run", 0.0)


# -- targets ---------------------------------------------------------------------------------

Verdict = bool | None
TargetRow = tuple[str, str, str]


def _x(value: float) -> str:
    return f"{fmt(value)}x"


def _vs_langchain(
    workload: str, key: str, unit: str, need: float
) -> Callable[[Report], tuple[str, Verdict]]:
    spec = next(f for f in WORKLOADS[workload].figures if f.key == key)

    def check(report: Report) -> tuple[str, Verdict]:
        ours, theirs = (
            report.number(workload, "lcel", key),
            report.number(workload, "langchain", key),
        )
        if ours is None or theirs is None or ours.median is None or theirs.median is None:
            return "not measured", None
        ratio = advantage(spec, ours, theirs)
        if ratio is None:
            return "not comparable", None
        text = f"lcel {fmt(ours.median)} {unit}, langchain-core {fmt(theirs.median)} {unit}"
        return f"{text}: {_x(ratio)}", ratio >= need

    return check


def _at_most(
    workload: str, key: str, limit: float, unit: str = "x"
) -> Callable[[Report], tuple[str, Verdict]]:
    def check(report: Report) -> tuple[str, Verdict]:
        ours = report.number(workload, "lcel", key)
        if ours is None or ours.median is None:
            return "not measured", None
        return f"{fmt(ours.median)}{unit if unit == 'x' else ' ' + unit}", ours.median <= limit

    return check


def _equals(workload: str, key: str, expected: float) -> Callable[[Report], tuple[str, Verdict]]:
    def check(report: Report) -> tuple[str, Verdict]:
        ours = report.number(workload, "lcel", key)
        if ours is None or ours.median is None:
            return "not measured", None
        return f"{ours.median:,.0f}", ours.median == expected

    return check


def _at_least(workload: str, key: str, floor: float) -> Callable[[Report], tuple[str, Verdict]]:
    def check(report: Report) -> tuple[str, Verdict]:
        ours = report.number(workload, "lcel", key)
        if ours is None or ours.median is None:
            return "not measured", None
        return _x(ours.median), ours.median >= floor

    return check


def _all_ok(report: Report) -> tuple[str, Verdict]:
    result = report.result("W10", "lcel")
    if result is None:
        return "not measured", None
    modes = ("invoke", "batch", "stream", "ainvoke", "astream")
    cells = {m: result.cell(m).text for m in modes}
    text = ", ".join(f"{m} {cells[m]}" for m in modes)
    if any(
        c in (None, "-", "n/a", "timeout") or (c or "").startswith("n/a") for c in cells.values()
    ):
        return text, None
    return text, all(c == "ok" for c in cells.values())


TARGETS: tuple[tuple[str, Callable[[Report], tuple[str, Verdict]]], ...] = (
    ("W1 per-step overhead ≥ 50x below langchain-core", _vs_langchain("W1", "per_step", "µs", 50)),
    ("W2 `invoke` ≥ 20x below langchain-core", _vs_langchain("W2", "invoke", "µs", 20)),
    ("W3 wall ≤ 1.10x ideal", _at_most("W3", "ratio", 1.10)),
    ("W3 concurrency exactly 50", _equals("W3", "peak", 50)),
    ("W4 wall ≤ 1.15x ideal", _at_most("W4", "ratio", 1.15)),
    ("W4 concurrency exactly 100", _equals("W4", "peak", 100)),
    ("W5 first-chunk overhead ≤ 0.1 ms (`stream`)", _at_most("W5", "first_chunk", 0.1, "ms")),
    ("W5 first-chunk overhead ≤ 0.1 ms (`astream`)", _at_most("W5", "afirst_chunk", 0.1, "ms")),
    ("W5 `close()` returns at once (≤ 1 ms)", _at_most("W5", "close", 1.0, "ms")),
    ("W5 `aclose()` returns at once (≤ 1 ms)", _at_most("W5", "aclose", 1.0, "ms")),
    (
        "W5 `stream` throughput ≥ 10x langchain-core",
        _vs_langchain("W5", "stream_rate", "chunks/s", 10),
    ),
    (
        "W5 `astream` throughput ≥ 10x langchain-core",
        _vs_langchain("W5", "astream_rate", "chunks/s", 10),
    ),
    (
        "W6 `astream_events` ≥ 10x faster than langchain-core's",
        _vs_langchain("W6", "run", "µs", 10),
    ),
    ("W6 `astream_events` ≤ 3x lcel's own `ainvoke`", _at_most("W6", "vs_ainvoke", 3.0)),
    ("W7 `astream_log` ≥ 10x faster than langchain-core's", _vs_langchain("W7", "run", "µs", 10)),
    ("W7 `astream_log` ≤ 3x lcel's own `ainvoke`", _at_most("W7", "vs_ainvoke", 3.0)),
    ("W8 `invoke` wall ≤ 1.05x ideal", _at_most("W8", "sync", 1.05)),
    ("W8 `ainvoke` wall ≤ 1.05x ideal", _at_most("W8", "async", 1.05)),
    ("W9 throughput at 200k ≥ 0.8x that at 20k", _at_least("W9", "linearity", 0.8)),
    ("W9 peak RSS growth < 20 MB", _at_most("W9", "rss", 20.0, "MB")),
    ("W10 all five modes succeed", _all_ok),
    ("W11 per-step cost flat within 1.5x", _at_most("W11", "seq_spread", 1.5)),
    ("W11 per-item cost flat within 1.5x", _at_most("W11", "batch_spread", 1.5)),
)


def evaluate_targets(report: Report) -> list[TargetRow]:
    """Each target with what lcel measured and ``met`` / ``missed`` / ``not measured``."""
    rows = []
    ran = {result.workload for result in report.results}
    for target, check in TARGETS:
        if target.split()[0] not in ran:
            continue
        measured, verdict = check(report)
        rows.append((target, measured, {True: "met", False: "**missed**", None: "-"}[verdict]))
    return rows


def targets_table(report: Report) -> str:
    lines = ["| target | lcel measured | |", "|---|---|---|"]
    lines += [f"| {t} | {m} | {v} |" for t, m, v in evaluate_targets(report)]
    return "\n".join(lines)


# -- whole documents -------------------------------------------------------------------------


def notes_list(report: Report) -> str:
    lines = []
    for result in report.results:
        for note in result.notes:
            first = note.strip().splitlines()
            if not first or note.lstrip().startswith("Traceback"):
                continue
            lines.append(f"- {result.workload} {IMPL_TITLES[result.impl]}: {first[0]}")
    return "\n".join(lines) if lines else "None."


def render_terminal(report: Report) -> str:
    parts = [results_table(report)]
    if not report.quick and "lcel" in report.impls:
        parts.append(targets_table(report))
    parts.append("Notes:\n" + notes_list(report))
    return "\n\n".join(parts) + "\n"


METHOD = """\
Each workload of each implementation ran in its own fresh Python process, the
implementations taking turns per workload. Each check of the output came first: a wrong
output shows `ERROR`, never a time. Fast calls were warmed up, then timed in repeats of
about 0.2 s each (7 repeats, 5 for the slower figures); slow calls (batches that sleep,
parallels, long streams) one call per repeat. Cells read `median (best)`. The garbage
collector stayed on, as in real use. The ratio columns say how many times better lcel is
than the other implementation on that figure (above 1: lcel is better), whichever way the
figure is better. "plain Python" is the same work written by hand: loops over functions, a
`ThreadPoolExecutor` bounded by `max_concurrency`, an `asyncio.Semaphore`, generators, a
numpy matrix searched with `argpartition` (its W12 embedding is a hand-written hashing
embedding; lcel uses `HashingEmbeddings`, langchain-core `DeterministicFakeEmbedding`, so
the W12 build times include different embeddings: the "embedding alone" row separates
them). W5's fake models differ in one detail: langchain-core's waits the chunk delay before
every chunk, lcel's between chunks; the first-chunk figure subtracts the same model's own
time to first chunk, so it is the chain's overhead either way. Timed calls go through a
small Python closure, which adds the same few tens of nanoseconds to every implementation."""


def render_markdown(report: Report) -> str:
    machine = report.machine
    machine_lines = "\n".join(f"- {k}: {v}" for k, v in machine.items())
    skipped = "".join(f"\n- {IMPL_TITLES[i]}: {why}" for i, why in report.skipped.items())
    title = "# Benchmarks: lcel, langchain-core and plain Python"
    parts = [
        title,
        f"Generated by `{report.command}` on {report.date}"
        + (
            " (**--quick**: tiny sizes, one call each; the times mean nothing)."
            if report.quick
            else "."
        ),
        "## Machine\n\n" + machine_lines,
    ]
    if skipped:
        parts.append("Not measured:" + skipped)
    workloads = "\n".join(
        f"- **{w.id}**: {w.title}"
        for w in WORKLOADS.values()
        if any(r.workload == w.id for r in report.results)
    )
    parts += [
        "## Workloads\n\n" + workloads,
        "## Results\n\n" + results_table(report),
        "## Method\n\n" + METHOD,
    ]
    if "lcel" in report.impls and not report.quick:
        parts.append('## Targets (issue "Benchmarks")\n\n' + targets_table(report))
    parts.append("## Notes\n\n" + notes_list(report))
    return "\n\n".join(parts) + "\n"
