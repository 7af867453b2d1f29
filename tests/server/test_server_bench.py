"""The serving benchmark runs (a tiny run against real servers) and reports the goals."""

from __future__ import annotations

import pytest

pytest.importorskip("uvicorn", reason="the serving benchmark needs the server extra")

from benchmarks import serving


def test_a_tiny_run_measures_both_servers() -> None:
    results = serving.run(["bare", "lcel"], rounds=1, per_round=5)
    assert set(results) == {"bare", "lcel"}
    assert results["lcel"]["invoke_median_ms"] > 0
    assert results["lcel"]["stream_chunks_per_s"] > 0
    table = serving.render(results, quick=True)
    assert "| lcel |" in table
    assert "goal ≤ 1.3x" in table


def test_the_report_says_which_goals_are_missed() -> None:
    results = {
        "bare": {"invoke_median_ms": 1.0, "invoke_best_ms": 1.0},
        "lcel": {"invoke_median_ms": 2.0, "invoke_best_ms": 1.5, "stream_chunks_per_s": 10.0},
        "langserve": {"invoke_median_ms": 4.0, "invoke_best_ms": 3.0,
                      "stream_chunks_per_s": 5.0},
    }
    table = serving.render(results, quick=False)
    assert "(median round trip): 2.00x (goal ≤ 1.3x: MISSED)" in table
    assert "(median round trip): 2.00x (goal ≥ 3x lower overhead: MISSED)" in table
    for r in results.values():
        r["server_cpu_us_per_invoke"] = 100.0
    results["langserve"]["server_cpu_us_per_invoke"] = 400.0
    table = serving.render(results, quick=False)
    assert "(server CPU per invoke): 1.00x (goal ≤ 1.3x: met)" in table
    assert "(server CPU per invoke): 4.00x (goal ≥ 3x lower overhead: met)" in table
