"""The typecheck cases: ``typecheck/pass`` must type-check (with the ``# R:`` revealed types)
and every ``typecheck/fail`` line marked ``# E: [code]`` must be reported, with no other error."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from _mypy_cases import assert_reported, expected_reveals
from mypy import api

ROOT = Path(__file__).resolve().parent.parent
PASS = sorted((ROOT / "typecheck" / "pass").glob("*.py"))
FAIL = sorted((ROOT / "typecheck" / "fail").glob("*.py"))
LINE = re.compile(
    r"^(?P<file>[^:]+):(?P<line>\d+): (?P<kind>error|note): (?P<msg>.*?)(  \[(?P<code>[a-z-]+)\])?$"
)


def _mypy(files: list[Path]) -> list[re.Match[str]]:
    out, err, _status = api.run(
        [
            "--config-file",
            str(ROOT / "pyproject.toml"),
            "--no-error-summary",
            "--show-error-codes",
            "--hide-error-context",
            "--cache-dir",
            str(ROOT / ".mypy_cache" / "typecheck"),
            *[str(f) for f in files],
        ]
    )
    assert not err.strip(), err
    return [m for m in (LINE.match(line) for line in out.splitlines()) if m]


@pytest.fixture(scope="module")
def pass_report() -> list[re.Match[str]]:
    return _mypy(PASS)


@pytest.fixture(scope="module")
def fail_report() -> list[re.Match[str]]:
    return _mypy(FAIL)


def _where(path: Path, report: list[re.Match[str]]) -> list[re.Match[str]]:
    return [m for m in report if Path(m["file"]).resolve() == path]


@pytest.mark.parametrize("path", PASS, ids=lambda p: p.name)
def test_pass_case(path: Path, pass_report: list[re.Match[str]]) -> None:
    found = _where(path, pass_report)
    errors = [m.group(0) for m in found if m["kind"] == "error"]
    assert not errors, "\n".join(errors)
    revealed = {int(m["line"]): m["msg"] for m in found if m["msg"].startswith("Revealed type is")}
    expected = expected_reveals(path)
    for line, want in expected.items():
        got = revealed.get(line, "<nothing revealed>")
        assert got == f'Revealed type is "{want}"', f"{path.name}:{line}: {got}"


@pytest.mark.parametrize("path", FAIL, ids=lambda p: p.name)
def test_fail_case(path: Path, fail_report: list[re.Match[str]]) -> None:
    assert_reported(path, _where(path, fail_report))


def test_there_are_enough_cases() -> None:
    assert len(PASS) + len(FAIL) >= 25
