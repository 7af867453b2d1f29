"""``create_app`` and ``add_routes``: a runnable's LangServe endpoints on a Starlette app.

Per route prefix ``/name``: POST ``invoke``, ``batch``, ``stream``, ``stream_log``,
``stream_events``; GET ``input_schema``, ``output_schema``, ``config_schema`` and
``playground/``; and all of them again under ``c/{config_hash}/`` (an LZString-compressed
JSON config, as LangServe's playground and clients make). What a request may change is
closed: only the ``config_keys`` of its config reach the runnable, its input is checked
against the input schema (422 naming the path of the bad field), and a failing run answers
a stable 500 body without the exception's text.
"""

from __future__ import annotations

import ast
import asyncio
import functools
import inspect
import json
import logging
import re
import uuid
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, TypedDict

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from lcel._config import RunnableConfig
from lcel._jsonschema import runnable_input_schema
from lcel._runnable import Runnable
from lcel._validation import RunnableValidated, SchemaCheck, structure
from lcel.errors import InputValidationError, shorten
from lcel.server._limits import (
    DEFAULT_MAX_BATCH,
    DEFAULT_MAX_BODY_BYTES,
    HttpError,
    Limits,
    read_json_body,
    too_deep,
)
from lcel.server._lzstring import decompress_from_uri
from lcel.server._sse import INTERNAL_ERROR, SseResponse, wait_for_disconnect
from lcel.server._wire import decode, encode

__all__ = ["ENDPOINTS", "PerRequestConfigModifier", "add_routes", "create_app"]

logger = logging.getLogger("lcel.server")

ENDPOINTS = (
    "invoke",
    "batch",
    "stream",
    "stream_log",
    "stream_events",
    "input_schema",
    "output_schema",
    "config_schema",
    "playground",
)
"""The endpoint names ``enabled_endpoints`` / ``disabled_endpoints`` choose from."""

CONFIG_KEYS = ("configurable", "tags", "metadata", "run_id", "recursion_limit", "max_concurrency")
"""The config keys a route may let clients set (``callbacks`` and ``run_name`` never)."""

PerRequestConfigModifier = Callable[
    [dict[str, Any], Request],  # Any: the allowed part of the client's config (JSON data)
    "dict[str, Any] | Awaitable[dict[str, Any]]",
]
"""``(config, request) -> config``, sync or async: e.g. put a user id from a header into
``configurable``. It sees and returns the config after the allowlist was applied."""

_STREAM_FILTERS = (
    "include_names",
    "include_types",
    "include_tags",
    "exclude_names",
    "exclude_types",
    "exclude_tags",
)
_PLAYGROUND = Path(__file__).parent / "playground"
_MEDIA_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
}
_STATIC_HEADERS = {
    "x-content-type-options": "nosniff",
    "content-security-policy": "default-src 'self'; frame-ancestors 'none'",
    "referrer-policy": "no-referrer",
}


def create_app(
    routes: Mapping[str, Runnable[Any, Any]] | None = None,
    *,
    cors_origins: Sequence[str] = (),
    title: str = "lcel",
    version: str = "",
    description: str = "",
    debug: bool = False,
    **route_options: Any,  # Any: add_routes' keyword options, applied to every route
) -> Starlette:
    """A Starlette app, with ``routes`` (path → runnable) added by :func:`add_routes`.

    CORS is off unless ``cors_origins`` lists the origins allowed to call the app from a
    browser (``["*"]`` for any). ``title``, ``version`` and ``description`` are kept in
    ``app.state`` for whoever documents the app.
    """
    unknown = sorted(set(route_options) - _ROUTE_OPTIONS)
    if unknown:
        raise TypeError(f"create_app got unknown options {unknown}; expected some of "
                        f"{sorted(_ROUTE_OPTIONS)} (applied to every route)")
    middleware = []
    if cors_origins:
        if isinstance(cors_origins, str):
            raise TypeError(f"cors_origins must be a list of origins, got {cors_origins!r}")
        middleware.append(
            Middleware(
                CORSMiddleware,
                allow_origins=list(cors_origins),
                allow_methods=["GET", "POST"],
                allow_headers=["*"],
            )
        )
    app = Starlette(debug=debug, middleware=middleware)
    app.state.title, app.state.version, app.state.description = title, version, description
    for path, runnable in (routes or {}).items():
        add_routes(app, runnable, path, **route_options)
    return app


