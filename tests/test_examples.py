"""Every example in examples/ runs offline and prints what it promises."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"


def run_example(name: str) -> str:
    result = subprocess.run(  # noqa: PLW1510 (the exit status is asserted)
        [sys.executable, str(EXAMPLES / name)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    return result.stdout


def test_joke() -> None:
    out = run_example("joke.py")
    assert "== invoke\nWhy don't bears wear shoes?" in out
    assert "W|h|y|" in out  # streamed one character per chunk
    assert "== batch (max_concurrency=5)" in out
    assert "Too many cheetahs!" in out
    assert "'title': 'PromptInput'" in out


def test_parallel_runs_branches_concurrently() -> None:
    out = run_example("parallel.py")
    assert "joke: Why don't bears wear shoes?" in out
    assert "poem: In forest's embrace" in out
    assert "batch keys: [['joke', 'poem'], ['joke', 'poem']]" in out
    assert "PARALLEL_FASTER" in out
    match = re.search(r"parallel: (\d+) ms vs (\d+) ms", out)
    assert match is not None
    assert int(match.group(1)) < int(match.group(2))
    assert "{'joke': 'W'}" in out


def test_retrieval_events_log_and_graph() -> None:
    out = run_example("retrieval.py")
    assert "== invoke\nHarrison worked at Kensho." in out
    assert "Retrieved the following documents:" in out
    assert "harrison worked at kensho" in out
    assert "Streaming LLM:\nH|a|r|r|i|s|o|n|" in out
    assert "Done streaming LLM." in out
    assert "RunLogPatch({'op': 'replace'," in out
    assert "'path': '/logs/Docs'" in out
    assert "final_output: 'Harrison worked at Kensho.'" in out
    assert "logs: ['Docs']" in out
    assert "| Docs |" in out
    assert "| my_llm |" in out


def test_tool() -> None:
    out = run_example("tool.py")
    assert "name: some_tool" in out
    assert "invoke: {'x': 1, 'y': '2'}" in out
    assert "in a chain: 42" in out
    assert "rejected: tool 'multiply': invalid argument 'a'" in out
    assert "on_tool_start some_tool" in out
    assert "on_tool_end some_tool" in out


def test_typed_pipeline_runs() -> None:
    out = run_example("typed_pipeline.py")
    assert "counter: 4" in out
    assert "report: 4 words" in out
    assert "joke: Why don't bears wear shoes?" in out


def _mypy(*paths: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: PLW1510 (the exit status is asserted)
        [sys.executable, "-m", "mypy", "--strict", "--config-file", "pyproject.toml", *paths],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.mark.timeout(600)
def test_typed_pipeline_mypy_accepts_it_and_rejects_what_it_quotes(tmp_path: Path) -> None:
    ok = _mypy("examples/typed_pipeline.py")
    assert ok.returncode == 0, ok.stdout
    bad = tmp_path / "typed_pipeline_bad.py"
    bad.write_text(
        "from lcel import Runnable, RunnableLambda\n"
        "from typed_pipeline import counter, joke_chain, shout\n"
        "shouter: Runnable[str, str] = RunnableLambda(shout)\n"
        "bad = counter | shouter\n"
        "also_bad = counter.pipe(shouter)\n"
        'n: int = joke_chain.invoke({"topic": "bears"})\n'
    )
    result = subprocess.run(  # noqa: PLW1510 (the exit status is asserted)
        [sys.executable, "-m", "mypy", "--strict", "--config-file", "pyproject.toml", str(bad)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "MYPYPATH": f"stubs{os.pathsep}{EXAMPLES}"},
    )
    assert result.returncode == 1
    doc = (EXAMPLES / "typed_pipeline.py").read_text()
    quoted = [line.strip() for line in doc.splitlines() if line.strip().startswith("error: ")]
    assert len(quoted) == 3
    for line in quoted:
        assert line in result.stdout, result.stdout


def test_schema_export() -> None:
    out = run_example("schema_export.py")
    assert '"title": "PromptInput"' in out
    assert "valid" in out
    assert "'topic' is a required property" in out
    assert "write: exit 0" in out
    assert "chain.input.schema.json" in out
    assert "check, unchanged: exit 0" in out
    assert "check, after an edit: exit 1" in out


def test_quickstart() -> None:
    out = run_example("quickstart.py")
    assert "invoke: {'double': 4, 'same': 2}" in out
    assert "batch: [{'double': 4, 'same': 2}, {'double': 6, 'same': 3}, {'double': 8, 's" in out
    stream_line = next(line for line in out.splitlines() if line.startswith("stream: "))
    assert "{'same': 6}" in stream_line
    assert "{'double': 12}" in stream_line
    assert "ainvoke: {'double': 22, 'same': 11}" in out


def test_every_example_has_a_test() -> None:
    """Each example is run by some test: its file name appears in a test module's code."""
    tests_dir = Path(__file__).parent
    this_test = re.compile(r"def test_every_example_has_a_test.*?(?=^def |\Z)", re.S | re.M)
    sources = "\n".join(
        this_test.sub("", p.read_text(encoding="utf-8")) for p in tests_dir.rglob("test_*.py")
    )
    untested = sorted(p.name for p in EXAMPLES.glob("*.py") if p.name not in sources)
    assert not untested, f"examples that no test runs: {untested}"


def test_indexing_splits_the_shipped_text_and_retrieves_from_it() -> None:
    out = run_example("indexing.py")
    match = re.search(r"bears.txt: (\d+) characters -> (\d+) chunks", out)
    assert match is not None
    assert int(match.group(2)) > 3
    longest = re.search(r"longest chunk: (\d+) characters", out)
    assert longest is not None
    assert int(longest.group(1)) <= 300
    assert "first chunk metadata: {'source': 'bears.txt', 'start_index': 0}" in out
    retrieved = out.split("== retrieved for:")[1].split("== answer")[0]
    assert "The giant panda eats almost nothing but bamboo" in retrieved.splitlines()[1]
    assert "Almost nothing but bamboo" in out.split("== answer")[1]


def test_chat_memory_history_cache_listeners_and_tool() -> None:
    out = run_example("chat_memory.py")
    assert "== invoke\n  [turn done in" in out
    assert "Mostly in spring, after their sleep. (36 chunks)" in out
    stored = out.split("== stored in SQLite")[1].split("==")[0].strip().splitlines()
    assert [line.strip() for line in stored] == [
        "human: What do bears eat?",
        "ai: Bears eat berries, fish and honey.",
        "human: When?",
        "ai: Mostly in spring, after their sleep.",
    ]
    cached = out.split("(answered from the cache)")[1]
    assert "Bears eat berries" in cached.split("cache entries")[0]
    assert "third answer" not in out
    assert "cache entries: 2" in out
    assert "MissingConfigurableError: RunnableWithMessageHistory needs config" in out
    assert "arguments: ['animal', 'question']" in out
