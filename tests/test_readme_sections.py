"""Every code block of README.md runs: python blocks in order in one
namespace, bash blocks through a shell from a scratch directory holding the examples."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from _local_extra import local_model

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "README.md"
BLOCK = re.compile(r"^```(\w+)\n(.*?)^```$", re.DOTALL | re.MULTILINE)


REQUIRES = re.compile(r"^# requires: lcel\[(\w+)\]\n")
"""A block whose first line is ``# requires: lcel[EXTRA]`` needs that optional extra: it runs
in its own test, skipped when the extra is not installed."""


def blocks(lang: str, extra: str | None = None) -> list[str]:
    """The ``lang`` blocks needing no extra, or those needing ``extra``."""
    found = []
    for kind, body in BLOCK.findall(DOC.read_text()):
        match = REQUIRES.match(body)
        if kind == lang and (match.group(1) if match else None) == extra:
            found.append(body)
    return found


def test_python_blocks_run_in_order(capsys: pytest.CaptureFixture[str]) -> None:
    namespace: dict[str, object] = {"__name__": "readme"}
    for i, code in enumerate(blocks("python")):
        try:
            exec(compile(code, f"{DOC.name}[python block {i + 1}]", "exec"), namespace)
        except Exception as error:
            raise AssertionError(f"python block {i + 1} failed:\n{code}") from error
    out = capsys.readouterr().out
    assert "bear feet" in out
    assert "H|a|r|r|i|s|o|n|" in out
    assert "| Docs |" in out


def run_bash_blocks(tmp_path: Path, extra: str | None = None) -> None:
    (tmp_path / "examples").symlink_to(ROOT / "examples")
    (tmp_path / "pyproject.toml").symlink_to(ROOT / "pyproject.toml")
    bin_dir = Path(sys.executable).parent
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"}
    for i, block in enumerate(blocks("bash", extra)):
        # the set-up commands: skip the venv and install steps (this test runs inside the
        # installed environment) and the check script (it is what runs this test)
        script = "\n".join(
            " && ".join(
                part.replace(".venv/bin/", "")
                for part in line.split(" && ")
                if "pip install" not in part and "-m venv" not in part
            )
            for line in block.splitlines()
            if "scripts/check" not in line
        )
        result = subprocess.run(  # noqa: PLW1510 (the exit status is asserted)
            ["bash", "-euo", "pipefail", "-c", script],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode == 0, f"bash block {i + 1} failed:\n{script}\n{result.stderr}"
        assert "Traceback" not in result.stderr


def test_bash_blocks_run(tmp_path: Path) -> None:
    run_bash_blocks(tmp_path)
    jokes = (tmp_path / "jokes.jsonl").read_text().splitlines()
    assert len(jokes) == 4
    assert (tmp_path / "schemas" / "chain.input.schema.json").exists()


@local_model
def test_blocks_needing_the_local_extra_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    namespace: dict[str, object] = {"__name__": "readme"}
    code_blocks = blocks("python", "local")
    assert code_blocks, "the README shows the local models"
    for i, code in enumerate(code_blocks):
        try:
            exec(compile(code, f"{DOC.name}[local python block {i + 1}]", "exec"), namespace)
        except Exception as error:
            raise AssertionError(f"local python block {i + 1} failed:\n{code}") from error
    assert "Paris" in capsys.readouterr().out
    assert blocks("bash", "local"), "the README shows the local chat example's command"
    run_bash_blocks(tmp_path, "local")
