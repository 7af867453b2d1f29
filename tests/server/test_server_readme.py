"""The README's "Serving" lines, run for real: the `lcel serve` line, then the Python call."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("uvicorn", reason="lcel serve needs the server extra")

ROOT = Path(__file__).resolve().parents[2]


def test_the_serving_section_starts_a_server_and_calls_it(
    capsys: pytest.CaptureFixture[str],
) -> None:
    section = (ROOT / "README.md").read_text().split("## Serving", 1)[1].split("\n## ", 1)[0]
    blocks = dict(re.findall(r"^```(\w+)\n(.*?)^```$", section, re.DOTALL | re.MULTILINE))
    command = blocks["sh"].strip()
    assert command.startswith("lcel serve ")
    args = command.split()[2:]
    proc = subprocess.Popen(
        [sys.executable, "-m", "lcel.cli", "serve", *args, "--port", "0", "--log-level", "warning"],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        assert proc.stdout is not None
        url = proc.stdout.readline().split()[-1]
        assert url.startswith("http://127.0.0.1:")
        code = blocks["py"].replace("http://127.0.0.1:8000", url)
        exec(compile(code, "README.md[Serving]", "exec"), {"__name__": "readme"})
    finally:
        proc.terminate()
        proc.wait(20)
    assert "bear feet" in capsys.readouterr().out
