"""Wire values, LZString config hashes, and the import error without the server extra."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

pytest.importorskip("starlette", reason="lcel.server needs the server extra")

from lcel.documents import Document
from lcel.messages import AIMessage, AIMessageChunk, HumanMessage, SystemMessage, ToolMessage
from lcel.prompts import ChatPromptValue, StringPromptValue
from lcel.server._lzstring import compress_to_uri, decompress_from_uri
from lcel.server._wire import WIRE_CLASSES, decode, encode

ROOT = Path(__file__).resolve().parents[2]


def test_values_round_trip_with_langchain_tags() -> None:
    values = [
        HumanMessage("hi"),
        AIMessage("yo", tool_calls=[{"name": "f", "args": {"a": 1}, "id": "1"}]),
        AIMessageChunk("par"),
        SystemMessage("sys"),
        ToolMessage("42", tool_call_id="1"),
        Document("text", metadata={"source": "s"}, id="d"),
        StringPromptValue("prompt"),
        ChatPromptValue([HumanMessage("x")]),
    ]
    data = encode(values)
    assert [d["type"] for d in data] == [
        "human", "ai", "AIMessageChunk", "system", "tool", "Document", "StringPromptValue",
        "ChatPromptValueConcrete",
    ]
    assert data[5] == {"type": "Document", "page_content": "text", "metadata": {"source": "s"},
                       "id": "d"}
    assert json.loads(json.dumps(data)) == data
    assert decode(data) == values


def test_langchain_dumps_decode_into_lcel_classes() -> None:
    # what LangChain's model_dump() sends: extra fields, other chunk classes
    sent = {
        "messages": [
            {"content": "a", "additional_kwargs": {}, "response_metadata": {}, "type": "human",
             "name": None, "id": None, "example": False},
            {"content": "b", "type": "ai", "usage_metadata": None, "tool_calls": [],
             "invalid_tool_calls": [], "example": False},
            {"content": "c", "type": "SystemMessageChunk"},
        ],
        "type": "ChatPromptValueConcrete",
    }
    assert decode(sent) == ChatPromptValue(
        [HumanMessage("a"), AIMessage("b"), SystemMessage("c")]
    )


@pytest.mark.parametrize(
    "payload",
    [
        {"type": "builtins.eval", "content": "x"},
        {"type": "__main__.Evil", "page_content": "x"},
        {"type": "Document"},  # not a Document after all: stays a dict
        {"type": ["human"], "content": "x"},
        {"lc": 1, "type": "constructor", "id": ["os", "system"], "kwargs": {}},
    ],
)
def test_anything_outside_the_closed_set_stays_data(payload: dict[str, object]) -> None:
    assert decode(payload) == payload
    assert decode([payload]) == [payload]


def test_the_closed_set_is_lcel_classes_only() -> None:
    assert all(cls.__module__.startswith("lcel.") for cls in WIRE_CLASSES.values())


def test_encode_other_values() -> None:
    run_id = uuid.uuid4()
    assert encode({"id": run_id, "n": (1, 2), "b": b"hi"}) == {
        "id": str(run_id), "n": [1, 2], "b": "aGk="
    }
    assert encode(ValueError("secret")) == {"status_code": 500,
                                            "message": "Internal Server Error"}
    with pytest.raises(TypeError, match="no JSON form"):
        encode(object())
    assert encode(object(), lenient=True).startswith("<object object")


@given(st.text())
def test_lzstring_round_trips(text: str) -> None:
    if text:
        assert decompress_from_uri(compress_to_uri(text)) == text


def test_lzstring_known_values() -> None:
    # computed with the reference JavaScript library
    assert compress_to_uri("{}") == "N4XyA"
    assert decompress_from_uri("N4XyA") == "{}"
    for bad in ["", "@@@", "!"]:
        with pytest.raises(ValueError, match="LZString"):
            decompress_from_uri(bad)


@pytest.mark.skipif(importlib.util.find_spec("langserve") is None,
                    reason="LangServe is not installed: pip install -e '.[langserve]'")
@settings(deadline=None)  # the first example imports LangServe
@given(st.text(alphabet=st.characters(max_codepoint=0xFFFF, exclude_categories=["Cs"])))
def test_lzstring_matches_langserve(text: str) -> None:
    from langserve.lzstring import LZString

    assert compress_to_uri(text) == LZString.compressToEncodedURIComponent(text)
    if text:
        assert LZString.decompressFromEncodedURIComponent(compress_to_uri(text)) == text


def test_import_without_the_extra_names_the_install_command(tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    (site / "sitecustomize.py").write_text(
        "import importlib.util, sys\n"
        "_find = importlib.util.find_spec\n"
        "def find_spec(name, *a, **k):\n"
        "    return None if name.split('.')[0] == 'starlette' else _find(name, *a, **k)\n"
        "importlib.util.find_spec = find_spec\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", "import lcel.server"],
        cwd=ROOT, capture_output=True, text=True, check=False,
        env={"PYTHONPATH": str(site), "PATH": ""},
    )
    assert proc.returncode == 1
    assert "ImportError" in proc.stderr
    assert "pip install lcel[server]" in proc.stderr
    assert "starlette" in proc.stderr
