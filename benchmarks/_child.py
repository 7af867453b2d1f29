"""One workload of one implementation, in a fresh process: ``python -m benchmarks._child``.

Usage: ``python -m benchmarks._child IMPL WORKLOAD OUT [--quick]``. Writes the result as
JSON to ``OUT`` and exits at once (``os._exit``), so threads or half-consumed generators
left behind by an implementation can neither hang the run nor add to its time.
"""

from __future__ import annotations

import importlib
import json
import os
import sys
import time
import traceback

from benchmarks.harness import Recorder, short
from benchmarks.workloads import workload

IMPLS = {
    "plain": ("benchmarks.impl_plain", "PlainImpl"),
    "langchain": ("benchmarks.impl_langchain", "LangchainImpl"),
    "lcel": ("benchmarks.impl_lcel", "LcelImpl"),
}
"""Implementation name → (module, class)."""


def run(impl_name: str, workload_id: str, quick: bool) -> dict[str, object]:
    """Run one workload and return its JSON-ready result."""
    spec = workload(workload_id)
    module_name, class_name = IMPLS[impl_name]
    impl = getattr(importlib.import_module(module_name), class_name)()
    rec = Recorder(spec.figures)
    start = time.perf_counter()
    status = "ok"
    try:
        spec.run(impl, quick, rec)
    except Exception as exc:  # a harness-level failure: report it, never crash the run
        status = "error"
        rec.notes.append(f"{type(exc).__name__}: {short(str(exc), 300)}")
        rec.notes.append(traceback.format_exc(limit=-3))
    if any(m.text == "ERROR" for m in rec.values.values()):
        status = "error"
    return {
        "workload": spec.id,
        "impl": impl_name,
        "status": status,
        "seconds": time.perf_counter() - start,
        "notes": rec.notes,
        "values": {key: m.to_json() for key, m in rec.values.items()},
    }


def main(argv: list[str]) -> None:
    impl_name, workload_id, out = argv[:3]
    result = run(impl_name, workload_id, quick="--quick" in argv[3:])
    with open(out, "w", encoding="utf-8") as file:
        json.dump(result, file)
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


if __name__ == "__main__":
    main(sys.argv[1:])
