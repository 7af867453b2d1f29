"""Checking a program's marks against what mypy reported for it: a reject program's
``# E: [code]`` lines, an accept program's ``# R:`` (with the plugin) and ``# R1:`` (layer 1
alone, without the plugin) revealed types; both reveal marks may share a line, in any order."""

from __future__ import annotations

import re
from pathlib import Path


def assert_reported(path: Path, found: list[re.Match[str]]) -> None:
    """Every marked line of ``path`` has its error codes in ``found`` (mypy's output lines for
    that file, parsed with ``kind``/``line``/``code`` groups), and no other line has an error."""
    expected = {
        i: re.findall(r"\[([a-z-]+)\]", line.split("# E:", 1)[1])
        for i, line in enumerate(path.read_text().splitlines(), 1)
        if "# E:" in line
    }
    assert expected, f"{path.name} marks no expected error"
    got: dict[int, list[str]] = {}
    for m in found:
        if m["kind"] == "error":
            got.setdefault(int(m["line"]), []).append(m["code"] or "")
    for line, codes in expected.items():
        assert line in got, f"{path.name}:{line}: expected {codes}, mypy reported nothing"
        for code in codes:
            assert code in got[line], f"{path.name}:{line}: expected [{code}], got {got[line]}"
    unexpected = {k: v for k, v in got.items() if k not in expected}
    assert not unexpected, f"{path.name}: unexpected errors {unexpected}"


_REVEAL_MARK = re.compile(r"#\s*(R1?):\s*(.*?)\s*(?=#\s*R1?:|$)")


def expected_reveals(path: Path, mark: str = "R") -> dict[int, str]:
    """The revealed types ``path`` expects, by line: ``mark`` is ``"R"`` (with the plugin) or
    ``"R1"`` (without it)."""
    out: dict[int, str] = {}
    for i, line in enumerate(path.read_text().splitlines(), 1):
        for m in _REVEAL_MARK.finditer(line):
            if m[1] == mark:
                out[i] = m[2]
    return out
