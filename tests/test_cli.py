"""The ``lcel`` command: run, batch, schema, graph, help and errors."""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import jsonpatch
import pytest

from lcel import __version__
from lcel.cli import _Progress, main

ROOT = Path(__file__).resolve().parent.parent
JOKE = f"{ROOT / 'examples' / 'joke.py'}:chain"
RETRIEVAL = f"{ROOT / 'examples' / 'retrieval.py'}:chain"

TARGETS = """
import time
from typing import TypedDict

from lcel import RunnableLambda
from lcel.models import FakeListChatModel
from lcel.prompts import ChatPromptTemplate


class Point(TypedDict):
    x: int
    y: int


def add(p: Point) -> int:
    return p["x"] + p["y"]


def fail(p: Point) -> int:
    if p["x"] < 0:
        raise ValueError(f"negative x: {p['x']}")
    return p["x"]


def slow(p: Point) -> int:
    time.sleep(0.01)
    return p["x"] * 10


def fail_or_sleep(p: Point) -> int:
    if p["x"] < 0:
        raise ValueError(f"negative x: {p['x']}")
    time.sleep(0.3)
    return p["x"]


def shout(text: str) -> str:
    raise ValueError("cannot shout " + text)


def as_dict(p: Point) -> dict[str, object]:
    return {"sum": p["x"] + p["y"], "items": [p["x"], p["y"]]}


adder = RunnableLambda(add)
failing = RunnableLambda(fail)
slow_chain = RunnableLambda(slow)
fail_or_slow = RunnableLambda(fail_or_sleep)
shouting = RunnableLambda(shout)
to_dict = RunnableLambda(as_dict)
messages = ChatPromptTemplate.from_template("hi {name}") | FakeListChatModel(responses=["hello"])
slow_stream = FakeListChatModel(responses=["abcdefgh"], chunk_delay=0.15)
not_runnable = 42
"""


@pytest.fixture
def targets(tmp_path: Path) -> Path:
    path = tmp_path / "cli_targets.py"
    path.write_text(TARGETS)
    return path


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


# -- help and version ----------------------------------------------------------------------


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--version")
    assert code == 0
    assert out.strip() == f"lcel {__version__}"


def test_help_lists_every_command(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--help")
    assert code == 0
    for command in ("run", "batch", "schema", "graph"):
        assert command in out


@pytest.mark.parametrize("command", ["run", "batch", "graph", "schema"])
def test_subcommand_help(capsys: pytest.CaptureFixture[str], command: str) -> None:
    code, out, _ = run(capsys, command, "--help")
    assert code == 0
    assert "TARGET" in out


def test_no_command_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys)
    assert code == 2
    assert "usage" in err


def test_bad_flag_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "run", JOKE, "--nope")
    assert code == 2
    assert "unrecognized arguments: --nope" in err


# -- run -------------------------------------------------------------------------------------


def test_run_joke(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "run", JOKE, "--input", '{"topic": "bears"}')
    assert (code, err) == (0, "")
    assert "bear" in out


def test_run_stream_prints_the_text(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "run", JOKE, "--input", '{"topic": "bears"}', "--stream")
    assert code == 0
    assert out.endswith("\n")
    assert "Why don't" in out


def test_run_stream_of_messages_prints_content(
    capsys: pytest.CaptureFixture[str], targets: Path
) -> None:
    code, out, _ = run(capsys, "run", f"{targets}:messages", "-i", '{"name": "x"}', "--stream")
    assert code == 0
    assert out == "hello\n"


def test_run_stream_flushes_each_chunk(targets: Path) -> None:
    """The first chunk reaches the reader long before the run ends."""
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "lcel.cli",
            "run",
            f"{targets}:slow_stream",
            "-i",
            '"hi"',
            "--stream",
        ],
        stdout=subprocess.PIPE,
        cwd=ROOT,
    )
    assert proc.stdout is not None
    start = time.monotonic()
    first = proc.stdout.read(1)
    first_at = time.monotonic() - start
    rest = proc.stdout.read()
    total = time.monotonic() - start
    assert proc.wait(timeout=30) == 0
    assert (first + rest).decode() == "abcdefgh\n"
    assert total - first_at > 0.5  # seven more chunks, 0.15 s apart, came after the first


