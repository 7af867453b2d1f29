"""The streaming benchmark must not rot: ``--quick`` runs every client once and checks that
each streamed the right answer. Timings are never asserted."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_quick_run_measures_every_client(tmp_path: Path) -> None:
    out = tmp_path / "openai.json"
    proc = subprocess.run(
        [sys.executable, "-m", "benchmarks.openai_stream", "--quick", "--json", str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=110, check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-2000:]
    report = json.loads(out.read_text(encoding="utf-8"))
    assert report["quick"] is True
    assert {"raw httpx + json", "lcel ChatOpenAI"} <= set(report["results"])
    for figures in report["results"].values():
        assert set(figures) == {"chunk", "achunk", "ttft", "attft"}
        assert all(median > 0 for median, _best in figures.values())
    assert set(report["targets"]) == {
        "per chunk ≤ 1.5x raw (stream)", "per chunk ≤ 1.5x raw (astream)",
        "TTFT ≤ raw + 1 ms (stream)", "TTFT ≤ raw + 1 ms (astream)",
    }  # fmt: skip
    assert "| `stream`: per chunk" in proc.stdout
