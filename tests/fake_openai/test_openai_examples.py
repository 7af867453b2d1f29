"""The real-model examples run against the fake server, configured only by the two
environment variables a user sets for a real endpoint."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from fake_openai_server import FakeOpenAI

ROOT = Path(__file__).resolve().parents[2]
KEY = "sk-example-key-never-printed-91ab"


def run_example(server: FakeOpenAI, name: str) -> str:
    env = {**os.environ, "OPENAI_BASE_URL": server.base_url, "OPENAI_API_KEY": KEY}
    env.pop("OPENAI_MODEL", None)
    result = subprocess.run(  # noqa: PLW1510 (the exit status is asserted)
        [sys.executable, str(ROOT / "examples" / name)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert KEY not in result.stdout + result.stderr
    return result.stdout


def test_tool_calling_loop(fake_openai: FakeOpenAI) -> None:
    fake_openai.reply(tool_calls=[
        {"name": "multiply", "args": {"a": 3, "b": 12}, "id": "call_1"},
        {"name": "add", "args": {"a": 11, "b": 49}, "id": "call_2"},
    ])  # fmt: skip
    fake_openai.reply("3 * 12 is 36 and 11 + 49 is 60.", usage={
        "prompt_tokens": 80, "completion_tokens": 12, "total_tokens": 92,
    })  # fmt: skip
    out = run_example(fake_openai, "tool_calling.py")
    assert "tool call: multiply({'a': 3, 'b': 12}) -> 36" in out
    assert "tool call: add({'a': 11, 'b': 49}) -> 60" in out
    assert "answer: 3 * 12 is 36 and 11 + 49 is 60." in out
    assert "tokens: 92" in out
    first, second = (r["json"] for r in fake_openai.requests)
    assert [t["function"]["name"] for t in first["tools"]] == ["multiply", "add"]
    assert first["model"] == "gpt-4o-mini"
    assert second["messages"][-2:] == [
        {"role": "tool", "content": "36", "tool_call_id": "call_1", "name": "multiply"},
        {"role": "tool", "content": "60", "tool_call_id": "call_2", "name": "add"},
    ]
    assert fake_openai.requests[0]["headers"]["authorization"] == f"Bearer {KEY}"


def test_structured_output_extraction(fake_openai: FakeOpenAI) -> None:
    fake_openai.reply('{"name": "Ada Lovelace", "age": 36, "city": "London"}')
    fake_openai.reply(tool_calls=[{"name": "Sentiment", "args": {"label": "positive",
                                                                  "score": 0.9}}])  # fmt: skip
    out = run_example(fake_openai, "structured_output.py")
    assert "person: Person(name='Ada Lovelace', age=36, city='London')" in out
    assert "Ada Lovelace is 36 (next year 37)" in out
    assert "sentiment: positive (0.90)" in out
    first, second = (r["json"] for r in fake_openai.requests)
    assert first["response_format"]["json_schema"]["name"] == "Person"
    assert second["tool_choice"] == {"type": "function", "function": {"name": "Sentiment"}}