def add_routes(
    app: Starlette,
    runnable: Runnable[Any, Any],
    path: str = "",
    *,
    config_keys: Sequence[str] = ("configurable",),
    enabled_endpoints: Sequence[str] | None = None,
    disabled_endpoints: Sequence[str] | None = None,
    per_req_config_modifier: PerRequestConfigModifier | None = None,
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
    max_batch: int = DEFAULT_MAX_BATCH,
    run_timeout: float | None = None,
) -> None:
    """Add ``runnable``'s endpoints under ``path`` (``""`` or ``"/name"``) to ``app``.

    ``config_keys``: the config keys clients may set (others are dropped; ``configurable``
    sent while not allowed is a 422). ``max_body_bytes`` (413), ``max_batch`` (422) and
    ``run_timeout`` in seconds (the run is cancelled, 504) bound what one request costs.
    """
    if not isinstance(runnable, Runnable):
        raise TypeError(
            f"add_routes needs a Runnable, got {type(runnable).__name__}: {shorten(runnable, 80)}"
        )
    if not isinstance(path, str) or (path and (not path.startswith("/") or path.endswith("/"))):
        raise ValueError(f"path must be '' or look like '/name' (no trailing '/'), got {path!r}")
    keys = tuple(config_keys)
    bad = [k for k in keys if k not in CONFIG_KEYS]
    if bad:
        raise ValueError(f"config_keys {bad} cannot be set by clients; expected some of "
                         f"{list(CONFIG_KEYS)}")
    endpoints = _chosen_endpoints(enabled_endpoints, disabled_endpoints)
    handler = _Handler(
        runnable,
        config_keys=keys,
        modifier=per_req_config_modifier,
        limits=Limits(max_body_bytes, max_batch, run_timeout),
    )
    taken = {str(getattr(r, "path", "")) for r in app.router.routes}
    new = handler.routes(path, endpoints)
    clash = sorted(p for p in (str(getattr(r, "path", "")) for r in new) if p in taken)
    if clash:
        raise ValueError(f"add_routes: {path or '/'} is already served (route {clash[0]})")
    app.router.routes.extend(new)


_ROUTE_OPTIONS = frozenset(
    name for name, p in inspect.signature(add_routes).parameters.items()
    if p.kind is inspect.Parameter.KEYWORD_ONLY
)


def _chosen_endpoints(
    enabled: Sequence[str] | None, disabled: Sequence[str] | None
) -> frozenset[str]:
    if enabled is not None and disabled is not None:
        raise ValueError("give enabled_endpoints or disabled_endpoints, not both")
    for given in (enabled, disabled):
        if isinstance(given, str):
            raise TypeError(f"endpoints must be a list of names, got the string {given!r}")
        unknown = sorted(set(given or ()) - set(ENDPOINTS))
        if unknown:
            raise ValueError(f"unknown endpoints {unknown}; expected some of {list(ENDPOINTS)}")
    if enabled is not None:
        return frozenset(enabled)
    return frozenset(ENDPOINTS) - frozenset(disabled or ())


# -- the endpoints ------------------------------------------------------------------------------


Endpoint = Callable[[Request], Awaitable[Response]]


_Method = Callable[[Any, Request], Awaitable[Any]]  # Any: the handler / a response


def _guard(fn: _Method) -> _Method:
    """Answer :class:`HttpError`\\ s as they say, anything else as a stable 500."""

    @functools.wraps(fn)
    async def wrapper(self: Any, request: Request) -> Any:  # Any: the handler / a response
        try:
            return await fn(self, request)
        except HttpError as error:
            return _json(error.body(), error.status, headers=error.headers)
        except Exception:
            logger.exception("%s %s failed", request.method, request.url.path)
            return _json(INTERNAL_ERROR, 500)

    return wrapper