def test_run_non_text_output_is_json(capsys: pytest.CaptureFixture[str], targets: Path) -> None:
    code, out, _ = run(capsys, "run", f"{targets}:to_dict", "--input", '{"x": 1, "y": 2}')
    assert code == 0
    assert json.loads(out) == {"sum": 3, "items": [1, 2]}
    code, out, _ = run(capsys, "run", f"{targets}:messages", "--input", '{"name": "x"}')
    assert code == 0
    message = json.loads(out)
    assert message["content"] == "hello"
    assert message["type"] == "ai"


def test_run_int_output(capsys: pytest.CaptureFixture[str], targets: Path) -> None:
    code, out, _ = run(capsys, "run", f"{targets}:adder", "--input", '{"x": 1, "y": 2}')
    assert (code, out) == (0, "3\n")


def test_run_plain_text_input_for_a_string_runnable(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "run", RETRIEVAL, "--input-text", "where did harrison work?")
    assert code == 0
    assert "Kensho" in out
    code, out, _ = run(capsys, "run", RETRIEVAL, "--input", '"where did harrison work?"')
    assert code == 0
    assert "Kensho" in out


@pytest.mark.parametrize("text", ['{"a": 1', "where did harrison work?", "[1, 2"])
def test_run_input_that_is_not_json_is_an_error_even_for_a_string_runnable(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, text: str
) -> None:
    target = tmp_path / "echo_target.py"
    target.write_text(
        "from lcel import RunnableLambda\n"
        "def echo(s: str) -> str:\n"
        "    return 'ran: ' + s\n"
        "echo = RunnableLambda(echo)\n"
    )
    code, out, err = run(capsys, "run", f"{target}:echo", "--input", text)
    assert (code, out) == (2, "")
    assert "--input is not valid JSON" in err
    assert "--input-text" in err  # says how to pass raw text
    assert err.count("\n") == 1
    code, out, _ = run(capsys, "run", f"{target}:echo", "--input-text", text)
    assert (code, out) == (0, f"ran: {text}\n")
    code, _, err = run(capsys, "run", f"{target}:echo", "--input-text", text, "-i", '"x"')
    assert code == 2
    assert "give the input once" in err


def test_run_input_file_and_stdin(
    capsys: pytest.CaptureFixture[str],
    targets: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    f = tmp_path / "in.json"
    f.write_text('{"x": 4, "y": 5}')
    assert run(capsys, "run", f"{targets}:adder", "--input-file", str(f))[:2] == (0, "9\n")
    monkeypatch.setattr(sys, "stdin", io.StringIO('{"x": 1, "y": 1}'))
    assert run(capsys, "run", f"{targets}:adder", "-")[:2] == (0, "2\n")
    monkeypatch.setattr(sys, "stdin", io.StringIO('{"x": 2, "y": 1}'))
    assert run(capsys, "run", f"{targets}:adder", "--input-file", "-")[:2] == (0, "3\n")


def test_run_needs_exactly_one_input(capsys: pytest.CaptureFixture[str], targets: Path) -> None:
    code, _, err = run(capsys, "run", f"{targets}:adder")
    assert code == 2
    assert "no input" in err
    code, _, err = run(capsys, "run", f"{targets}:adder", "-i", "{}", "-")
    assert code == 2
    assert "once" in err


def test_invalid_input_names_the_field(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "run", JOKE, "--input", '{"topc": "bears"}')
    assert code == 2
    assert out == ""
    assert "'topic'" in err
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1


def test_invalid_input_type(capsys: pytest.CaptureFixture[str], targets: Path) -> None:
    code, _, err = run(capsys, "run", f"{targets}:adder", "--input", '{"x": "1", "y": 2}')
    assert code == 2
    assert "field 'x'" in err
    assert "not of type 'integer'" in err


def test_input_that_is_not_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "run", JOKE, "--input", "{topic: bears}")
    assert code == 2
    assert "not valid JSON" in err


