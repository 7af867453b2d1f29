"""ChatOpenAI against the fake server over real HTTP: invoke, stream, async, usage, quirks."""

from __future__ import annotations

import asyncio
import copy
import pickle
from typing import Any

import pytest
from fake_openai_server import FakeOpenAI, Reply, usage

from lcel.messages import AIMessage, AIMessageChunk, HumanMessage, SystemMessage, ToolMessage
from lcel.openai import APIError, ChatOpenAI
from lcel.openai._chat import _NO_STREAM_OPTIONS
from lcel.prompts import ChatPromptTemplate


def model_for(server: FakeOpenAI, **options: Any) -> ChatOpenAI:
    return ChatOpenAI(model="gpt-fake", base_url=server.base_url, api_key="sk-test", **options)


def joined(chunks: list[AIMessageChunk]) -> AIMessageChunk:
    total = chunks[0]
    for chunk in chunks[1:]:
        total = total + chunk
    return total


def test_invoke_returns_the_message_with_usage_and_metadata(fake_openai: FakeOpenAI) -> None:
    fake_openai.reply("Hello there!", usage=usage(7, 2))
    answer = model_for(fake_openai, temperature=0.2).invoke("hi")
    assert type(answer) is AIMessage
    assert answer.content == "Hello there!"
    assert answer.usage_metadata == {"input_tokens": 7, "output_tokens": 2, "total_tokens": 9}
    assert answer.response_metadata["finish_reason"] == "stop"
    assert answer.response_metadata["model_name"] == "gpt-fake"
    assert answer.id == "chatcmpl-fake"
    sent = fake_openai.requests[-1]
    assert sent["json"]["messages"] == [{"role": "user", "content": "hi"}]
    assert sent["json"]["temperature"] == 0.2
    assert "stream" not in sent["json"]
    assert sent["headers"]["authorization"] == "Bearer sk-test"


def test_messages_are_sent_in_the_protocol_shape(fake_openai: FakeOpenAI) -> None:
    history = [
        SystemMessage("be brief"),
        HumanMessage("add 1 and 2"),
        AIMessage("", tool_calls=[{"name": "add", "args": {"a": 1, "b": 2}, "id": "call_1"}]),
        ToolMessage("3", tool_call_id="call_1"),
    ]
    model_for(fake_openai).invoke(history)
    assert fake_openai.requests[-1]["json"]["messages"] == [
        {"role": "system", "content": "be brief"},
        {"role": "user", "content": "add 1 and 2"},
        {"role": "assistant", "content": None, "tool_calls": [
            {"id": "call_1", "type": "function",
             "function": {"name": "add", "arguments": '{"a": 1, "b": 2}'}}]},
        {"role": "tool", "content": "3", "tool_call_id": "call_1"},
    ]  # fmt: skip


def test_fields_and_bound_options_reach_the_request(fake_openai: FakeOpenAI) -> None:
    model = model_for(fake_openai, max_completion_tokens=20, stop=["\n"], seed=3)
    model.bind(stop=["END"], logprobs=True).invoke("x")
    sent = fake_openai.requests[-1]["json"]
    assert sent["max_completion_tokens"] == 20
    assert sent["stop"] == ["END"]  # the call's stop replaces the model's
    assert sent["seed"] == 3
    assert sent["logprobs"] is True
    model.invoke("x")
    assert fake_openai.requests[-1]["json"]["stop"] == ["\n"]
    model_for(fake_openai, max_tokens=7).invoke("x")
    assert fake_openai.requests[-1]["json"]["max_completion_tokens"] == 7


def test_stream_yields_one_chunk_per_delta_and_usage_when_asked(fake_openai: FakeOpenAI) -> None:
    fake_openai.reply("one two three", usage=usage(4, 3))
    chunks = list(model_for(fake_openai, stream_usage=True).stream("count"))
    assert all(isinstance(c, AIMessageChunk) for c in chunks)
    assert [c.content for c in chunks if c.content] == ["one ", "two ", "three"]
    total = joined(chunks)
    assert total.content == "one two three"
    assert total.usage_metadata == {"input_tokens": 4, "output_tokens": 3, "total_tokens": 7}
    assert total.response_metadata["finish_reason"] == "stop"
    assert total.response_metadata["model_name"] == "gpt-fake"
    sent = fake_openai.requests[-1]["json"]
    assert sent["stream"] is True
    assert sent["stream_options"] == {"include_usage": True}