class _ClientGone(Exception):
    """The client disconnected before the run ended; the run was cancelled."""


class _Handler:
    """One runnable's endpoints."""

    def __init__(
        self,
        runnable: Runnable[Any, Any],
        *,
        config_keys: tuple[str, ...],
        modifier: PerRequestConfigModifier | None,
        limits: Limits,
    ) -> None:
        self.runnable = runnable
        self.validated = RunnableValidated(runnable)
        # computed once: a runnable is an immutable value
        self.input_check = SchemaCheck.of(runnable_input_schema(runnable))
        self.input_type = runnable.input_type
        self.config_keys = config_keys
        self.modifier = modifier
        self.limits = limits

    def routes(self, prefix: str, endpoints: frozenset[str]) -> list[BaseRoute]:
        table: list[tuple[str, Endpoint, str]] = [
            ("invoke", self.invoke, "POST"),
            ("batch", self.batch, "POST"),
            ("stream", self.stream, "POST"),
            ("stream_log", self.stream_log, "POST"),
            ("stream_events", self.stream_events, "POST"),
            ("input_schema", self.input_schema, "GET"),
            ("output_schema", self.output_schema, "GET"),
            ("config_schema", self.config_schema, "GET"),
        ]
        out: list[BaseRoute] = []
        for base in (prefix, prefix + "/c/{config_hash}"):
            for name, endpoint, method in table:
                if name in endpoints:
                    out.append(Route(f"{base}/{name}", endpoint, methods=[method]))
            if "playground" in endpoints:
                out.append(Route(f"{base}/playground", self.playground_redirect, methods=["GET"]))
                out.append(
                    Route(f"{base}/playground/{{file_path:path}}", self.playground,
                          methods=["GET"])
                )
        return out

    # -- request parts ------------------------------------------------------------------------

    async def _body(self, request: Request) -> dict[str, Any]:  # Any: JSON data
        body = await read_json_body(request, self.limits.max_body_bytes)
        if not isinstance(body, dict):
            raise _unprocessable(["body"], f"the body must be a JSON object, got "
                                 f"{_json_type(body)}", "type")
        return body

    async def _config(
        self, request: Request, body_config: Any, *, where: list[str | int]
    ) -> RunnableConfig:  # Any: JSON data
        """The run's config: the hash's and the body's merged, then the allowlist."""
        merged: dict[str, Any] = dict(_hash_config(request))  # Any: JSON data
        if body_config is not None:
            if not isinstance(body_config, dict):
                raise _unprocessable(where, f"config must be a JSON object, got "
                                     f"{_json_type(body_config)}", "type")
            for key, value in body_config.items():
                old = merged.get(key)
                if isinstance(old, dict) and isinstance(value, dict):
                    merged[key] = {**old, **value}
                else:
                    merged[key] = value
        if merged.get("configurable") and "configurable" not in self.config_keys:
            raise _unprocessable(
                [*where, "configurable"],
                "The config field `configurable` is not allowed by this server (add "
                "'configurable' to add_routes' config_keys to allow it)",
                "config_not_allowed",
            )
        config: dict[str, Any] = {k: merged[k] for k in self.config_keys if k in merged}
        _check_config(config, where)
        if self.modifier is not None:
            changed = self.modifier(config, request)
            config = await changed if inspect.isawaitable(changed) else changed
            if not isinstance(config, dict):
                raise TypeError(f"per_req_config_modifier returned {type(config).__name__}, "
                                "expected a dict")
        run_id = config.get("run_id")
        config["run_id"] = uuid.UUID(str(run_id)) if run_id is not None else uuid.uuid4()
        return config  # type: ignore[return-value]

    def _input(self, data: Any, where: list[str | int]) -> Any:  # Any: JSON data / a value
        """``data`` checked against the input schema and read as the runnable's input."""
        try:
            decoded = decode(data)
            if decoded is not data:  # messages, documents…: checked in their JSON form
                return self.validated.check_input(decoded)
            found = self.input_check.first_error(data)
            if found is not None:
                path, rule, message = found
                raise InputValidationError(
                    f"invalid input for {self.runnable.get_name()} ({self.input_check.label}) "
                    f"at {path}: {message}", path=path, rule=rule,
                )
            return structure(data, self.input_type)
        except RecursionError:
            raise too_deep("input") from None
        except InputValidationError as error:
            loc = [*where, *_path_parts(error.path)]
            raise _unprocessable(loc, str(error), error.rule or "value_error") from None

    async def _run(self, request: Request, coro: Awaitable[Any]) -> Any:  # Any: the output
        """Await ``coro`` in this task, cancelled if the client leaves or it outlives
        ``run_timeout`` (one watcher task; the run itself gets no task of its own)."""
        current = asyncio.current_task()
        assert current is not None
        gone = False

        async def watch() -> None:
            nonlocal gone
            await wait_for_disconnect(request.receive)
            gone = True
            current.cancel()

        watcher = asyncio.ensure_future(watch())
        deadline = asyncio.timeout(self.limits.run_timeout)
        try:
            async with deadline:
                return await coro
        except asyncio.CancelledError:
            if gone and current.uncancel() == 0:
                raise _ClientGone from None
            raise
        except Exception:
            # a run cancelled midway may surface as another error (a step's cleanup failing)
            if gone:
                raise _ClientGone from None
            if deadline.expired():
                raise HttpError(504, f"the run took longer than run_timeout="
                                f"{self.limits.run_timeout}s and was cancelled") from None
            raise  # the run failed (a runnable's own TimeoutError included)
        finally:
            if not watcher.done():
                watcher.cancel()

    # -- POST ---------------------------------------------------------------------------------

    @_guard
    async def invoke(self, request: Request) -> Response:
        body = await self._body(request)
        config = await self._config(request, body.get("config"), where=["body", "config"])
        value = self._input(_required(body, "input"), ["body", "input"])
        try:
            output = await self._run(request, self.runnable.ainvoke(value, config))
        except _ClientGone:
            return Response(status_code=499)
        meta = {"run_id": str(config["run_id"]), "feedback_tokens": []}
        return _json({"output": encode(output), "metadata": meta})

    @_guard
    async def batch(self, request: Request) -> Response:
        body = await self._body(request)
        inputs = _required(body, "inputs")
        if not isinstance(inputs, list):
            raise _unprocessable(["body", "inputs"], "inputs must be a JSON array, got "
                                 f"{_json_type(inputs)}", "type")
        if len(inputs) > self.limits.max_batch:
            raise _unprocessable(["body", "inputs"], f"too many inputs: {len(inputs)}, the "
                                 f"limit is {self.limits.max_batch}", "max_batch")
        raw_config = body.get("config")
        if isinstance(raw_config, list):
            if len(raw_config) != len(inputs):
                raise _unprocessable(["body", "config"], f"got {len(raw_config)} configs for "
                                     f"{len(inputs)} inputs: give one config, or one per input",
                                     "length")
            configs = [
                await self._config(request, c, where=["body", "config", i])
                for i, c in enumerate(raw_config)
            ]
        else:
            shared = await self._config(request, raw_config, where=["body", "config"])
            configs = [{**shared, "run_id": uuid.uuid4()} for _ in inputs]
        values = [self._input(x, ["body", "inputs", i]) for i, x in enumerate(inputs)]
        try:
            outputs = await self._run(request, self.runnable.abatch(values, configs))
        except _ClientGone:
            return Response(status_code=499)
        run_ids = [str(c["run_id"]) for c in configs]
        meta = {
            "run_ids": run_ids,
            "responses": [{"run_id": r, "feedback_tokens": []} for r in run_ids],
        }
        return _json({"output": [encode(o) for o in outputs], "metadata": meta})

    async def _prepare_stream(
        self, request: Request
    ) -> tuple[dict[str, Any], RunnableConfig, Any]:  # Any: JSON data / the input
        body = await self._body(request)
        config = await self._config(request, body.get("config"), where=["body", "config"])
        value = self._input(_required(body, "input"), ["body", "input"])
        return body, config, value

    @_guard
    async def stream(self, request: Request) -> Any:  # Any: an ASGI response
        _, config, value = await self._prepare_stream(request)

        async def items() -> Any:  # Any: an async generator of JSON data
            async for chunk in self.runnable.astream(value, config):
                yield encode(chunk)

        return SseResponse(str(config["run_id"]), items(), timeout=self.limits.run_timeout)

    @_guard
    async def stream_log(self, request: Request) -> Any:  # Any: an ASGI response
        body, config, value = await self._prepare_stream(request)
        filters = _filters(body)

        async def items() -> Any:  # Any: an async generator of JSON data
            async for patch in self.runnable.astream_log(value, config, diff=True, **filters):
                yield {"ops": encode(patch.ops, lenient=True)}

        return SseResponse(str(config["run_id"]), items(), timeout=self.limits.run_timeout)

    @_guard
    async def stream_events(self, request: Request) -> Any:  # Any: an ASGI response
        body, config, value = await self._prepare_stream(request)
        filters = _filters(body)

        async def items() -> Any:  # Any: an async generator of JSON data
            async for event in self.runnable.astream_events(
                value, config, version="v2", **filters
            ):
                data = dict(event)
                meta = data.get("metadata")
                if isinstance(meta, Mapping):
                    data["metadata"] = {k: v for k, v in meta.items()
                                        if not str(k).startswith("__")}
                yield encode(data, lenient=True)

        return SseResponse(str(config["run_id"]), items(), timeout=self.limits.run_timeout)

    # -- GET ----------------------------------------------------------------------------------

    @_guard
    async def input_schema(self, request: Request) -> Response:
        config = await self._config(request, None, where=["path", "config_hash"])
        return _json(dict(self.runnable.get_input_schema(config)))

    @_guard
    async def output_schema(self, request: Request) -> Response:
        config = await self._config(request, None, where=["path", "config_hash"])
        return _json(dict(self.runnable.get_output_schema(config)))

    @_guard
    async def config_schema(self, request: Request) -> Response:
        _hash_config(request)
        properties: dict[str, Any] = {}  # Any: JSON Schema
        defs: dict[str, Any] = {}  # Any: JSON Schema
        if "configurable" in self.config_keys:
            declared = self.runnable.get_config_jsonschema()  # its configurable fields
            properties["configurable"] = declared["properties"].get(
                "configurable", {"title": "Configurable", "type": "object"}
            )
            defs = declared.get("$defs", {})
        if "tags" in self.config_keys:
            properties["tags"] = {"title": "Tags", "type": "array", "items": {"type": "string"}}
        if "metadata" in self.config_keys:
            properties["metadata"] = {"title": "Metadata", "type": "object"}
        schema = {"title": f"{self.runnable.get_name()}Config", "type": "object",
                  "properties": properties}
        return _json({**schema, "$defs": defs} if defs else schema)

    async def playground_redirect(self, request: Request) -> Response:
        return RedirectResponse(request.url.path + "/", status_code=307)

    @_guard
    async def playground(self, request: Request) -> Response:
        _hash_config(request)
        name = request.path_params.get("file_path", "") or "index.html"
        # a fixed set of names, looked up, never a path joined from the request
        file = _playground_files().get(name)
        if file is None:
            raise HttpError(404, "not found")
        return Response(file[1], media_type=file[0], headers=_STATIC_HEADERS)


