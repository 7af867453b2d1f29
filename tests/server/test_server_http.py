"""The server over real HTTP (uvicorn on loopback): shapes, validation, limits, security."""

from __future__ import annotations

import asyncio
import json
import socket
import threading
import time
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any, TypedDict

import pytest

pytest.importorskip("starlette", reason="lcel.server needs the server extra")

import httpx
import httpx_sse

from lcel import RunnableConfig, RunnableGenerator, RunnableLambda
from lcel.messages import AIMessage, BaseMessage
from lcel.prompts import ChatPromptTemplate
from lcel.server import add_routes, create_app
from lcel.server._lzstring import compress_to_uri

Serve = Callable[[Any], Any]
SECRET = "sk-live-0123456789"


class Topic(TypedDict):
    topic: str


def joke(x: Topic) -> str:
    return f"a joke about {x['topic']}"


def boom(x: str) -> str:
    raise RuntimeError(f"leaked {SECRET}")


def echo_config(x: str, config: RunnableConfig) -> dict[str, Any]:
    return {
        "keys": sorted(config),
        "configurable": dict(config.get("configurable", {})),
        "tags": list(config.get("tags", [])),
        "metadata": dict(config.get("metadata", {}).items()),
        "run_name": config.get("run_name"),
        "recursion_limit": config.get("recursion_limit"),
        "max_concurrency": config.get("max_concurrency"),
    }


def reply(messages: list[BaseMessage]) -> AIMessage:
    return AIMessage(f"you said {len(messages)} things, last: {messages[-1].content}")


def events(response: httpx.Response) -> list[tuple[str, Any]]:
    out = []
    for block in response.text.replace("\r\n", "\n").split("\n\n"):
        if not block.strip():
            continue
        lines = dict(line.split(": ", 1) for line in block.split("\n"))
        out.append((lines["event"], json.loads(lines["data"]) if "data" in lines else None))
    return out


@pytest.fixture
def app() -> Any:
    app = create_app()
    add_routes(app, RunnableLambda(joke), "/joke", max_batch=3)
    add_routes(app, RunnableLambda(boom), "/boom")
    add_routes(app, RunnableLambda(echo_config), "/config")
    add_routes(app, RunnableLambda(echo_config), "/closed", config_keys=())
    add_routes(app, RunnableLambda(reply), "/chat")
    add_routes(app, RunnableLambda(joke), "/small", max_body_bytes=200)
    return app


@pytest.fixture
def server(app: Any, served: Serve) -> Iterator[Any]:
    with served(app) as s:
        yield s


@pytest.fixture
def client(server: Any) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.url, timeout=30) as c:
        yield c


# -- invoke and batch ---------------------------------------------------------------------------


def test_invoke_answers_output_and_metadata(client: httpx.Client) -> None:
    r = client.post("/joke/invoke", json={"input": {"topic": "bears"}, "config": {}, "kwargs": {}})
    assert r.status_code == 200
    body = r.json()
    assert body["output"] == "a joke about bears"
    assert set(body["metadata"]) == {"run_id", "feedback_tokens"}
    assert body["metadata"]["feedback_tokens"] == []
    uuid.UUID(body["metadata"]["run_id"])


def test_invalid_input_is_422_naming_the_path(client: httpx.Client) -> None:
    r = client.post("/joke/invoke", json={"input": {"topic": 3}})
    assert r.status_code == 422
    body = r.json()
    assert body["detail"][0]["loc"] == ["body", "input", "topic"]
    assert body["detail"][0]["path"] == "input.topic"
    assert "input.topic" in body["message"]
    r = client.post("/joke/invoke", json={"input": {}})
    assert r.status_code == 422
    assert r.json()["detail"][0]["loc"] == ["body", "input", "topic"]


