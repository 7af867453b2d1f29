"""Checking a reject program's ``# E: [code]`` marks against what mypy reported for it."""

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