@functools.lru_cache(maxsize=1)
def _playground_files() -> dict[str, tuple[str, bytes]]:
    files: dict[str, tuple[str, bytes]] = {}
    for path in _PLAYGROUND.iterdir():
        media = _MEDIA_TYPES.get(path.suffix)
        if path.is_file() and media is not None:
            files[path.name] = (media, path.read_bytes())
    return files


# -- helpers ------------------------------------------------------------------------------------


def _json(data: Any, status: int = 200, headers: Mapping[str, str] | None = None) -> Response:
    # Any: JSON data
    content = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return Response(content, status_code=status, media_type="application/json",
                    headers=dict(headers or {}))


def _json_type(value: Any) -> str:  # Any: JSON data
    names = {dict: "an object", list: "an array", str: "a string", bool: "a boolean",
             int: "a number", float: "a number", type(None): "null"}
    return names.get(type(value), type(value).__name__)


def _unprocessable(loc: Sequence[str | int], message: str, kind: str) -> HttpError:
    message = shorten(message, 500)
    where = _dotted(loc[1:] if loc and loc[0] == "body" else loc)
    return HttpError(
        422,
        f"invalid request at {where}: {message}" if where else f"invalid request: {message}",
        detail=[{"loc": list(loc), "msg": message, "type": kind, "path": where}],
    )