@pytest.mark.parametrize(
    ("content", "what"),
    [(b"{not json", "not valid JSON"), (b"[1, 2]", "JSON object"), (b'{"inputx": 1}', "'input'")],
)
def test_malformed_bodies_are_422(client: httpx.Client, content: bytes, what: str) -> None:
    r = client.post("/joke/invoke", content=content, headers={"content-type": "application/json"})
    assert r.status_code == 422
    assert what in r.json()["message"]


def test_batch_shapes_and_config_list(client: httpx.Client) -> None:
    r = client.post("/joke/batch", json={"inputs": [{"topic": "a"}, {"topic": "b"}],
                                         "config": [{}, {"configurable": {}}]})
    assert r.status_code == 200
    body = r.json()
    assert body["output"] == ["a joke about a", "a joke about b"]
    run_ids = body["metadata"]["run_ids"]
    assert len(set(run_ids)) == 2
    assert body["metadata"]["responses"] == [
        {"run_id": i, "feedback_tokens": []} for i in run_ids
    ]
    r = client.post("/config/batch", json={"inputs": ["a", "b"],
                                           "config": [{"configurable": {"n": 1}},
                                                      {"configurable": {"n": 2}}]})
    assert [o["configurable"] for o in r.json()["output"]] == [{"n": 1}, {"n": 2}]
    r = client.post("/config/batch", json={"inputs": ["a", "b"],
                                           "config": {"configurable": {"n": 7}}})
    assert [o["configurable"] for o in r.json()["output"]] == [{"n": 7}, {"n": 7}]


@pytest.mark.parametrize(
    ("body", "loc"),
    [
        ({"inputs": {"topic": "a"}}, ["body", "inputs"]),
        ({"inputs": [{"topic": "a"}, {"topic": 2}]}, ["body", "inputs", 1, "topic"]),
        ({"inputs": [{"topic": "a"}] * 4}, ["body", "inputs"]),
        ({"inputs": [{"topic": "a"}], "config": [{}, {}]}, ["body", "config"]),
        ({"inputs": [{"topic": "a"}], "config": "x"}, ["body", "config"]),
        ({"config": {}}, ["body", "inputs"]),
    ],
)
def test_bad_batches_are_422_not_500(client: httpx.Client, body: Any, loc: list[Any]) -> None:
    r = client.post("/joke/batch", json=body)
    assert r.status_code == 422, r.text
    assert r.json()["detail"][0]["loc"] == loc


def test_failing_run_is_a_stable_500_without_the_exception(client: httpx.Client) -> None:
    bodies = []
    for _ in range(2):
        r = client.post("/boom/invoke", json={"input": "x"})
        assert r.status_code == 500
        bodies.append(r.content)
    assert bodies[0] == bodies[1]
    assert json.loads(bodies[0]) == {"status_code": 500, "message": "Internal Server Error"}
    assert SECRET not in bodies[0].decode()
    assert "Traceback" not in bodies[0].decode()
    r = client.post("/boom/batch", json={"inputs": ["x", "y"]})
    assert r.status_code == 500
    assert SECRET not in r.text


def _read_response(sock: socket.socket) -> tuple[int, bytes]:
    data = b""
    while b"\r\n\r\n" not in data:
        data += sock.recv(65536)
    head, _, rest = data.partition(b"\r\n\r\n")
    status = int(head.split(b" ")[1])
    length = next(int(line.split(b":")[1]) for line in head.split(b"\r\n")
                  if line.lower().startswith(b"content-length:"))
    while len(rest) < length:
        rest += sock.recv(65536)
    return status, rest[:length]


def test_keep_alive_connection_stays_usable_after_errors(server: Any) -> None:
    host, port = server.url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=20) as sock:
        for path, payload, expected in [
            ("/boom/invoke", {"input": "x"}, 500),
            ("/joke/invoke", {"input": {"topic": 1}}, 422),
            ("/joke/invoke", {"input": {"topic": "ok"}}, 200),
        ]:
            body = json.dumps(payload).encode()
            sock.sendall(
                f"POST {path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                f"Content-Length: {len(body)}\r\n\r\n".encode() + body
            )
            status, content = _read_response(sock)
            assert status == expected, content
        assert json.loads(content)["output"] == "a joke about ok"