def test_stream_without_usage_asked_sends_no_stream_options(fake_openai: FakeOpenAI) -> None:
    fake_openai.reply("a b")
    total = joined(list(model_for(fake_openai).stream("x")))
    assert total.usage_metadata is None
    assert "stream_options" not in fake_openai.requests[-1]["json"]
    fake_openai.reply("a b")
    total = joined(list(model_for(fake_openai).bind(stream_usage=True).stream("x")))
    assert total.usage_metadata is not None


def test_invoke_with_streaming_true_joins_the_stream(fake_openai: FakeOpenAI) -> None:
    fake_openai.reply("joined answer", only_if_stream=True)
    answer = model_for(fake_openai, streaming=True).invoke("x")
    assert type(answer) is AIMessage
    assert answer.content == "joined answer"


def test_async_invoke_and_stream(fake_openai: FakeOpenAI) -> None:
    model = model_for(fake_openai, stream_usage=True)

    async def main() -> tuple[AIMessage, list[AIMessageChunk]]:
        try:
            fake_openai.reply("async hello")
            answer = await model.ainvoke("hi")
            fake_openai.reply("async stream here", usage=usage(1, 3))
            chunks = [c async for c in model.astream("hi")]
            return answer, chunks
        finally:
            await model.aclose()

    answer, chunks = asyncio.run(main())
    assert answer.content == "async hello"
    assert joined(chunks).content == "async stream here"
    assert joined(chunks).usage_metadata == {
        "input_tokens": 1, "output_tokens": 3, "total_tokens": 4,
    }  # fmt: skip


def test_in_a_chain_with_batch(fake_openai: FakeOpenAI) -> None:
    chain = ChatPromptTemplate.from_template("echo {word}") | model_for(fake_openai)
    answers = chain.batch([{"word": "a"}, {"word": "b"}])
    assert sorted(a.content for a in answers) == ["You said: echo a", "You said: echo b"]


def test_the_model_is_an_immutable_picklable_value(fake_openai: FakeOpenAI) -> None:
    model = model_for(fake_openai)
    model.invoke("warm the client")
    clone = pickle.loads(pickle.dumps(model))
    assert clone == model
    assert copy.deepcopy(model) == model
    assert hash(clone) == hash(model)
    assert clone.invoke("hi").content == "You said: hi"
    with pytest.raises(AttributeError):
        model.model = "other"  # type: ignore[misc]


def test_default_base_url_and_key_come_from_the_environment(
    monkeypatch: pytest.MonkeyPatch, fake_openai: FakeOpenAI
) -> None:
    monkeypatch.setenv("OPENAI_BASE_URL", fake_openai.base_url)
    monkeypatch.setenv("OPENAI_API_KEY", "sk-from-env")
    model = ChatOpenAI(model="gpt-fake")
    assert model.base_url == fake_openai.base_url
    assert model.invoke("env").content == "You said: env"
    assert fake_openai.requests[-1]["headers"]["authorization"] == "Bearer sk-from-env"
    monkeypatch.delenv("OPENAI_BASE_URL")
    monkeypatch.delenv("OPENAI_API_KEY")
    bare = ChatOpenAI()
    assert bare.base_url == "https://api.openai.com/v1"
    assert bare.api_key is None


def test_no_key_sends_no_authorization(fake_openai: FakeOpenAI) -> None:
    ChatOpenAI(model="local", base_url=fake_openai.base_url, api_key=None).invoke("x")
    assert "authorization" not in fake_openai.requests[-1]["headers"]


# -- what real servers send --------------------------------------------------------------------


def _event(delta: dict[str, Any], finish: str | None = None) -> dict[str, Any]:
    return {"id": "c1", "model": "m", "choices": [
        {"index": 0, "delta": delta, "finish_reason": finish}]}  # fmt: skip


def _call(index: int | None, **fields: Any) -> dict[str, Any]:
    fragment: dict[str, Any] = {"function": {}}
    if index is not None:
        fragment["index"] = index
    if "id" in fields:
        fragment["id"] = fields.pop("id")
        fragment["type"] = "function"
    fragment["function"] = fields
    return fragment


