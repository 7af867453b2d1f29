"""lcel's benchmarks: lcel, langchain-core and plain Python on the same workloads.

Run ``python -m benchmarks --help``. The workloads (W1-W12) are in
:mod:`benchmarks.workloads`, the implementations in ``benchmarks.impl_*``, the timers in
:mod:`benchmarks.harness`, the child process in :mod:`benchmarks._child`, the report in
:mod:`benchmarks.report`; ``benchmarks/RESULTS.md`` holds the latest full run.
"""

__all__: list[str] = []