# -- config -------------------------------------------------------------------------------------


def test_only_allowed_config_keys_reach_the_runnable(client: httpx.Client) -> None:
    sent = {
        "configurable": {"user": "u1"},
        "tags": ["client-tag"],
        "metadata": {"client": "meta"},
        "callbacks": ["x"],
        "run_name": "client-name",
        "recursion_limit": 1,
        "max_concurrency": 1,
    }
    r = client.post("/config/invoke", json={"input": "x", "config": sent})
    assert r.status_code == 200
    out = r.json()["output"]
    assert out["configurable"] == {"user": "u1"}
    assert "client-tag" not in out["tags"]
    assert "client" not in out["metadata"]
    assert out["run_name"] != "client-name"
    assert out["recursion_limit"] != 1
    assert out["max_concurrency"] != 1


def test_configurable_when_not_allowed_is_422_naming_it(client: httpx.Client) -> None:
    r = client.post("/closed/invoke", json={"input": "x", "config": {"configurable": {"a": 1}}})
    assert r.status_code == 422
    assert "configurable" in r.json()["message"]
    # tags alone are dropped silently, as LangServe clients send them routinely
    r = client.post("/closed/invoke", json={"input": "x", "config": {"tags": ["t"]}})
    assert r.status_code == 200


def test_config_hash_routes(client: httpx.Client) -> None:
    config_hash = compress_to_uri(json.dumps({"configurable": {"user": "from-hash"}}))
    r = client.post(f"/config/c/{config_hash}/invoke", json={"input": "x"})
    assert r.status_code == 200
    assert r.json()["output"]["configurable"] == {"user": "from-hash"}
    r = client.post(f"/config/c/{config_hash}/invoke",
                    json={"input": "x", "config": {"configurable": {"more": 1}}})
    assert r.json()["output"]["configurable"] == {"user": "from-hash", "more": 1}
    with httpx_sse.connect_sse(client, "POST", f"/config/c/{config_hash}/stream",
                               json={"input": "x"}) as source:
        data = [json.loads(e.data) for e in source.iter_sse() if e.event == "data"]
    assert data[-1]["configurable"] == {"user": "from-hash"}
    assert client.get(f"/config/c/{config_hash}/input_schema").status_code == 200
    assert client.post("/config/c/@@@/invoke", json={"input": "x"}).status_code == 400
    closed_hash = compress_to_uri(json.dumps({"configurable": {"a": 1}}))
    assert client.post(f"/closed/c/{closed_hash}/invoke", json={"input": "x"}).status_code == 422


def test_per_request_config_modifier(served: Serve) -> None:
    async def modifier(config: dict[str, Any], request: Any) -> dict[str, Any]:
        user = request.headers.get("x-user", "anon")
        return {**config, "configurable": {**config.get("configurable", {}), "user": user}}

    app = create_app()
    add_routes(app, RunnableLambda(echo_config), "/c", per_req_config_modifier=modifier)
    with served(app) as s:
        r = httpx.post(f"{s.url}/c/invoke", json={"input": "x"}, headers={"x-user": "ada"})
    assert r.json()["output"]["configurable"] == {"user": "ada"}


# -- limits -------------------------------------------------------------------------------------


def test_body_over_the_limit_is_413(client: httpx.Client) -> None:
    big = {"input": {"topic": "x" * 500}}
    r = client.post("/small/invoke", json=big)
    assert r.status_code == 413
    assert "200 bytes" in r.json()["message"]

    def chunks() -> Iterator[bytes]:  # no Content-Length: the bytes read are counted
        yield b'{"input": {"topic": "'
        for _ in range(50):
            yield b"x" * 20
        yield b'"}}'

    r = client.post("/small/invoke", content=chunks(), headers={"content-type": "application/json"})
    assert r.status_code == 413
    assert client.post("/small/invoke", json={"input": {"topic": "ok"}}).status_code == 200