def test_tool_call_fragments_without_index(fake_openai: FakeOpenAI) -> None:
    fake_openai.events([
        _event({"role": "assistant", "content": None}),
        _event({"tool_calls": [_call(None, id="a", name="add", arguments='{"x": ')]}),
        _event({"tool_calls": [_call(None, arguments="1}")]}),
        _event({"tool_calls": [_call(None, id="b", name="mul", arguments='{"y": 2}')]}),
        _event({}, "tool_calls"),
    ])  # fmt: skip
    total = joined(list(model_for(fake_openai).stream("x")))
    assert [(c["name"], c["args"], c["id"]) for c in total.tool_calls] == [
        ("add", {"x": 1}, "a"), ("mul", {"y": 2}, "b"),
    ]  # fmt: skip


def test_one_index_for_several_calls_a_new_id_is_a_new_call(fake_openai: FakeOpenAI) -> None:
    fake_openai.events([
        _event({"tool_calls": [_call(0, id="a", name="add", arguments='{"x": 1}')]}),
        _event({"tool_calls": [_call(0, id="b", name="add", arguments='{"x": 2}')]}),
        _event({"tool_calls": [_call(0, id="b", name="add", arguments="")]}),  # repeats
        _event({}, "tool_calls"),
    ])  # fmt: skip
    total = joined(list(model_for(fake_openai).stream("x")))
    assert [(c["name"], c["args"], c["id"]) for c in total.tool_calls] == [
        ("add", {"x": 1}, "a"), ("add", {"x": 2}, "b"),
    ]  # fmt: skip
    assert total.to_message().tool_calls == total.tool_calls


def test_choices_null_and_no_usage_chunk(fake_openai: FakeOpenAI) -> None:
    fake_openai.events([
        {"id": "c1", "choices": None},
        _event({"content": "ok"}),
        {"id": "c1", "choices": []},
        _event({}, "stop"),
    ])  # fmt: skip
    total = joined(list(model_for(fake_openai, stream_usage=True).stream("x")))
    assert total.content == "ok"
    assert total.usage_metadata is None


def test_server_rejecting_stream_options_is_retried_once_without(
    fake_openai: FakeOpenAI,
) -> None:
    _NO_STREAM_OPTIONS.discard(fake_openai.base_url)
    try:
        fake_openai.reply("fine", reject_stream_options=True)
        total = joined(list(model_for(fake_openai, stream_usage=True).stream("x")))
        assert total.content == "fine"
        bodies = [r["json"] for r in fake_openai.requests]
        assert ["stream_options" in b for b in bodies] == [True, False]
    finally:
        _NO_STREAM_OPTIONS.discard(fake_openai.base_url)


def test_reasoning_content_is_kept(fake_openai: FakeOpenAI) -> None:
    fake_openai.reply("42", reasoning_content="think hard")
    total = joined(list(model_for(fake_openai).stream("x")))
    assert total.content == "42"
    assert total.additional_kwargs["reasoning_content"] == "think hard"
    fake_openai.reply("42", reasoning_content="think hard")
    assert model_for(fake_openai).invoke("x").additional_kwargs["reasoning_content"] == (
        "think hard"
    )


def test_error_line_mid_stream_raises_after_the_first_chunks(fake_openai: FakeOpenAI) -> None:
    fake_openai.events([
        _event({"content": "par"}),
        {"error": {"message": "model overloaded mid-way", "type": "server_error"}},
        _event({"content": "never"}),
    ])  # fmt: skip
    stream = model_for(fake_openai).stream("x")
    assert next(stream).content == "par"
    with pytest.raises(APIError, match="model overloaded mid-way") as info:
        next(stream)
    assert len(fake_openai.requests) == 1  # no retry once the stream started
    assert info.value.body == {"error": {"message": "model overloaded mid-way",
                                         "type": "server_error"}}  # fmt: skip


def test_done_ends_the_stream(fake_openai: FakeOpenAI) -> None:
    fake_openai.events([_event({"content": "a"}), "[DONE]", _event({"content": "after"})])
    assert joined(list(model_for(fake_openai).stream("x"))).content == "a"