def _dotted(parts: Iterable[str | int]) -> str:
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _required(body: Mapping[str, Any], key: str) -> Any:  # Any: JSON data
    if key not in body:
        raise _unprocessable(["body", key], f"the body has no {key!r} key (received keys: "
                             f"{sorted(body)})", "missing")
    return body[key]


_PATH_PART = re.compile(
    r"\.([A-Za-z_][A-Za-z0-9_]*)|\[(\d+)\]|\[('(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\")\]"
)


def _path_parts(path: str) -> list[str | int]:
    """``$.a[0]['b c']`` → ``["a", 0, "b c"]``."""
    parts: list[str | int] = []
    for name, index, quoted in _PATH_PART.findall(path.removeprefix("$")):
        if name:
            parts.append(name)
        elif index:
            parts.append(int(index))
        else:
            parts.append(str(ast.literal_eval(quoted)))
    return parts


def _hash_config(request: Request) -> dict[str, Any]:  # Any: JSON data
    config_hash = request.path_params.get("config_hash")
    if not config_hash:
        return {}
    try:
        parsed = json.loads(decompress_from_uri(config_hash))
    except (ValueError, UnicodeError):
        parsed = None
    if not isinstance(parsed, dict):
        raise HttpError(400, "invalid config hash: expected LZString "
                        "compressToEncodedURIComponent of a JSON object")
    return parsed