@pytest.mark.parametrize("depth", [500, 990, 5000, 100_000])
def test_deeply_nested_input_is_422_not_500(client: httpx.Client, depth: int) -> None:
    content = b'{"input": ' + b"[" * depth + b"]" * depth + b"}"
    r = client.post("/chat/invoke", content=content, headers={"content-type": "application/json"})
    assert r.status_code == 422, r.text[:300]


def test_run_timeout_cancels_the_run(served: Serve) -> None:
    started, cancelled = threading.Event(), threading.Event()

    async def slow(x: str) -> str:
        started.set()
        try:
            await asyncio.sleep(60)
        except asyncio.CancelledError:
            cancelled.set()
            raise
        return x

    app = create_app()
    add_routes(app, RunnableLambda(slow), "/slow", run_timeout=0.3)
    with served(app) as s:
        baseline = s.task_count()
        r = httpx.post(f"{s.url}/slow/invoke", json={"input": "x"}, timeout=30)
        assert r.status_code == 504
        assert "run_timeout" in r.json()["message"]
        assert started.is_set()
        assert cancelled.wait(10)
        with httpx.Client(base_url=s.url, timeout=30) as c, httpx_sse.connect_sse(
            c, "POST", "/slow/stream", json={"input": "x"}
        ) as source:
            got = [(e.event, e.data) for e in source.iter_sse()]
        assert got[0][0] == "metadata"
        assert got[-1][0] == "error"
        assert json.loads(got[-1][1])["status_code"] == 504
        assert s.wait_tasks(baseline) == baseline


def _disconnect_test(served: Serve, endpoint: str) -> None:
    started, cancelled = threading.Event(), threading.Event()

    async def slow(x: str) -> AsyncIterator[str]:
        started.set()
        try:
            yield "first"
            await asyncio.sleep(60)
        except asyncio.CancelledError:
            cancelled.set()
            raise
        yield "never"

    app = create_app()
    add_routes(app, RunnableGenerator(slow), "/slow")
    with served(app) as s:
        baseline = s.task_count()
        host, port = s.url.removeprefix("http://").split(":")
        body = json.dumps({"input": "x"}).encode()
        with socket.create_connection((host, int(port)), timeout=20) as sock:
            sock.sendall(
                f"POST /slow/{endpoint} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json"
                f"\r\nContent-Length: {len(body)}\r\n\r\n".encode() + body
            )
            assert started.wait(10)
            if endpoint != "invoke":
                seen = b""
                while b"first" not in seen:
                    seen += sock.recv(65536)
        assert cancelled.wait(10), "the run went on after the client left"
        assert s.wait_tasks(baseline) == baseline, "a task outlived the request"


def test_client_disconnect_cancels_an_invoke(served: Serve) -> None:
    _disconnect_test(served, "invoke")


@pytest.mark.parametrize("endpoint", ["stream", "stream_log", "stream_events"])
def test_client_disconnect_cancels_a_stream(served: Serve, endpoint: str) -> None:
    _disconnect_test(served, endpoint)


@pytest.mark.parametrize("endpoint", ["invoke", "stream"])
def test_client_disconnect_stops_a_sync_generator_quietly(
    served: Serve, endpoint: str, caplog: pytest.LogCaptureFixture
) -> None:
    ticks: list[int] = []
    first = threading.Event()

    def gen(chunks: Iterator[str]) -> Iterator[str]:
        for _ in chunks:
            pass
        while len(ticks) < 400:  # bounded: a failing test still ends
            ticks.append(1)
            first.set()
            time.sleep(0.02)
            yield "tick "

    app = create_app()
    add_routes(app, RunnableGenerator(gen), "/g")
    with served(app) as s:
        baseline = s.task_count()
        host, port = s.url.removeprefix("http://").split(":")
        body = json.dumps({"input": "x"}).encode()
        with socket.create_connection((host, int(port)), timeout=20) as sock:
            sock.sendall(
                f"POST /g/{endpoint} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json"
                f"\r\nContent-Length: {len(body)}\r\n\r\n".encode() + body
            )
            assert first.wait(10)
            time.sleep(0.1)
        assert s.wait_tasks(baseline) == baseline
        stopped_at = len(ticks)
        time.sleep(0.3)
        assert len(ticks) <= stopped_at + 1, "the generator went on after the client left"
        assert len(ticks) < 400
    assert not [r for r in caplog.records if r.levelname == "ERROR"], caplog.text