def test_invalid_tool_arguments_go_to_invalid_tool_calls(fake_openai: FakeOpenAI) -> None:
    fake_openai.reply(tool_calls=[{"name": "add", "args": "{not json", "id": "c9"}])
    answer = model_for(fake_openai).invoke("x")
    assert answer.tool_calls == []
    assert answer.invalid_tool_calls[0]["name"] == "add"
    assert answer.invalid_tool_calls[0]["args"] == "{not json"
    assert answer.invalid_tool_calls[0]["id"] == "c9"
    assert "not valid JSON" in str(answer.invalid_tool_calls[0]["error"])


def test_streamed_tool_calls_accumulate(fake_openai: FakeOpenAI) -> None:
    fake_openai.reply(tool_calls=[
        {"name": "add", "args": {"a": 1, "b": 2}, "id": "c1"},
        {"name": "mul", "args": {"a": 3, "b": 4}, "id": "c2"},
    ])  # fmt: skip
    chunks = list(model_for(fake_openai).stream("x"))
    assert sum(1 for c in chunks if c.tool_call_chunks) == 4
    total = joined(chunks)
    assert [(c["name"], c["args"], c["id"]) for c in total.tool_calls] == [
        ("add", {"a": 1, "b": 2}, "c1"), ("mul", {"a": 3, "b": 4}, "c2"),
    ]  # fmt: skip
    assert total.response_metadata["finish_reason"] == "tool_calls"


def test_a_server_ignoring_stream_answers_with_one_chunk(fake_openai: FakeOpenAI) -> None:
    message = {"role": "assistant", "content": "whole"}
    body = {"id": "x", "model": "m", "choices": [{"message": message, "finish_reason": "stop"}]}
    fake_openai.push(Reply(body=body))
    chunks = list(model_for(fake_openai).stream("x"))
    assert [c.content for c in chunks] == ["whole"]


def test_clients_are_pooled_per_connection_settings_and_closed(fake_openai: FakeOpenAI) -> None:
    from lcel.openai import _http

    first = model_for(fake_openai)
    other_key = ChatOpenAI(model="other", base_url=fake_openai.base_url, api_key="sk-other")
    client = _http.sync_client(first._settings())
    assert _http.sync_client(other_key._settings()) is client  # the key is not a setting
    assert _http.sync_client(model_for(fake_openai, timeout=9)._settings()) is not client
    first.close()
    assert client.is_closed
    assert first.invoke("again").content == "You said: again"  # a new client opens
    assert _http.sync_client(first._settings()) is not client


def test_secret_str_and_validation() -> None:
    from lcel.errors import InputValidationError
    from lcel.openai import SecretStr

    key = SecretStr("sk-abc")
    assert key == SecretStr("sk-abc")
    assert key != SecretStr("sk-abd")
    assert pickle.loads(pickle.dumps(key)).get_secret_value() == "sk-abc"
    model = ChatOpenAI(api_key=key, base_url="http://127.0.0.1:9/v1")
    assert model.api_key is key
    assert model == ChatOpenAI(api_key="sk-abc", base_url="http://127.0.0.1:9/v1")
    with pytest.raises(InputValidationError, match="timeout must be a number of seconds"):
        ChatOpenAI(timeout=-1)
    with pytest.raises(InputValidationError, match="max_retries must be an int >= 0"):
        ChatOpenAI(max_retries=-1)
    with pytest.raises(InputValidationError, match="model must be a non-empty str"):
        ChatOpenAI(model="")


def test_sse_framing_variants(fake_openai: FakeOpenAI) -> None:
    fake_openai.events([
        b": keep-alive comment\r\n\r\n",
        b'data: {"id": "c", "choices": [{"index": 0, "delta": {"content": "sp"}}]}\r\n\r\n',
        b'data: {"id": "c", "choices": [{"index": 0, "del',  # a line split across writes
        b'ta": {"content": "lit"}}]}\n\n',
        b"data: [DONE]\n\n",
    ], event_delay=0.01)  # fmt: skip
    assert joined(list(model_for(fake_openai).stream("x"))).content == "split"


def test_sse_error_event_raises(fake_openai: FakeOpenAI) -> None:
    fake_openai.events([b'event: error\ndata: {"message": "upstream failed"}\n\n'])
    with pytest.raises(APIError, match="upstream failed"):
        list(model_for(fake_openai).stream("x"))
