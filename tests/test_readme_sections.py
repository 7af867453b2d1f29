"""Every code block of README.md works as a newcomer copies it: each python block runs on its
own (its own imports, a fresh namespace) and passes ``mypy --strict`` with the project's mypy
configuration and plugin, except the one block marked as an intentional error, which mypy
rejects with exactly the message the README quotes after it. Bash blocks run through a shell
from a scratch directory holding the examples."""

from __future__ import annotations

import contextlib
import io
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from _local_extra import local_model
from mypy import api

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "README.md"
BLOCK = re.compile(r"^```(\w+)\n(.*?)^```$", re.DOTALL | re.MULTILINE)
INTENTIONAL = "an intentional error"
"""The first line of the (one) python block that mypy must reject says so with these words."""
MYPY_LINE = re.compile(r"^(?P<file>[^:\s]+\.py):(?P<line>\d+): error: (?P<msg>.*)$")


REQUIRES = re.compile(r"^# requires: lcel\[(\w+)\]\n")
"""A block whose first line is ``# requires: lcel[EXTRA]`` needs that optional extra: it runs
in its own test, skipped when the extra is not installed (mypy checks it with the others)."""


def all_blocks() -> list[tuple[str, str]]:
    return [(kind, body) for kind, body in BLOCK.findall(DOC.read_text())]


def blocks(lang: str, extra: str | None = None) -> list[str]:
    """The ``lang`` blocks needing no extra, or those needing ``extra``."""
    found = []
    for kind, body in all_blocks():
        match = REQUIRES.match(body)
        if kind == lang and (match.group(1) if match else None) == extra:
            found.append(body)
    return found


def _is_intentional_error(code: str) -> bool:
    return INTENTIONAL in code.splitlines()[0]


def _quoted_mypy_error(code: str) -> tuple[str, int, str]:
    """The error the README quotes for the intentional-error block: the first ``text`` block
    after it holds ``<file>.py:<line>: error: <message>  [<code>]``."""
    kinds = all_blocks()
    index = next(i for i, (kind, body) in enumerate(kinds) if body == code)
    for kind, body in kinds[index + 1 :]:
        if kind != "text":
            continue
        for line in body.splitlines():
            m = MYPY_LINE.match(line)
            if m:
                return m["file"], int(m["line"]), m["msg"]
    raise AssertionError("the intentional-error block is not followed by the error mypy gives")


def test_exactly_one_python_block_is_an_intentional_error() -> None:
    marked = [code for code in blocks("python") if _is_intentional_error(code)]
    assert len(marked) == 1, [code.splitlines()[0] for code in marked]


@pytest.mark.parametrize("index", range(len(blocks("python"))), ids=lambda i: f"block{i + 1}")
def test_python_block_runs_on_its_own(index: int) -> None:
    """Run in a fresh namespace: a block that uses a name it neither imports nor defines (one
    an earlier block made) fails here."""
    code = blocks("python")[index]
    namespace: dict[str, object] = {"__name__": f"readme_block_{index + 1}"}
    out = io.StringIO()
    try:
        with contextlib.redirect_stdout(out):
            exec(compile(code, f"{DOC.name}[python block {index + 1}]", "exec"), namespace)
    except Exception as error:
        raise AssertionError(f"python block {index + 1} failed on its own:\n{code}") from error


def test_python_blocks_print_what_the_readme_shows() -> None:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        for i, code in enumerate(blocks("python")):
            exec(compile(code, f"{DOC.name}[python block {i + 1}]", "exec"), {"__name__": "rd"})
    printed = out.getvalue()
    assert "bear feet" in printed
    assert "H|a|r|r|i|s|o|n|" in printed
    assert "| Docs |" in printed
    assert "['long', 'short', 'long']" in printed  # Running on a cluster


def test_python_blocks_pass_mypy_strict_with_the_plugin(tmp_path: Path) -> None:
    """One mypy run over every block, each its own module, with the project's configuration
    (``--strict`` and the ``lcel_mypy`` plugin)."""
    files: dict[Path, str] = {}
    for i, code in enumerate(body for kind, body in all_blocks() if kind == "python"):
        path = tmp_path / f"readme_block_{i + 1:02d}.py"
        path.write_text(code)
        files[path] = code
    out, err, _status = api.run(
        [
            "--config-file",
            str(ROOT / "pyproject.toml"),
            "--no-error-summary",
            "--show-error-codes",
            "--hide-error-context",
            "--no-pretty",
            "--cache-dir",
            str(ROOT / ".mypy_cache" / "readme"),
            *[str(p) for p in files],
        ]
    )
    assert not err.strip(), err
    errors: dict[str, list[tuple[int, str]]] = {}
    for line in out.splitlines():
        m = MYPY_LINE.match(line)
        if m:
            errors.setdefault(Path(m["file"]).name, []).append((int(m["line"]), m["msg"]))
    failures: list[str] = []
    for path, code in files.items():
        found = errors.pop(path.name, [])
        if _is_intentional_error(code):
            name, line, message = _quoted_mypy_error(code)
            if found != [(line, message)]:
                failures.append(f"{path.stem} ({name}): README quotes {line}: {message}; {found}")
        elif found:
            failures.append(f"{path.stem} fails mypy --strict: {found}\n{code}")
    assert not failures, "\n\n".join(failures)
    assert not errors, errors
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
def test_blocks_needing_the_local_extra_run(tmp_path: Path) -> None:
    code_blocks = blocks("python", "local")
    assert code_blocks, "the README shows the local models"
    out = io.StringIO()
    for i, code in enumerate(code_blocks):
        namespace: dict[str, object] = {"__name__": f"readme_local_block_{i + 1}"}
        try:
            with contextlib.redirect_stdout(out):
                exec(compile(code, f"{DOC.name}[local python block {i + 1}]", "exec"), namespace)
        except Exception as error:
            raise AssertionError(f"local python block {i + 1} failed:\n{code}") from error
    assert "Paris" in out.getvalue()
    assert blocks("bash", "local"), "the README shows the local chat example's command"
    run_bash_blocks(tmp_path, "local")