@pytest.mark.parametrize(
    ("target", "message"),
    [
        ("no_colon", "must look like"),
        ("does/not/exist.py:chain", "no such file"),
        ("lcel_no_such_module_xyz:chain", "cannot import 'lcel_no_such_module_xyz'"),
        ("{targets}:missing", "has no attribute 'missing'"),
        ("{targets}:not_runnable", "is a int, not an lcel Runnable"),
    ],
)
def test_bad_targets_are_one_line_errors(
    capsys: pytest.CaptureFixture[str], targets: Path, target: str, message: str
) -> None:
    code, out, err = run(capsys, "run", target.format(targets=targets), "--input", "{}")
    assert code == 2
    assert out == ""
    assert message in err
    assert len(err.strip().splitlines()) == 1


def test_module_that_fails_to_import(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    bad = tmp_path / "broken_target.py"
    bad.write_text("raise RuntimeError('broken on purpose')\n")
    code, _, err = run(capsys, "graph", f"{bad}:chain")
    assert code == 2
    assert "RuntimeError: broken on purpose" in err
    assert "Traceback" not in err


def test_module_target(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pkg = tmp_path / "clipkg_mod"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "chains.py").write_text(TARGETS)
    monkeypatch.chdir(tmp_path)
    monkeypatch.syspath_prepend(str(tmp_path))
    code, out, _ = run(capsys, "run", "clipkg_mod.chains:adder", "--input", '{"x": 2, "y": 3}')
    assert (code, out) == (0, "5\n")


def test_run_failure_exits_1_with_one_line(
    capsys: pytest.CaptureFixture[str], targets: Path
) -> None:
    code, _, err = run(capsys, "run", f"{targets}:failing", "--input", '{"x": -1, "y": 0}')
    assert code == 1
    assert err.strip() == "lcel run: failed: ValueError: negative x: -1"
    code, _, err = run(
        capsys, "--traceback", "run", f"{targets}:failing", "--input", '{"x": -1, "y": 0}'
    )
    assert code == 1
    assert "Traceback" in err


def test_run_events(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        capsys,
        "run",
        JOKE,
        "--input",
        '{"topic": "bears"}',
        "--events",
        "--config",
        '{"tags": ["from-cli"]}',
    )
    assert code == 0
    events = [json.loads(line) for line in out.splitlines()]
    assert events[0]["event"] == "on_chain_start"
    assert events[-1]["event"] == "on_chain_end"
    assert "from-cli" in events[0]["tags"]
    kinds = {e["event"] for e in events}
    assert {"on_prompt_start", "on_chat_model_stream", "on_parser_end"} <= kinds


def test_run_events_filtered(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        capsys,
        "run",
        RETRIEVAL,
        "-i",
        '"where did harrison work?"',
        "--events",
        "--include-names",
        "Docs",
        "--events-version",
        "v1",
    )
    assert code == 0
    events = [json.loads(line) for line in out.splitlines()]
    assert [e["event"] for e in events] == ["on_retriever_start", "on_retriever_end"]
    assert "kensho" in json.dumps(events[-1]["data"]["output"])


def test_run_log_patches_rebuild_the_state(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "run", JOKE, "--input", '{"topic": "bears"}', "--log")
    assert code == 0
    state: Any = None
    for line in out.splitlines():
        ops = json.loads(line)
        assert isinstance(ops, list)
        state = jsonpatch.apply_patch(state, ops)
    assert state["final_output"].startswith("Why don't")
    assert "ChatPromptTemplate" in state["logs"]


def test_only_one_output_mode(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, _ = run(capsys, "run", JOKE, "-i", '{"topic": "x"}', "--stream", "--log")
    assert code == 2


# -- graph and schema ------------------------------------------------------------------------


def test_graph_formats(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "graph", RETRIEVAL)
    assert code == 0
    assert "| Docs |" in out
    assert "| my_llm |" in out
    code, out, _ = run(capsys, "graph", RETRIEVAL, "--format", "mermaid")
    assert out.startswith("flowchart TD\n")
    code, out, _ = run(capsys, "graph", RETRIEVAL, "--format", "json")
    data = json.loads(out)
    assert [n["name"] for n in data["nodes"]][1:3] == ["Docs", "RunnablePassthrough"]
    code, out, _ = run(capsys, "graph", RETRIEVAL, "--format", "unicode")
    assert "┌" in out


def test_schema_delegates_to_codegen(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    out_dir = tmp_path / "schemas"
    code, _, _ = run(capsys, "schema", JOKE, "--out", str(out_dir))
    assert code == 0
    schema = json.loads((out_dir / "chain.input.schema.json").read_text())
    assert schema["title"] == "PromptInput"
    assert run(capsys, "schema", JOKE, "--out", str(out_dir), "--check")[0] == 0
    (out_dir / "chain.input.schema.json").write_text("{}\n")
    assert run(capsys, "schema", JOKE, "--out", str(out_dir), "--check")[0] == 1
    code, _, err = run(capsys, "schema", "nowhere/x.py:chain", "--out", str(out_dir))
    assert code == 2
    assert len(err.strip().splitlines()) == 1


# -- batch -----------------------------------------------------------------------------------


def records(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def by_line(path: Path) -> dict[int, dict[str, Any]]:
    return {r["line"]: r for r in records(path)}


def test_batch_writes_one_record_per_line(
    capsys: pytest.CaptureFixture[str], targets: Path, tmp_path: Path
) -> None:
    inp = tmp_path / "in.jsonl"
    inp.write_text('{"x": 1, "y": 2}\n{not json\n\n{"x": 5, "y": 5}\n{"x": "bad", "y": 1}\n')
    out = tmp_path / "out.jsonl"
    code, stdout, err = run(capsys, "batch", f"{targets}:adder", str(inp), "-o", str(out))
    assert code == 1  # some lines failed
    assert stdout == ""
    got = by_line(out)
    assert sorted(got) == [1, 2, 4, 5]
    assert got[1] == {"line": 1, "output": 3}
    assert got[4] == {"line": 4, "output": 10}
    assert got[2]["error"]["type"] == "JSONDecodeError"
    assert got[5]["error"]["type"] == "InputValidationError"
    assert "'x'" in got[5]["error"]["message"]
    assert "2 ok, 2 failed" in err


def test_batch_runtime_errors_do_not_stop_others(
    capsys: pytest.CaptureFixture[str], targets: Path, tmp_path: Path
) -> None:
    inp = tmp_path / "in.jsonl"
    inp.write_text("".join(json.dumps({"x": x, "y": 0}) + "\n" for x in (1, -2, 3)))
    out = tmp_path / "out.jsonl"
    code, _, _ = run(
        capsys, "batch", f"{targets}:failing", str(inp), "-o", str(out), "--max-concurrency", "2"
    )
    assert code == 1
    got = by_line(out)
    assert got[1]["output"] == 1
    assert got[2]["error"] == {"type": "ValueError", "message": "negative x: -2"}
    assert got[3]["output"] == 3


def test_batch_all_ok_exit_0_and_json_outputs(
    capsys: pytest.CaptureFixture[str], targets: Path, tmp_path: Path
) -> None:
    inp = tmp_path / "in.jsonl"
    inp.write_text('{"name": "a"}\n{"name": "b"}\n')
    out = tmp_path / "out.jsonl"
    code, _, err = run(capsys, "batch", f"{targets}:messages", str(inp), "-o", str(out))
    assert code == 0
    assert all(r["output"]["content"] == "hello" for r in records(out))
    assert "lcel batch:" in err  # plain progress lines when stderr is not a terminal


def test_batch_fail_fast(capsys: pytest.CaptureFixture[str], targets: Path, tmp_path: Path) -> None:
    inp = tmp_path / "in.jsonl"
    inp.write_text("".join(json.dumps({"x": -x, "y": 0}) + "\n" for x in range(1, 200)))
    out = tmp_path / "out.jsonl"
    code, _, err = run(
        capsys,
        "batch",
        f"{targets}:failing",
        str(inp),
        "-o",
        str(out),
        "--fail-fast",
        "--max-concurrency",
        "1",
    )
    assert code == 1
    assert "stopping (--fail-fast)" in err
    assert len(records(out)) < 10


def test_batch_resume_skips_done_lines_and_repairs_a_truncated_one(
    capsys: pytest.CaptureFixture[str], targets: Path, tmp_path: Path
) -> None:
    inp = tmp_path / "in.jsonl"
    inp.write_text("".join(json.dumps({"x": x, "y": 1}) + "\n" for x in range(1, 6)))
    out = tmp_path / "out.jsonl"
    # lines 1 and 3 done with a sentinel output (so a re-run would show), line 4 cut short
    out.write_text('{"line": 1, "output": -1}\n{"line": 3, "output": -3}\n{"line": 4, "outp')
    code, _, err = run(capsys, "batch", f"{targets}:adder", str(inp), "-o", str(out), "--resume")
    assert code == 0
    assert "2 line(s) already done" in err
    text = out.read_text()
    assert text.endswith("\n")
    got = by_line(out)
    assert sorted(got) == [1, 2, 3, 4, 5]
    assert len(records(out)) == 5
    assert (got[1]["output"], got[3]["output"]) == (-1, -3)  # kept, not re-run
    assert (got[2]["output"], got[4]["output"], got[5]["output"]) == (3, 5, 6)


def test_batch_refuses_an_output_holding_results(
    capsys: pytest.CaptureFixture[str], targets: Path, tmp_path: Path
) -> None:
    inp = tmp_path / "in.jsonl"
    inp.write_text('{"x": 1, "y": 1}\n')
    out = tmp_path / "out.jsonl"
    finished = '{"line": 1, "output": -1}\n{"line": 2, "output": -2}\n'
    out.write_text(finished)
    code, stdout, err = run(capsys, "batch", f"{targets}:adder", str(inp), "-o", str(out))
    assert (code, stdout) == (2, "")
    assert err.count("\n") == 1
    assert "output exists; use --resume or --overwrite" in err
    assert out.read_text() == finished  # nothing lost
    code, _, err = run(
        capsys, "batch", f"{targets}:adder", str(inp), "-o", str(out), "--resume", "--overwrite"
    )
    assert code == 2
    assert out.read_text() == finished
    # --overwrite: the user asked for it
    assert run(capsys, "batch", f"{targets}:adder", str(inp), "-o", str(out), "--overwrite")[0] == 0
    assert records(out) == [{"line": 1, "output": 2}]
    # the input itself is never the output, even with --overwrite
    code, _, err = run(capsys, "batch", f"{targets}:adder", str(inp), "-o", str(inp), "--overwrite")
    assert (code, inp.read_text()) == (2, '{"x": 1, "y": 1}\n')
    assert "the output is the input file" in err
    # an empty file holds nothing to lose
    out.write_text("")
    assert run(capsys, "batch", f"{targets}:adder", str(inp), "-o", str(out))[0] == 0
    assert records(out) == [{"line": 1, "output": 2}]


def test_batch_resume_runs_failed_lines_again(
    capsys: pytest.CaptureFixture[str], targets: Path, tmp_path: Path
) -> None:
    inp = tmp_path / "in.jsonl"
    inp.write_text("".join(json.dumps({"x": x, "y": 1}) + "\n" for x in (1, 2, 3)))
    out = tmp_path / "out.jsonl"
    failed = '{"line": 2, "error": {"type": "TimeoutError", "message": "flaky"}}\n'
    out.write_text('{"line": 1, "output": -1}\n' + failed)
    code, _, err = run(capsys, "batch", f"{targets}:adder", str(inp), "-o", str(out), "--resume")
    assert code == 0, err
    assert "1 line(s) already done, running 1 failed line(s) again" in err
    final = records(out)
    assert final == [  # the superseded error record is gone; the rest stays as written
        {"line": 1, "output": -1},
        {"line": 2, "output": 3},
        {"line": 3, "output": 4},
    ]


def test_batch_resume_exits_1_while_a_line_is_still_failed(
    capsys: pytest.CaptureFixture[str], targets: Path, tmp_path: Path
) -> None:
    inp = tmp_path / "in.jsonl"
    inp.write_text("".join(json.dumps({"x": x, "y": 0}) + "\n" for x in (1, -2, 3)))
    out = tmp_path / "out.jsonl"
    failed = '{"line": 2, "error": {"type": "ValueError", "message": "old"}}\n'
    out.write_text('{"line": 1, "output": 1}\n' + failed)
    # --skip-failed: the old behaviour (line 2 not run again), but the exit status says so
    code, _, err = run(
        capsys, "batch", f"{targets}:failing", str(inp), "-o", str(out), "--resume", "--skip-failed"
    )
    assert code == 1
    assert "2 skipped (already done), 1 line(s) of the output failed" in err
    assert records(out) == [{"line": 1, "output": 1}, json.loads(failed), {"line": 3, "output": 3}]
    # a resume with nothing left to run still reports the failed line
    code, _, _ = run(
        capsys, "batch", f"{targets}:failing", str(inp), "-o", str(out), "--resume", "--skip-failed"
    )
    assert code == 1
    # without --skip-failed line 2 runs again, fails again: one record for it, exit 1
    code, _, _ = run(capsys, "batch", f"{targets}:failing", str(inp), "-o", str(out), "--resume")
    assert code == 1
    got = records(out)
    assert [r["line"] for r in got] == [1, 3, 2]
    assert got[2]["error"] == {"type": "ValueError", "message": "negative x: -2"}
    code, _, err = run(capsys, "batch", f"{targets}:adder", str(inp), "-o", "x", "--skip-failed")
    assert (code, err.count("\n")) == (2, 1)
    assert "--skip-failed goes with --resume" in err


def test_batch_fail_fast_starts_no_new_line(
    capsys: pytest.CaptureFixture[str], targets: Path, tmp_path: Path
) -> None:
    inp = tmp_path / "in.jsonl"
    xs = (-1, 2, 3, 4, 5, 6, 7)  # line 1 fails at once; the others take a while
    inp.write_text("".join(json.dumps({"x": x, "y": 0}) + "\n" for x in xs))
    out = tmp_path / "out.jsonl"
    code, _, err = run(
        capsys,
        "batch",
        f"{targets}:fail_or_slow",
        str(inp),
        "-o",
        str(out),
        "--fail-fast",
        "--max-concurrency",
        "2",
    )
    assert code == 1
    assert "line 1 failed (ValueError: negative x: -1); stopping (--fail-fast)" in err
    got = by_line(out)
    assert 1 in got
    assert set(got) <= {1, 2}  # at most the line already running beside it finished
    if 2 in got:
        assert got[2] == {"line": 2, "output": 2}  # a line that ran is written


def test_batch_fail_fast_on_a_bad_line_schedules_none_after_it(
    capsys: pytest.CaptureFixture[str], targets: Path, tmp_path: Path
) -> None:
    inp = tmp_path / "in.jsonl"
    lines = [json.dumps({"x": x, "y": 0}) for x in (1, 2)] + ["{not json"]
    lines += [json.dumps({"x": x, "y": 0}) for x in (4, 5, 6, 7)]
    inp.write_text("\n".join(lines) + "\n")
    out = tmp_path / "out.jsonl"
    # eight workers for seven lines: without the check at scheduling time all would start
    argv = ["batch", f"{targets}:fail_or_slow", str(inp), "-o", str(out), "--fail-fast"]
    code, _, err = run(capsys, *argv)
    assert code == 1
    assert "line 3 failed (JSONDecodeError" in err
    got = by_line(out)
    assert 3 in got
    assert set(got) <= {1, 2, 3}
    assert all(got[n] == {"line": n, "output": n} for n in got if n != 3)


def test_traceback_before_or_after_the_command(
    capsys: pytest.CaptureFixture[str], targets: Path, tmp_path: Path
) -> None:
    argv = ["run", f"{targets}:failing", "--input", '{"x": -1, "y": 0}']
    for where in (["--traceback", *argv], [*argv, "--traceback"]):
        code, _, err = run(capsys, *where)
        assert code == 1
        assert "Traceback (most recent call last)" in err
        assert err.strip().endswith("lcel run: failed: ValueError: negative x: -1")
    inp = tmp_path / "in.jsonl"
    inp.write_text('{"x": 1, "y": 1}\n')
    out = tmp_path / "out.jsonl"
    code, _, err = run(capsys, "batch", f"{targets}:adder", str(inp), "-o", str(out), "--traceback")
    assert (code, records(out)) == (0, [{"line": 1, "output": 2}])
    for where in (["--traceback", "schema", "nowhere.py"], ["schema", "nowhere.py", "--traceback"]):
        code, _, err = run(capsys, *where, "--stdout")
        assert code == 2
        assert "Traceback (most recent call last)" in err


def test_batch_missing_input_file(capsys: pytest.CaptureFixture[str], targets: Path) -> None:
    code, _, err = run(capsys, "batch", f"{targets}:adder", "/no/such.jsonl", "-o", "x.jsonl")
    assert code == 2
    assert "no such input file" in err


def test_batch_killed_mid_run_loses_nothing_and_resumes(targets: Path, tmp_path: Path) -> None:
    n = 300
    inp = tmp_path / "in.jsonl"
    inp.write_text("".join(json.dumps({"x": x, "y": 0}) + "\n" for x in range(1, n + 1)))
    out = tmp_path / "out.jsonl"
    cmd = [
        sys.executable,
        "-m",
        "lcel.cli",
        "batch",
        f"{targets}:slow_chain",
        str(inp),
        "-o",
        str(out),
        "--max-concurrency",
        "4",
    ]
    proc = subprocess.Popen(cmd, cwd=ROOT, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if out.exists() and out.read_text().count("\n") >= 40:
            break
        time.sleep(0.01)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=10)
    text = out.read_text()
    assert text.endswith("\n"), "a line was cut short"
    first = records(out)  # every line parses
    assert 40 <= len(first) < n, "the run was killed mid-way"
    done = {r["line"] for r in first}
    resumed = subprocess.run(  # noqa: PLW1510 (the exit status is asserted)
        [*cmd, "--resume"], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert resumed.returncode == 0, resumed.stderr
    assert f"{len(done)} line(s) already done" in resumed.stderr
    final = records(out)
    assert sorted(r["line"] for r in final) == list(range(1, n + 1))  # each exactly once
    assert all(r["output"] == r["line"] * 10 for r in final)
    assert final[: len(first)] == first  # what was written stays as written


def test_progress_bar_on_a_terminal() -> None:
    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    stream = Tty()
    bar = _Progress(4, stream)
    for _ in range(4):
        bar.update(force=True)
    bar.close()
    text = stream.getvalue()
    assert "\r[" in text
    assert "4/4" in text
    assert "/s" in text
    assert "ETA" in text


def test_progress_lines_when_not_a_terminal() -> None:
    stream = io.StringIO()
    bar = _Progress(3, stream, every=1000)
    for _ in range(3):
        bar.update()
    lines = stream.getvalue().splitlines()
    assert lines == [lines[-1]]  # only the final count, not a line per item
    assert lines[-1].startswith("lcel batch: 3/3 done")


# -- the console script ----------------------------------------------------------------------


def test_console_script_streams_the_joke() -> None:
    exe = Path(sys.executable).with_name("lcel")
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "lcel.cli"]
    result = subprocess.run(  # noqa: PLW1510 (the exit status is asserted)
        [*cmd, "run", "examples/joke.py:chain", "--input", '{"topic": "bears"}', "--stream"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "bear feet" in result.stdout


def test_console_script_usage_error_has_no_traceback() -> None:
    result = subprocess.run(  # noqa: PLW1510 (the exit status is asserted)
        [
            sys.executable,
            "-m",
            "lcel.cli",
            "run",
            "examples/joke.py:chain",
            "--input",
            '{"topic": 3}',
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "field 'topic'" in result.stderr


def test_input_rejected_by_a_step_is_a_usage_error(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    target = tmp_path / "model_target.py"
    target.write_text(
        "from lcel.models import FakeListChatModel\n"
        "model = FakeListChatModel(responses=['hello'])\n"
    )
    code, out, _ = run(
        capsys, "run", f"{target}:model", "-i", '[{"type": "human", "content": "hi"}]'
    )
    assert code == 0
    assert json.loads(out)["content"] == "hello"
    # a message type the schema does not list is caught before anything runs
    code, _, err = run(capsys, "run", f"{target}:model", "-i", '[{"type": "humn", "content": "x"}]')
    assert code == 2
    assert err.startswith("lcel run: error: invalid input")
    assert "'humn'" in err
    # a step that rejects what the schema let through: still a usage error, one line
    picky = tmp_path / "picky_target.py"
    picky.write_text(
        "from lcel import RunnableLambda\n"
        "from lcel.errors import InputValidationError\n"
        "def check(x: str) -> str:\n"
        "    raise InputValidationError(f'no {x!r} here')\n"
        "picky = RunnableLambda(check)\n"
    )
    code, _, err = run(capsys, "run", f"{picky}:picky", "-i", '"word"')
    assert code == 2
    assert "no 'word' here" in err
    assert "Traceback" not in err


def test_batch_ctrl_c_keeps_what_was_written(targets: Path, tmp_path: Path) -> None:
    inp = tmp_path / "in.jsonl"
    inp.write_text("".join(json.dumps({"x": x, "y": 0}) + "\n" for x in range(1, 301)))
    out = tmp_path / "out.jsonl"
    cmd = [
        sys.executable,
        "-m",
        "lcel.cli",
        "batch",
        f"{targets}:slow_chain",
        str(inp),
        "-o",
        str(out),
        "--max-concurrency",
        "2",
    ]
    proc = subprocess.Popen(cmd, cwd=ROOT, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if out.exists() and out.read_text().count("\n") >= 10:
            break
        time.sleep(0.01)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == 130
    assert "--resume" in err
    assert "Traceback" not in err
    written = records(out)
    assert 10 <= len(written) < 300
    assert out.read_text().endswith("\n")


def test_output_into_a_closed_pipe_is_quiet() -> None:
    cmd = f"{sys.executable} -m lcel.cli graph {RETRIEVAL} | head -1"
    result = subprocess.run(  # noqa: PLW1510 (the exit status is asserted)
        ["bash", "-o", "pipefail", "-c", cmd],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.stdout.count("\n") == 1
    assert "Traceback" not in result.stderr


def test_a_huge_input_gives_short_errors(
    capsys: pytest.CaptureFixture[str], targets: Path, tmp_path: Path
) -> None:
    big = "z" * 5_000_000
    f = tmp_path / "big.json"
    f.write_text(json.dumps({"x": big, "y": 1}))
    code, out, err = run(capsys, "run", f"{targets}:adder", "--input-file", str(f))
    assert (code, out) == (2, "")
    assert err.count("\n") == 1
    assert len(err) < 1500
    assert "field 'x'" in err
    assert "(5000002 chars)" in err
    # an error raised by the run itself, quoting the input
    code, _, err = run(capsys, "run", f"{targets}:shouting", "--input-text", big)
    assert code == 1
    assert err.startswith("lcel run: failed: ValueError: cannot shout zzz")
    assert len(err) < 1500
    # batch error records stay short too
    inp = tmp_path / "in.jsonl"
    inp.write_text(json.dumps({"x": big, "y": 1}) + "\n" + json.dumps(big) + "\n")
    out_file = tmp_path / "out.jsonl"
    assert run(capsys, "batch", f"{targets}:adder", str(inp), "-o", str(out_file))[0] == 1
    assert out_file.stat().st_size < 5000
    assert "(5000002 chars)" in by_line(out_file)[1]["error"]["message"]
    argv = ["batch", f"{targets}:shouting", str(inp), "-o", str(out_file), "--overwrite"]
    assert run(capsys, *argv)[0] == 1
    assert out_file.stat().st_size < 5000
    got = by_line(out_file)
    assert got[2]["error"]["type"] == "ValueError"
    assert got[2]["error"]["message"].startswith("cannot shout zzz")
