"""``LlamaCppChatModel`` running the real default model (SmolLM2-135M-Instruct), offline.

Marked ``local_model`` and skipped, with the reason, when the ``local`` extra is absent.
Answers are kept short (small ``max_tokens``); ``temperature=0`` makes them repeatable.
"""

from __future__ import annotations

import asyncio
import pickle
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from _local_extra import needs_local_extra

from lcel import RunnableLambda
from lcel.errors import InputValidationError
from lcel.local import LlamaCppChatModel, default_chat_model_path
from lcel.messages import AIMessage, AIMessageChunk, HumanMessage, SystemMessage
from lcel.parsers import StrOutputParser
from lcel.prompts import ChatPromptTemplate

pytestmark = needs_local_extra

ROOT = Path(__file__).resolve().parent.parent
QUESTION = "What is the capital of France?"


@pytest.fixture(scope="module")
def model() -> LlamaCppChatModel:
    return LlamaCppChatModel(temperature=0, max_tokens=24)


@pytest.fixture(scope="module")
def answer(model: LlamaCppChatModel) -> AIMessage:
    return model.invoke(QUESTION)


def test_the_default_model_comes_from_its_package() -> None:
    path = default_chat_model_path()
    assert path.name == "SmolLM2-135M-Instruct.Q4_1.gguf"
    assert path.stat().st_size > 50_000_000
    assert LlamaCppChatModel().model_name == "SmolLM2-135M-Instruct.Q4_1"


def test_invoke_answers_with_the_real_model(answer: AIMessage) -> None:
    assert type(answer) is AIMessage
    assert "Paris" in answer.text
    assert answer.response_metadata["model_name"] == "SmolLM2-135M-Instruct.Q4_1"
    assert answer.response_metadata["finish_reason"] in {"stop", "length"}


def test_temperature_zero_is_deterministic(model: LlamaCppChatModel, answer: AIMessage) -> None:
    assert model.invoke(QUESTION).text == answer.text


def test_a_seed_makes_sampling_repeatable() -> None:
    hot = LlamaCppChatModel(temperature=1.5, top_k=0, top_p=1.0, max_tokens=16, seed=7)
    prompt = "Invent a name for a cat."
    first = hot.invoke(prompt).text
    assert hot.invoke(prompt).text == first
    others = {hot.bind(seed=s).invoke(prompt).text for s in (1, 2, 3)}
    assert others != {first}  # other seeds sample other answers


def test_messages_go_through_the_models_chat_template(model: LlamaCppChatModel) -> None:
    llama = model._load().llama
    assert "<|im_start|>" in llama.metadata["tokenizer.chat_template"]  # SmolLM2's ChatML
    system = "You are a pirate. Talk like a pirate."
    messages = [SystemMessage(system), HumanMessage("Say hello.")]
    ours = model.invoke(messages).text
    direct = llama.create_chat_completion(
        [{"role": "system", "content": system}, {"role": "user", "content": "Say hello."}],
        temperature=0,
        max_tokens=24,
        repeat_penalty=1.1,
    )
    assert ours == direct["choices"][0]["message"]["content"]
    assert ours != model.invoke("Say hello.").text  # the system message reached the model


def test_stream_yields_tokens_that_add_up_to_invoke(
    model: LlamaCppChatModel, answer: AIMessage
) -> None:
    chunks = list(model.stream(QUESTION))
    assert all(type(c) is AIMessageChunk for c in chunks)
    texts = [c.text for c in chunks if c.text]
    assert len(texts) > 3  # token by token, not one block
    total = chunks[0]
    for chunk in chunks[1:]:
        total = total + chunk
    assert total.to_message() == answer
    assert chunks[-1].response_metadata["finish_reason"] == answer.response_metadata[
        "finish_reason"
    ]


def test_async_runs_in_a_worker_thread_and_matches(
    model: LlamaCppChatModel, answer: AIMessage
) -> None:
    async def run() -> tuple[AIMessage, str, bool]:
        beats = 0
        stop = asyncio.Event()

        async def heartbeat() -> None:
            nonlocal beats
            while not stop.is_set():
                beats += 1
                await asyncio.sleep(0.001)

        task = asyncio.create_task(heartbeat())
        message = await model.ainvoke(QUESTION)
        text = "".join([c.text async for c in model.astream(QUESTION)])
        stop.set()
        await task
        return message, text, beats > 3

    message, text, loop_stayed_free = asyncio.run(run())
    assert message == answer
    assert text == answer.text
    assert loop_stayed_free  # generation ran off the event loop


def test_batch_takes_turns_on_one_model(model: LlamaCppChatModel, answer: AIMessage) -> None:
    other = "What is 2 + 2?"
    alone = model.invoke(other)
    results = model.batch([QUESTION, other, QUESTION], config={"max_concurrency": 3})
    assert [r.text for r in results] == [answer.text, alone.text, answer.text]


def test_abatch(model: LlamaCppChatModel, answer: AIMessage) -> None:
    results = asyncio.run(model.abatch([QUESTION, QUESTION]))
    assert [r.text for r in results] == [answer.text, answer.text]


def test_stop_sequences_cut_the_answer(model: LlamaCppChatModel, answer: AIMessage) -> None:
    words = answer.text.split()
    assert len(words) > 3
    stop = " " + words[2]
    expected = answer.text[: answer.text.index(stop)]
    assert model.bind(stop=[stop]).invoke(QUESTION).text == expected
    assert LlamaCppChatModel(temperature=0, max_tokens=24, stop=stop).invoke(
        QUESTION
    ).text == expected
    streamed = "".join(c.text for c in model.bind(stop=stop).stream(QUESTION))
    assert streamed == expected


