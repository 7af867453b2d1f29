"""``RemoteRunnable``: a runnable served elsewhere (by lcel or LangServe), called over HTTP.

It is a leaf like any other: it composes with ``|``, runs in every mode, and the interpreter
traces it, so ``astream_events``/``astream_log`` show it as one run (with its chunks); the
server's inner runs are not forwarded. ``batch`` sends one ``batch`` request when it can.
Types are the caller's word: ``RemoteRunnable[str, str]("http://host/joke")``.
"""

from __future__ import annotations

import functools
import json
import ssl
from collections.abc import AsyncIterator, Iterator, Mapping, Sequence
from typing import Any, Literal, overload

import attrs
import httpx
import httpx_sse

from lcel._config import RunnableConfig
from lcel._leaf import Component
from lcel._types import InT_contra, OutT_co
from lcel.errors import LcelError, shorten
from lcel.server._wire import decode, encode

__all__ = ["RemoteRunnable", "RemoteRunnableError"]


class RemoteRunnableError(LcelError, RuntimeError):
    """The server answered an error: ``status_code`` and the server's (safe) message."""

    def __init__(self, message: str, *, status_code: int) -> None:
        super().__init__(message)
        self.status_code = status_code


@functools.lru_cache(maxsize=1)
def _tls() -> ssl.SSLContext:
    """One TLS context for every client: building one costs milliseconds."""
    return ssl.create_default_context()


def _check_url(_instance: object, _attribute: object, value: str) -> None:
    if not isinstance(value, str) or not value.startswith(("http://", "https://")):
        raise ValueError(
            f"RemoteRunnable needs an http(s) URL such as 'http://127.0.0.1:8000/joke', "
            f"got {shorten(value, 80)!r}"
        )


def _strip_slash(value: str) -> str:
    return value.rstrip("/") if isinstance(value, str) else value