# -- streams ------------------------------------------------------------------------------------


def test_stream_events_in_order(client: httpx.Client) -> None:
    app_chain = client.post("/joke/stream", json={"input": {"topic": "owls"}})
    assert app_chain.headers["content-type"].startswith("text/event-stream")
    got = events(app_chain)
    assert got[0][0] == "metadata"
    uuid.UUID(got[0][1]["run_id"])
    assert got[1:] == [("data", "a joke about owls"), ("end", None)]


def test_stream_error_midway_is_an_error_event_and_a_clean_end(served: Serve) -> None:
    def gen(chunks: Iterator[str]) -> Iterator[str]:
        yield "one"
        yield "two"
        raise RuntimeError(f"boom {SECRET}")

    app = create_app()
    add_routes(app, RunnableGenerator(gen), "/gen")
    with served(app) as s, httpx.Client(base_url=s.url, timeout=30) as c:
        r = c.post("/gen/stream", json={"input": "x"})  # reads the whole body: must end cleanly
        assert r.status_code == 200
        got = events(r)
        assert [e for e, _ in got] == ["metadata", "data", "data", "error"]
        assert [d for e, d in got if e == "data"] == ["one", "two"]
        assert got[-1][1] == {"status_code": 500, "message": "Internal Server Error"}
        assert SECRET not in r.text
        assert c.post("/gen/stream", json={"input": "y"}).status_code == 200  # same connection


def test_first_chunk_arrives_before_the_second_is_produced(served: Serve) -> None:
    release = threading.Event()
    produced: list[str] = []

    def gen(chunks: Iterator[str]) -> Iterator[str]:
        produced.append("one")
        yield "one"
        assert release.wait(20), "the client never saw chunk 1"
        produced.append("two")
        yield "two"

    app = create_app()
    add_routes(app, RunnableGenerator(gen), "/gen")
    with served(app) as s, httpx.Client(base_url=s.url, timeout=30) as c, \
            httpx_sse.connect_sse(c, "POST", "/gen/stream", json={"input": "x"}) as source:
        seen = []
        for sse in source.iter_sse():
            if sse.event == "data":
                seen.append(json.loads(sse.data))
                if len(seen) == 1:
                    assert produced == ["one"]  # chunk 2 does not exist yet
                    release.set()
            if sse.event == "end":
                break
    assert seen == ["one", "two"]


def test_stream_log_and_stream_events(served: Serve) -> None:
    prompt = ChatPromptTemplate.from_messages([("human", "tell {topic}")])
    chain = (prompt | RunnableLambda(lambda v: v.to_string())).with_config(
        metadata={"__internal": "x", "visible": "y"}
    )
    app = create_app()
    add_routes(app, chain, "/c")
    with served(app) as s, httpx.Client(base_url=s.url, timeout=30) as c:
        got = events(c.post("/c/stream_log", json={"input": {"topic": "t"}}))
        assert got[0][0] == "metadata"
        assert got[-1] == ("end", None)
        ops = [op for e, d in got if e == "data" for op in d["ops"]]
        assert ops[0]["op"] == "replace"
        assert ops[0]["path"] == ""
        assert any(op["path"] == "/streamed_output/-" and op["value"] == "Human: tell t"
                   for op in ops)
        prompt_end = next(op for op in ops if op["path"] == "/logs/ChatPromptTemplate/final_output")
        assert prompt_end["value"]["type"] == "ChatPromptValueConcrete"
        assert prompt_end["value"]["messages"][0]["type"] == "human"
        got = events(c.post("/c/stream_events", json={"input": {"topic": "t"},
                                                      "include_names": ["ChatPromptTemplate"]}))
        data = [d for e, d in got if e == "data"]
        assert [d["event"] for d in data] == ["on_prompt_start", "on_prompt_end"]
        got = events(c.post("/c/stream_events", json={"input": {"topic": "t"}}))
        data = [d for e, d in got if e == "data"]
        assert data[0]["event"] == "on_chain_start"
        assert data[0]["run_id"] == got[0][1]["run_id"]
        for d in data:
            assert not any(k.startswith("__") for k in d["metadata"])
        assert data[0]["metadata"]["visible"] == "y"
        assert data[-1]["event"] == "on_chain_end"
        assert data[-1]["data"]["output"] == "Human: tell t"
        r = c.post("/c/stream_events", json={"input": {"topic": "t"}, "include_names": "x"})
        assert r.status_code == 422