def test_max_tokens_limits_the_answer(model: LlamaCppChatModel, answer: AIMessage) -> None:
    short = model.bind(max_tokens=3).stream("Write a long story about a dragon.")
    chunks = list(short)
    assert 1 <= len([c for c in chunks if c.text]) <= 3
    assert chunks[-1].response_metadata["finish_reason"] == "length"


def test_bound_options_are_checked(model: LlamaCppChatModel) -> None:
    with pytest.raises(InputValidationError, match=r"unknown option\(s\) 'temprature'"):
        model.bind(temprature=0).invoke("hi")
    with pytest.raises(InputValidationError, match=r"max_tokens must be an int >= 1"):
        model.bind(max_tokens=0).invoke("hi")
    with pytest.raises(InputValidationError, match=r"expects a str, a PromptValue"):
        model.invoke(42)  # type: ignore[arg-type]


def test_events_report_a_chat_model_run(model: LlamaCppChatModel, answer: AIMessage) -> None:
    async def collect() -> list[dict[str, Any]]:
        return [dict(e) async for e in model.astream_events(QUESTION, version="v2")]

    events = asyncio.run(collect())
    kinds = [e["event"] for e in events]
    assert kinds[0] == "on_chat_model_start"
    assert kinds[-1] == "on_chat_model_end"
    assert kinds.count("on_chat_model_stream") > 3
    assert {e["name"] for e in events} == {"LlamaCppChatModel"}
    assert events[0]["data"]["input"] == {"messages": [[HumanMessage(QUESTION)]]}
    assert events[-1]["data"]["output"].text == answer.text


def test_schema_graph_and_value(model: LlamaCppChatModel) -> None:
    assert model.input_schema["title"] == "LlamaCppChatModelInput"
    assert model.output_schema["title"] == "LlamaCppChatModelOutput"
    assert {"$ref": "#/$defs/AIMessage"} in model.output_schema["anyOf"]
    chain = ChatPromptTemplate.from_template("{q}") | model | StrOutputParser()
    assert "LlamaCppChatModel" in chain.get_graph().draw_ascii()
    assert model == LlamaCppChatModel(temperature=0, max_tokens=24)
    assert hash(model) == hash(LlamaCppChatModel(temperature=0, max_tokens=24))
    assert "LlamaCppChatModel(model_path=None, temperature=0" in repr(model)


def test_loading_happens_once_per_process(model: LlamaCppChatModel) -> None:
    handle = model._load()
    # another value with the same load settings, and a pickled copy, share the handle
    assert LlamaCppChatModel(temperature=1.0, max_tokens=5)._load() is handle
    copy = pickle.loads(pickle.dumps(model))
    assert copy == model
    assert copy._load() is handle
    assert LlamaCppChatModel(model_path=default_chat_model_path())._load() is handle
    assert LlamaCppChatModel(n_ctx=512)._load() is not handle  # another context size


def test_in_a_chain_with_a_prompt_and_a_parser(model: LlamaCppChatModel) -> None:
    chain = (
        ChatPromptTemplate.from_messages([("human", "What is the capital of {country}?")])
        | model
        | StrOutputParser()
        | RunnableLambda(str.upper)
    )
    assert "PARIS" in chain.invoke({"country": "France"})


def test_lcel_run_streams_the_local_chat_example() -> None:
    exe = Path(sys.executable).with_name("lcel")
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "lcel.cli"]
    result = subprocess.run(  # noqa: PLW1510 (the exit status is asserted)
        [*cmd, "run", "examples/local_chat.py:chain", "--input", f'"{QUESTION}"', "--stream"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "Paris" in result.stdout


def test_the_local_chat_example_runs() -> None:
    result = subprocess.run(  # noqa: PLW1510 (the exit status is asserted)
        [sys.executable, str(ROOT / "examples" / "local_chat.py")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "== invoke\n" in out
    assert "Paris" in out
    assert out.count("|") > 5  # the streamed answer, one token per piece
    assert "== batch" in out
    assert "== a stop sequence cuts the answer" in out
    last = out.rstrip().splitlines()[-1]
    assert "." not in last.strip("'\"")  # cut before the first full stop


def test_a_cancelled_stream_frees_the_model(model: LlamaCppChatModel, answer: AIMessage) -> None:
    async def run() -> AIMessage:
        first = asyncio.Event()

        async def consume() -> None:
            async for chunk in model.bind(max_tokens=200).astream("Tell me a long story."):
                if chunk.text:
                    first.set()

        task = asyncio.create_task(consume())
        await first.wait()
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        assert not model._load().lock.locked()  # the generation was closed, not left open
        return await model.ainvoke(QUESTION)

    assert asyncio.run(run()) == answer


def test_a_process_that_loaded_the_model_exits_quietly() -> None:
    code = (
        "from lcel.local import LlamaCppChatModel\n"
        "print(LlamaCppChatModel(temperature=0, max_tokens=4).invoke('hi').text)\n"
    )
    result = subprocess.run(  # noqa: PLW1510 (the exit status is asserted)
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip()
    assert "Exception ignored" not in result.stderr  # the handle was closed before teardown
    assert "Traceback" not in result.stderr
