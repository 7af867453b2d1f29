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
    rows = [line for line in text.splitlines() if line.startswith(("| chat", "| embed"))]
    assert len(rows) == 4, text
    for row in rows:
        cells = [c.strip() for c in row.strip("|").split("|")]
        for figure in (cells[1], cells[2], cells[4], cells[5]):  # direct, lcel; CPU, wall
            assert float(figure.replace(",", "")) > 0, row
        assert re.fullmatch(r"\*\*\d+\.\d{3}x\*\*", cells[3]), row  # the cost, CPU
        assert re.fullmatch(r"\d+\.\d{3}x", cells[6]), row  # the cost, wall
        assert re.fullmatch(r"≤ \d\.\d+x: (met|missed)", cells[7]), row
    difference = re.search(r"between the vectors of any two: (\S+)\.$", text, re.MULTILINE)
    assert difference is not None
    assert float(difference.group(1)) < 1e-5  # every side computes the same vectors