_CONFIG_TYPES: dict[str, tuple[Callable[[Any], bool], str]] = {
    "configurable": (lambda v: isinstance(v, dict), "an object"),
    "metadata": (lambda v: isinstance(v, dict), "an object"),
    "tags": (lambda v: isinstance(v, list) and all(isinstance(t, str) for t in v),
             "an array of strings"),
    "recursion_limit": (lambda v: isinstance(v, int) and not isinstance(v, bool) and v > 0,
                        "a positive integer"),
    "max_concurrency": (lambda v: v is None or (isinstance(v, int) and not isinstance(v, bool)
                                                and v > 0), "a positive integer or null"),
    "run_id": (lambda v: v is None or _is_uuid(v), "a UUID string"),
}


def _is_uuid(value: Any) -> bool:  # Any: JSON data
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return isinstance(value, str)


def _check_config(config: Mapping[str, Any], where: list[str | int]) -> None:  # Any: JSON
    for key, value in config.items():
        ok, expected = _CONFIG_TYPES[key]
        if not ok(value):
            raise _unprocessable([*where, key], f"config {key} must be {expected}, got "
                                 f"{_json_type(value)}", "type")


class _StreamFilters(TypedDict):
    include_names: list[str] | None
    include_types: list[str] | None
    include_tags: list[str] | None
    exclude_names: list[str] | None
    exclude_types: list[str] | None
    exclude_tags: list[str] | None


def _filters(body: Mapping[str, Any]) -> _StreamFilters:  # Any: JSON data
    out: dict[str, list[str] | None] = {}
    for key in _STREAM_FILTERS:
        value = body.get(key)
        if value is not None and not (
            isinstance(value, list) and all(isinstance(v, str) for v in value)
        ):
            raise _unprocessable(["body", key], f"{key} must be an array of strings or null, "
                                 f"got {_json_type(value)}", "type")
        out[key] = value
    return out  # type: ignore[return-value]  # every key was set above