# -- values on the wire -------------------------------------------------------------------------


def test_messages_travel_as_type_tagged_dicts(client: httpx.Client) -> None:
    sent = [
        {"type": "system", "content": "be brief"},
        {"type": "human", "content": "hi", "additional_kwargs": {}, "example": False},
    ]
    r = client.post("/chat/invoke", json={"input": sent})
    assert r.status_code == 200, r.text
    out = r.json()["output"]
    assert out["type"] == "ai"
    assert out["content"] == "you said 2 things, last: hi"
    assert {"additional_kwargs", "response_metadata", "tool_calls"} <= set(out)
    r = client.post("/chat/invoke", json={"input": [{"type": "builtins.eval", "content": "x"}]})
    assert r.status_code == 422


# -- schemas, playground, CORS, endpoints -------------------------------------------------------


def test_schema_endpoints(client: httpx.Client) -> None:
    schema = client.get("/joke/input_schema").json()
    assert schema["properties"]["topic"]["type"] == "string"
    assert schema["required"] == ["topic"]
    assert client.get("/joke/output_schema").json()["type"] == "string"
    config = client.get("/joke/config_schema").json()
    assert config["type"] == "object"
    assert "configurable" in config["properties"]


def test_playground_files_and_no_path_traversal(server: Any, client: httpx.Client) -> None:
    page = client.get("/joke/playground/")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert page.headers["x-content-type-options"] == "nosniff"
    assert client.get("/joke/playground", follow_redirects=False).status_code == 307
    host, port = server.url.removeprefix("http://").split(":")
    for raw in [
        "/joke/playground/../../../pyproject.toml",
        "/joke/playground/..%2f..%2f_app.py",
        "/joke/playground/%2e%2e/%2e%2e/_app.py",
        "/joke/playground/../_app.py",
        "/joke/playground//etc/passwd",
        "/joke/playground/..\\_app.py",
    ]:
        with socket.create_connection((host, int(port)), timeout=10) as sock:
            sock.sendall(f"GET {raw} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode())
            data = b""
            while chunk := sock.recv(65536):
                data += chunk
        assert data.split(b" ")[1] in (b"404", b"400"), (raw, data[:200])
        assert b"import" not in data
        assert b"root:" not in data


def test_cors_is_off_by_default_and_on_when_asked(served: Serve) -> None:
    headers = {"origin": "http://evil.example", "access-control-request-method": "POST"}
    app = create_app({"/joke": RunnableLambda(joke)})
    with served(app) as s:
        r = httpx.options(f"{s.url}/joke/invoke", headers=headers)
        assert "access-control-allow-origin" not in r.headers
        r = httpx.post(f"{s.url}/joke/invoke", json={"input": {"topic": "x"}}, headers=headers)
        assert "access-control-allow-origin" not in r.headers
    app = create_app({"/joke": RunnableLambda(joke)}, cors_origins=["http://ok.example"])
    with served(app) as s:
        r = httpx.options(f"{s.url}/joke/invoke",
                          headers={**headers, "origin": "http://ok.example"})
        assert r.headers["access-control-allow-origin"] == "http://ok.example"


def test_enabled_and_disabled_endpoints(served: Serve) -> None:
    app = create_app()
    add_routes(app, RunnableLambda(joke), "/a", enabled_endpoints=["invoke"])
    add_routes(app, RunnableLambda(joke), "/b", disabled_endpoints=["playground", "batch"])
    with served(app) as s, httpx.Client(base_url=s.url) as c:
        assert c.post("/a/invoke", json={"input": {"topic": "x"}}).status_code == 200
        assert c.post("/a/stream", json={"input": {"topic": "x"}}).status_code == 404
        assert c.post("/b/stream", json={"input": {"topic": "x"}}).status_code == 200
        assert c.post("/b/batch", json={"inputs": []}).status_code == 404
        assert c.get("/b/playground/").status_code == 404


def test_sync_per_request_config_modifier_and_app_options(served: Serve) -> None:
    def modifier(config: dict[str, Any], request: Any) -> dict[str, Any]:
        return {**config, "configurable": {"path": request.url.path}}

    app = create_app({"/c": RunnableLambda(echo_config)}, title="demo",
                     per_req_config_modifier=modifier, max_batch=2)
    assert app.state.title == "demo"
    with served(app) as s:
        r = httpx.post(f"{s.url}/c/invoke", json={"input": "x"})
        assert r.json()["output"]["configurable"] == {"path": "/c/invoke"}
        assert httpx.post(f"{s.url}/c/batch", json={"inputs": ["a"] * 3}).status_code == 422
    with pytest.raises(TypeError, match="max_bach"):
        create_app(max_bach=3)


def test_add_routes_rejects_bad_options() -> None:
    app = create_app()
    with pytest.raises(ValueError, match="not both"):
        add_routes(app, RunnableLambda(joke), "/x", enabled_endpoints=["invoke"],
                   disabled_endpoints=["batch"])
    with pytest.raises(ValueError, match="unknown endpoints"):
        add_routes(app, RunnableLambda(joke), "/x", enabled_endpoints=["invokee"])
    with pytest.raises(ValueError, match="path"):
        add_routes(app, RunnableLambda(joke), "x/")
    with pytest.raises(ValueError, match="callbacks"):
        add_routes(app, RunnableLambda(joke), "/x", config_keys=["callbacks"])
    with pytest.raises(TypeError, match="Runnable"):
        add_routes(app, joke, "/x")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="positive"):
        add_routes(app, RunnableLambda(joke), "/x", max_batch=0)
    add_routes(app, RunnableLambda(joke), "/x")
    with pytest.raises(ValueError, match="already served"):
        add_routes(app, RunnableLambda(joke), "/x")


def test_a_configurable_runnable_over_http(served: Serve) -> None:
    from lcel import ConfigurableField

    shout = RunnableLambda(lambda x: str(x["topic"]).upper())
    chooser = RunnableLambda(joke).configurable_alternatives(
        ConfigurableField(id="style", description="how to answer"), loud=shout
    )
    app = create_app()
    add_routes(app, chooser, "/choose")
    add_routes(app, chooser, "/fixed", config_keys=())
    with served(app) as s, httpx.Client(base_url=s.url, timeout=30) as c:
        config = c.get("/choose/config_schema").json()
        assert config["properties"]["configurable"] == {
            "$ref": "#/$defs/Configurable", "default": None
        }
        assert config["$defs"]["style"]["enum"] == ["loud", "default"]
        body = {"input": {"topic": "owls"}, "config": {"configurable": {"style": "loud"}}}
        assert c.post("/choose/invoke", json=body).json()["output"] == "OWLS"
        assert c.post("/choose/invoke", json={"input": {"topic": "owls"}}).json()[
            "output"
        ] == "a joke about owls"
        assert c.get("/fixed/config_schema").json()["properties"] == {}