@attrs.frozen(repr=False)
class RemoteRunnable(Component[InT_contra, OutT_co]):
    """The runnable served at ``url`` (the route prefix, e.g. ``http://host:8000/joke``).

    ``headers`` (e.g. an ``Authorization`` token) are sent with every request and never
    shown in a repr or an error. ``timeout`` bounds each request, in seconds.
    """

    url: str = attrs.field(validator=_check_url, converter=_strip_slash)
    timeout: float | None = attrs.field(default=60.0, kw_only=True)
    headers: Mapping[str, str] = attrs.field(factory=dict, kw_only=True, repr=False,
                                             converter=dict)

    def __repr__(self) -> str:
        return f"RemoteRunnable({self.url!r})"

    def get_name(self, suffix: str | None = None) -> str:
        """``RemoteRunnable``, or the name given with ``with_config(run_name=…)``."""
        name = "RemoteRunnable"
        return f"{name}{suffix}" if suffix else name

    # -- requests -------------------------------------------------------------------------------

    def _client(self) -> httpx.Client:
        return httpx.Client(timeout=self.timeout, headers=dict(self.headers), verify=_tls())

    def _aclient(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(timeout=self.timeout, headers=dict(self.headers), verify=_tls())

    def _body(self, input: Any, config: RunnableConfig, kwargs: Mapping[str, Any]) -> Any:
        # Any: JSON data; only `configurable` is sent: the rest is local to this process
        body: dict[str, Any] = {"input": encode(input), "config": {}, "kwargs": encode(kwargs)}
        configurable = config.get("configurable")
        if configurable:
            body["config"] = {"configurable": encode(dict(configurable), lenient=True)}
        return body

    def _output(self, response: httpx.Response, endpoint: str) -> Any:  # Any: the output
        _raise_for_status(response, self.url, endpoint)
        try:
            payload = response.json()
        except ValueError:
            raise RemoteRunnableError(
                f"{self.url}/{endpoint} answered something that is not JSON: "
                f"{shorten(response.text)}",
                status_code=response.status_code,
            ) from None
        if not isinstance(payload, dict) or "output" not in payload:
            raise RemoteRunnableError(
                f"{self.url}/{endpoint} answered without an 'output' key: {shorten(payload)}",
                status_code=response.status_code,
            )
        return decode(payload["output"])

    # -- the leaf protocol ----------------------------------------------------------------------

    def _invoke(
        self,
        input: InT_contra,
        config: RunnableConfig,
        **kwargs: Any,  # Any: options given with bind(), sent as the request's kwargs
    ) -> OutT_co:
        with self._client() as client:
            response = client.post(f"{self.url}/invoke", json=self._body(input, config, kwargs))
        return self._output(response, "invoke")  # type: ignore[no-any-return]

    async def _ainvoke(
        self,
        input: InT_contra,
        config: RunnableConfig,
        **kwargs: Any,  # Any: options given with bind()
    ) -> OutT_co:
        async with self._aclient() as client:
            response = await client.post(
                f"{self.url}/invoke", json=self._body(input, config, kwargs)
            )
        return self._output(response, "invoke")  # type: ignore[no-any-return]

    def _stream(
        self,
        input: InT_contra,
        config: RunnableConfig,
        **kwargs: Any,  # Any: options given with bind()
    ) -> Iterator[OutT_co]:
        body = self._body(input, config, kwargs)
        with self._client() as client, httpx_sse.connect_sse(
            client, "POST", f"{self.url}/stream", json=body
        ) as source:
            _raise_for_status(source.response, self.url, "stream", read=True)
            for sse in source.iter_sse():
                chunk = self._event(sse)
                if chunk is _END:
                    return
                if chunk is not _SKIP:
                    yield chunk
        raise _ended_early(self.url)

    async def _astream(
        self,
        input: InT_contra,
        config: RunnableConfig,
        **kwargs: Any,  # Any: options given with bind()
    ) -> AsyncIterator[OutT_co]:
        body = self._body(input, config, kwargs)
        async with self._aclient() as client, httpx_sse.aconnect_sse(
            client, "POST", f"{self.url}/stream", json=body
        ) as source:
            if source.response.is_error:
                await source.response.aread()
            _raise_for_status(source.response, self.url, "stream")
            async for sse in source.aiter_sse():
                chunk = self._event(sse)
                if chunk is _END:
                    return
                if chunk is not _SKIP:
                    yield chunk
        raise _ended_early(self.url)

    def _event(self, sse: httpx_sse.ServerSentEvent) -> Any:  # Any: a chunk or a marker
        if sse.event == "data":
            return decode(json.loads(sse.data))
        if sse.event == "end":
            return _END
        if sse.event == "error":
            try:
                error = json.loads(sse.data)
                status, message = int(error["status_code"]), str(error["message"])
            except (ValueError, KeyError, TypeError):
                status, message = 500, f"unreadable error event: {shorten(sse.data)}"
            raise RemoteRunnableError(f"{self.url}/stream failed: {status} {message}",
                                      status_code=status)
        return _SKIP  # metadata, and whatever a newer server adds

    # -- batch: one request ---------------------------------------------------------------------

    @overload
    def batch(
        self,
        inputs: Sequence[InT_contra],
        config: RunnableConfig | Sequence[RunnableConfig] | None = None,
        *,
        return_exceptions: Literal[False] = False,
    ) -> list[OutT_co]: ...

    @overload
    def batch(
        self,
        inputs: Sequence[InT_contra],
        config: RunnableConfig | Sequence[RunnableConfig] | None = None,
        *,
        return_exceptions: bool,
    ) -> list[OutT_co | Exception]: ...

    def batch(
        self,
        inputs: Sequence[InT_contra],
        config: RunnableConfig | Sequence[RunnableConfig] | None = None,
        *,
        return_exceptions: bool = False,
    ) -> list[OutT_co] | list[OutT_co | Exception]:
        """One ``batch`` request; per-input requests when traced (callbacks in the config),
        or when it fails and ``return_exceptions`` asks which inputs failed."""
        body = self._batch_body(inputs, config)
        if body is not None:
            try:
                with self._client() as client:
                    response = client.post(f"{self.url}/batch", json=body)
                return self._outputs(response, len(inputs))
            except (RemoteRunnableError, httpx.HTTPError):
                if not return_exceptions:
                    raise
        return super().batch(inputs, config, return_exceptions=return_exceptions)

    @overload
    async def abatch(
        self,
        inputs: Sequence[InT_contra],
        config: RunnableConfig | Sequence[RunnableConfig] | None = None,
        *,
        return_exceptions: Literal[False] = False,
    ) -> list[OutT_co]: ...

    @overload
    async def abatch(
        self,
        inputs: Sequence[InT_contra],
        config: RunnableConfig | Sequence[RunnableConfig] | None = None,
        *,
        return_exceptions: bool,
    ) -> list[OutT_co | Exception]: ...

    async def abatch(
        self,
        inputs: Sequence[InT_contra],
        config: RunnableConfig | Sequence[RunnableConfig] | None = None,
        *,
        return_exceptions: bool = False,
    ) -> list[OutT_co] | list[OutT_co | Exception]:
        """Async :meth:`batch`."""
        body = self._batch_body(inputs, config)
        if body is not None:
            try:
                async with self._aclient() as client:
                    response = await client.post(f"{self.url}/batch", json=body)
                return self._outputs(response, len(inputs))
            except (RemoteRunnableError, httpx.HTTPError):
                if not return_exceptions:
                    raise
        return await super().abatch(inputs, config, return_exceptions=return_exceptions)

    def _batch_body(
        self, inputs: Sequence[Any], config: RunnableConfig | Sequence[RunnableConfig] | None
    ) -> dict[str, Any] | None:  # Any: inputs / JSON data
        configs: list[RunnableConfig] = (
            [config or {}] * len(inputs) if config is None or isinstance(config, Mapping)
            else list(config)
        )
        if len(inputs) < 2 or len(configs) != len(inputs) or any(
            c.get("callbacks") for c in configs
        ):
            return None
        sent = [self._body(None, c, {})["config"] for c in configs]
        return {"inputs": [encode(x) for x in inputs], "config": sent, "kwargs": {}}

    def _outputs(self, response: httpx.Response, count: int) -> list[Any]:  # Any: outputs
        outputs = self._output(response, "batch")
        if not isinstance(outputs, list) or len(outputs) != count:
            raise RemoteRunnableError(
                f"{self.url}/batch answered {shorten(outputs)} for {count} inputs",
                status_code=response.status_code,
            )
        return outputs


_END = object()
_SKIP = object()


def _ended_early(url: str) -> RemoteRunnableError:
    return RemoteRunnableError(f"{url}/stream ended without an end event", status_code=502)


def _raise_for_status(
    response: httpx.Response, url: str, endpoint: str, *, read: bool = False
) -> None:
    if not response.is_error:
        return
    if read:
        response.read()
    message = response.reason_phrase
    try:
        payload = response.json()
        message = str(payload.get("message") or payload.get("detail") or message)
    except (ValueError, AttributeError):
        message = response.text or message
    raise RemoteRunnableError(
        f"{url}/{endpoint} answered {response.status_code}: {shorten(message)}",
        status_code=response.status_code,
    )
