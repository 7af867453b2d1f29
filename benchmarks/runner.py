"""``python -m benchmarks``: run each workload of each implementation in a fresh process.

Implementations take turns per workload (W1 plain, W1 langchain, W1 lcel, W2 plain...), so
a slow drift of the machine touches all of them alike. Each run is a child process with a
timeout; a child that crashes or times out becomes a cell saying so, never a crash here.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from benchmarks.report import Report, RunResult, machine_info, render_markdown, render_terminal
from benchmarks.workloads import WORKLOADS, workload

__all__ = ["main"]

IMPL_ORDER = ("plain", "langchain", "lcel")
ROOT = Path(__file__).resolve().parent.parent


def _parse(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description="Measure lcel, langchain-core and plain Python on the same workloads.",
    )
    parser.add_argument(
        "--impl",
        default=",".join(IMPL_ORDER),
        help="comma-separated implementations (default: %(default)s)",
    )
    parser.add_argument(
        "--workload",
        default=",".join(WORKLOADS),
        help="comma-separated workload ids (default: all)",
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="every workload once with tiny sizes: checks outputs, times nothing",
    )
    parser.add_argument("--json", metavar="OUT", help="write the results as JSON")
    parser.add_argument(
        "--markdown",
        metavar="OUT",
        help="write the report as Markdown (e.g. benchmarks/RESULTS.md)",
    )
    parser.add_argument(
        "--timeout",
        type=float,
        default=None,
        help="seconds per child process (default: 600, or 60 with --quick)",
    )
    parser.add_argument(
        "--jobs", type=int, default=1, help="children run at once; keep 1 when timing (default: 1)"
    )
    return parser.parse_args(argv)


def importable(module: str) -> bool:
    """Whether ``module`` can be found (without importing it here)."""
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):
        return False


def _split(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


def _reproducible(args: argparse.Namespace) -> list[str]:
    """The options that shaped the run (not where its outputs went), for the report."""
    parts = []
    if args.impl != ",".join(IMPL_ORDER):
        parts += ["--impl", args.impl]
    if args.workload != ",".join(WORKLOADS):
        parts += ["--workload", args.workload]
    if args.quick:
        parts.append("--quick")
    return parts


def run_child(impl: str, workload_id: str, *, quick: bool, timeout: float) -> RunResult:
    """Run one workload of one implementation in a fresh interpreter."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    env.setdefault("PYTHONHASHSEED", "0")
    with tempfile.TemporaryDirectory(prefix="lcel-bench-") as tmp:
        out = Path(tmp) / "result.json"
        command = [sys.executable, "-m", "benchmarks._child", impl, workload_id, str(out)]
        if quick:
            command.append("--quick")
        start = time.perf_counter()
        try:
            proc = subprocess.run(
                command,
                cwd=ROOT,
                env=env,
                capture_output=True,
                text=True,
                timeout=timeout,
                check=False,
            )
        except subprocess.TimeoutExpired:
            return RunResult.failed(
                workload_id,
                impl,
                "timeout",
                f"no result within {timeout:.0f} s",
                time.perf_counter() - start,
            )
        if proc.returncode != 0 or not out.exists():
            tail = (proc.stderr or proc.stdout).strip().splitlines()[-5:]
            return RunResult.failed(
                workload_id,
                impl,
                "crash",
                f"exit code {proc.returncode}: " + " | ".join(tail),
                time.perf_counter() - start,
            )
        return RunResult.from_json(json.loads(out.read_text(encoding="utf-8")))


def main(argv: Sequence[str] | None = None) -> int:
    args = _parse(argv)
    impls = _split(args.impl)
    unknown = [name for name in impls if name not in IMPL_ORDER]
    if unknown:
        print(
            f"unknown implementation(s): {', '.join(unknown)}; known: {', '.join(IMPL_ORDER)}",
            file=sys.stderr,
        )
        return 2
    impls = [name for name in IMPL_ORDER if name in impls]
    try:
        workloads = [workload(w).id for w in _split(args.workload)]
    except ValueError as exc:
        print(exc, file=sys.stderr)
        return 2
    if args.jobs > 1 and not args.quick:
        print(
            "note: --jobs > 1 runs children side by side: the timings disturb each other",
            file=sys.stderr,
        )
    timeout = args.timeout or (60.0 if args.quick else 600.0)

    skipped: dict[str, str] = {}
    if "langchain" in impls and not importable("langchain_core"):
        skipped["langchain"] = "langchain-core not installed (pip install 'lcel[bench]')"
        print(f"note: {skipped['langchain']}; measuring the rest", file=sys.stderr)
    if "lcel" in impls and not importable("lcel"):
        skipped["lcel"] = "lcel not importable"
        print(f"note: {skipped['lcel']}; measuring the rest", file=sys.stderr)

    jobs = [(w, i) for w in workloads for i in impls]

    def one(job: tuple[str, str]) -> RunResult:
        workload_id, impl = job
        if impl in skipped:
            return RunResult.failed(workload_id, impl, "n/a", skipped[impl], 0.0)
        result = run_child(impl, workload_id, quick=args.quick, timeout=timeout)
        print(
            f"{workload_id:>4} {impl:<10} {result.status:<8} {result.seconds:7.1f} s",
            file=sys.stderr,
            flush=True,
        )
        return result

    started = dt.datetime.now(dt.UTC)
    if args.jobs > 1:
        with ThreadPoolExecutor(max_workers=args.jobs) as pool:
            results = list(pool.map(one, jobs))
    else:
        results = [one(job) for job in jobs]

    command = "python -m benchmarks " + " ".join(_reproducible(args))
    report = Report(
        date=started.strftime("%Y-%m-%d %H:%M UTC"),
        command=command.strip(),
        quick=args.quick,
        impls=tuple(impls),
        skipped=skipped,
        machine=machine_info(),
        results=tuple(results),
    )
    print(render_terminal(report))
    if args.json:
        Path(args.json).write_text(json.dumps(report.to_json(), indent=2) + "\n", encoding="utf-8")
    if args.markdown:
        Path(args.markdown).write_text(render_markdown(report), encoding="utf-8")
    return 0
