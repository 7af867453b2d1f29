"""The local-model benchmark must not rot: ``python -m benchmarks.local_models --quick``
runs both sides of every figure and writes its table. Timings are never asserted."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from _local_extra import needs_local_extra

pytestmark = needs_local_extra

ROOT = Path(__file__).resolve().parent.parent


def test_quick_run_writes_every_figure(tmp_path: Path) -> None:
    table = tmp_path / "LOCAL_RESULTS.md"
    proc = subprocess.run(
        [sys.executable, "-m", "benchmarks.local_models", "--quick", "--markdown", str(table)],
        cwd=ROOT, capture_output=True, text=True, timeout=110, check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-2000:]
    text = table.read_text(encoding="utf-8")
    assert text == proc.stdout
    rows = [line for line in text.splitlines() if line.startswith("| chat") or "per second" in line]
    assert len(rows) == 6, text
    for row in rows:
        cells = [c.strip() for c in row.strip("|").split("|")]
        for figure in cells[1:3]:  # direct, then lcel: median (best)
            match = re.fullmatch(r"([\d,]+\.\d) \(([\d,]+\.\d)\)", figure)
            assert match is not None, row
            assert float(match.group(1).replace(",", "")) > 0, row
        for cost in cells[3:5]:  # from the best runs, from the medians
            assert re.fullmatch(r"\d+\.\d{3}x", cost), row
        assert re.fullmatch(r"≤ \d\.\d+x: (yes|no)", cells[5]), row
    difference = re.search(r"largest difference between any two: (\S+)\)", text)
    assert difference is not None
    assert float(difference.group(1)) < 1e-5  # both sides compute the same vectors
