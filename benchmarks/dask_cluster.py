"""``python -m benchmarks.dask_cluster``: lcel batches on a local Dask cluster vs a local batch.

Two workloads, each run with :class:`lcel.distributed.DaskExecutor` on a 2-worker
``LocalCluster`` (worker processes, one thread each) and with ``Runnable.batch`` in this
process, in the same run:

- **trivial**: 100,000 items of ``x + 1``: the per-item cost of the machinery, end to end
  (submit, run, results back in order). Target: at most 40 µs per item on the cluster.
- **io**: 1,000 items that each wait 10 ms (an I/O call), at ``max_concurrency`` 50: the
  ideal is 1,000 x 10 ms / 50 = 200 ms. Target: at most 1.6x the ideal on the cluster.

Each figure is the best of ``--repeat`` runs after one warm-up batch (the workers import lcel
on their first task). Cluster start-up is reported apart. ``--quick`` uses tiny sizes and
threads in this process (for the test that keeps this script working).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import time
from collections.abc import Callable
from typing import Any

from distributed import Client, LocalCluster

from lcel import RunnableLambda
from lcel.distributed import DaskExecutor

TRIVIAL_TARGET_US = 40.0
IO_TARGET_RATIO = 1.6
IO_WAIT = 0.010
IO_CONCURRENCY = 50


def inc(x: int) -> int:
    return x + 1


def wait_io(x: int) -> int:
    time.sleep(IO_WAIT)
    return x


def _best(run: Callable[[], list[Any]], expected: list[Any], repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        out = run()
        elapsed = time.perf_counter() - start
        if out != expected:
            raise AssertionError("wrong outputs")
        best = min(best, elapsed)
    return best


def measure(client: Client, *, trivial_n: int, io_n: int, repeat: int) -> dict[str, Any]:
    """Both workloads on ``client``'s cluster and locally; seconds and derived figures."""
    executor = DaskExecutor(client)
    trivial, io = RunnableLambda(inc), RunnableLambda(wait_io)
    executor.batch(trivial, list(range(100)))  # warm-up: workers import lcel, unpickle once
    xs = list(range(trivial_n))
    want = [x + 1 for x in xs]
    t_dask = _best(lambda: executor.batch(trivial, xs), want, repeat)
    t_local = _best(lambda: trivial.batch(xs), want, repeat)
    ys = list(range(io_n))
    config: Any = {"max_concurrency": IO_CONCURRENCY}
    io_dask = _best(lambda: executor.batch(io, ys, config), ys, repeat)
    io_local = _best(lambda: io.batch(ys, config), ys, repeat)
    ideal = io_n * IO_WAIT / IO_CONCURRENCY
    return {
        "workers": len(client.nthreads()),
        "trivial": {
            "items": trivial_n,
            "dask_s": t_dask,
            "local_s": t_local,
            "dask_us_per_item": t_dask / trivial_n * 1e6,
            "local_us_per_item": t_local / trivial_n * 1e6,
            "target_us_per_item": TRIVIAL_TARGET_US,
        },
        "io": {
            "items": io_n,
            "ideal_s": ideal,
            "dask_s": io_dask,
            "local_s": io_local,
            "dask_ratio": io_dask / ideal,
            "local_ratio": io_local / ideal,
            "target_ratio": IO_TARGET_RATIO,
        },
    }


def markdown(report: dict[str, Any]) -> str:
    """The figures as a Markdown table."""
    t, io = report["trivial"], report["io"]
    ok_t = "yes" if t["dask_us_per_item"] <= TRIVIAL_TARGET_US else "NO"
    ok_io = "yes" if io["dask_ratio"] <= IO_TARGET_RATIO else "NO"
    return "\n".join(
        [
            f"| workload | Dask ({report['workers']} workers) | local batch | target | met |",
            "| --- | --- | --- | --- | --- |",
            f"| {t['items']:,} trivial items | {t['dask_s']:.2f} s = "
            f"{t['dask_us_per_item']:.1f} µs/item | {t['local_s']:.2f} s = "
            f"{t['local_us_per_item']:.1f} µs/item | ≤ {TRIVIAL_TARGET_US:.0f} µs/item | {ok_t} |",
            f"| {io['items']:,} x 10 ms I/O, concurrency {IO_CONCURRENCY} | "
            f"{io['dask_s'] * 1e3:.0f} ms = {io['dask_ratio']:.2f}x ideal | "
            f"{io['local_s'] * 1e3:.0f} ms = {io['local_ratio']:.2f}x ideal | "
            f"≤ {IO_TARGET_RATIO}x ideal ({io['ideal_s'] * 1e3:.0f} ms) | {ok_io} |",
        ]
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.dask_cluster", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="tiny sizes, in-process workers")
    parser.add_argument("--repeat", type=int, default=3, help="runs per figure (best is kept)")
    parser.add_argument("--json", metavar="PATH", help="also write the figures as JSON")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    with (
        LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=not args.quick,
            dashboard_address=":0",
            silence_logs=logging.ERROR,
        ) as cluster,
        Client(cluster) as client,
    ):
        startup = time.perf_counter() - started
        sizes = (2_000, 100) if args.quick else (100_000, 1_000)
        report = measure(client, trivial_n=sizes[0], io_n=sizes[1], repeat=args.repeat)
    report["cluster_startup_s"] = startup
    report["quick"] = args.quick
    report["load_average"] = os.getloadavg()
    print(markdown(report))
    print(
        f"\ncluster start-up {startup:.1f} s (not counted); load average "
        f"{report['load_average'][0]:.1f} on {os.cpu_count()} cores"
    )
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump(report, f, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
