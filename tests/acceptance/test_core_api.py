import asyncio
import threading
import time

import pytest
from conftest import acollect, run
from returns.result import Failure, Result, Success

from lcel import (
    Runnable,
    RunnableBranch,
    RunnableConfig,
    RunnableGenerator,
    RunnableLambda,
    RunnableParallel,
    RunnablePassthrough,
    RunnableSequence,
    chain,
)
from lcel.errors import InputValidationError, LcelError, RecursionLimitError
from lcel.messages import AIMessage
from lcel.models import FakeListChatModel, FakeListLLM
from lcel.parsers import JsonOutputParser, OutputParserError, StrOutputParser
from lcel.prompts import ChatPromptTemplate, PromptTemplate


def add1(x: int) -> int:
    return x + 1

def dbl(x: int) -> int:
    return x * 2


# ---------- invoke / batch ----------
def test_invoke_ainvoke():
    r = RunnableLambda(add1)
    assert r.invoke(1) == 2
    assert run(r.ainvoke(1)) == 2

def test_batch_order_and_abatch():
    r = RunnableLambda(add1)
    assert r.batch([1, 2, 3]) == [2, 3, 4]
    assert run(r.abatch([1, 2, 3])) == [2, 3, 4]
    assert r.batch([]) == []

def test_batch_per_input_config():
    seen = []
    def f(x, config):
        seen.append((x, tuple(config.get("tags", []))))
        return x
    r = RunnableLambda(f)
    r.batch([1, 2], config=[{"tags": ["a"]}, {"tags": ["b"]}])
    d = dict(seen)
    assert "a" in d[1] and "b" in d[2]

def test_abatch_per_input_config():
    seen = []
    def f(x, config):
        seen.append((x, tuple(config.get("tags", []))))
        return x
    r = RunnableLambda(f)
    run(r.abatch([1, 2], config=[{"tags": ["a"]}, {"tags": ["b"]}]))
    d = dict(seen)
    assert "a" in d[1] and "b" in d[2]

def _concurrency_probe():
    lock = threading.Lock()
    state = {"cur": 0, "max": 0}
    def f(x):
        with lock:
            state["cur"] += 1
            state["max"] = max(state["max"], state["cur"])
        time.sleep(0.05)
        with lock:
            state["cur"] -= 1
        return x
    return f, state

def test_batch_max_concurrency():
    f, state = _concurrency_probe()
    out = RunnableLambda(f).batch(list(range(8)), config={"max_concurrency": 2})
    assert out == list(range(8))
    assert state["max"] <= 2
    assert state["max"] == 2

def test_batch_is_concurrent_default():
    f, state = _concurrency_probe()
    RunnableLambda(f).batch(list(range(4)))
    assert state["max"] > 1

def test_abatch_max_concurrency():
    state = {"cur": 0, "max": 0}
    async def f(x):
        state["cur"] += 1
        state["max"] = max(state["max"], state["cur"])
        await asyncio.sleep(0.02)
        state["cur"] -= 1
        return x
    out = run(RunnableLambda(f).abatch(list(range(8)), config={"max_concurrency": 3}))
    assert out == list(range(8))
    assert state["max"] == 3

def test_batch_max_concurrency_whole_chain():
    f, state = _concurrency_probe()
    c = RunnableLambda(add1) | RunnableLambda(f)
    c.batch(list(range(6)), config={"max_concurrency": 1})
    assert state["max"] == 1

def boom_if_two(x: int) -> int:
    if x == 2:
        raise ValueError("two")
    return x

def test_batch_return_exceptions():
    r = RunnableLambda(boom_if_two)
    out = r.batch([1, 2, 3], return_exceptions=True)
    assert out[0] == 1 and out[2] == 3
    assert isinstance(out[1], ValueError)
    with pytest.raises(ValueError):
        r.batch([1, 2, 3])
    out = run(r.abatch([1, 2, 3], return_exceptions=True))
    assert isinstance(out[1], ValueError) and out[2] == 3

def test_batch_as_completed():
    def f(x):
        time.sleep(0.05 * x)
        return x * 10
    r = RunnableLambda(f)
    res = list(r.batch_as_completed([3, 1, 2]))
    assert sorted(res) == [(0, 30), (1, 10), (2, 20)]
    assert res[0] == (1, 10)

def test_abatch_as_completed():
    async def f(x):
        await asyncio.sleep(0.03 * x)
        return x * 10
    r = RunnableLambda(f)
    res = run(acollect(r.abatch_as_completed([3, 1, 2])))
    assert sorted(res) == [(0, 30), (1, 10), (2, 20)]
    assert res[0] == (1, 10)

def test_batch_as_completed_return_exceptions():
    r = RunnableLambda(boom_if_two)
    res = dict(r.batch_as_completed([1, 2], return_exceptions=True))
    assert res[0] == 1 and isinstance(res[1], ValueError)

def test_try_invoke_and_try_batch():
    r = RunnableLambda(boom_if_two)
    ok = r.try_invoke(1)
    assert isinstance(ok, Result) and ok == Success(1)
    bad = r.try_invoke(2)
    assert isinstance(bad, Failure)
    assert isinstance(bad.failure(), ValueError)
    rs = r.try_batch([1, 2, 3])
    assert rs[0] == Success(1) and isinstance(rs[1], Failure) and rs[2] == Success(3)

def test_async_try():
    r = RunnableLambda(boom_if_two)
    assert run(r.atry_invoke(3)) == Success(3)
    assert isinstance(run(r.atry_invoke(2)), Failure)
    rs = run(r.atry_batch([1, 2]))
    assert rs[0] == Success(1) and isinstance(rs[1], Failure)

# ---------- stream / transform ----------
def test_stream_lambda_single_chunk():
    assert list(RunnableLambda(add1).stream(1)) == [2]
    assert run(acollect(RunnableLambda(add1).astream(1))) == [2]

def test_stream_first_chunk_leaves_early():
    model = FakeListChatModel(responses=["hello world"])
    c = ChatPromptTemplate.from_template("x {t}") | model | StrOutputParser()
    it = c.stream({"t": "a"})
    first = next(it)
    assert first == "h"
    rest = list(it)
    assert "".join([first] + rest) == "hello world"

def test_stream_timing_generator_upstream():
    # a slow generator upstream of a parser: first chunk must arrive before the last is produced
    times = []
    def gen(it):
        for i in range(3):
            time.sleep(0.1)
            yield str(i)
    c = RunnableGenerator(gen) | StrOutputParser()
    t0 = time.monotonic()
    for ch in c.stream(None):
        times.append(time.monotonic() - t0)
    assert len(times) == 3
    assert times[0] < 0.2

def test_astream_first_chunk_early():
    model = FakeListChatModel(responses=["abc"])
    c = model | StrOutputParser()
    assert run(acollect(c.astream("hi"))) == ["a", "b", "c"]

def test_transform_atransform():
    p = StrOutputParser()
    assert list(p.transform(iter(["a", "b"]))) == ["a", "b"]
    async def agen():
        for x in ["a", "b"]:
            yield x
    assert run(acollect(p.atransform(agen()))) == ["a", "b"]

def test_transform_lambda_combines_input():
    r = RunnableLambda(lambda s: s.upper())
    out = list(r.transform(iter(["ab", "cd"])))
    assert out == ["ABCD"]

# ---------- names ----------
def test_names():
    def foo(x):
        return x
    assert RunnableLambda(foo).get_name() == "foo"
    assert RunnableLambda(foo).name == "foo"
    assert RunnableLambda(foo).with_config(run_name="bar").get_name() == "bar"
    p = RunnableParallel(a=RunnableLambda(foo), b=RunnableLambda(foo))
    assert p.get_name() == "RunnableParallel<a,b>"
    assert (RunnableLambda(foo) | RunnableLambda(foo)).get_name() == "RunnableSequence"
    assert StrOutputParser().get_name() == "StrOutputParser"
    assert RunnablePassthrough().get_name() == "RunnablePassthrough"
    assert FakeListChatModel(responses=["a"]).get_name() == "FakeListChatModel"

def test_with_config_forms():
    r = RunnableLambda(add1)
    a = r.with_config({"run_name": "x"})
    b = r.with_config(run_name="x")
    c = r.with_config(None, run_name="x")
    assert a.get_name() == b.get_name() == c.get_name() == "x"
    assert a.invoke(1) == 2
    assert a == b

def test_with_config_tags_reach_config():
    seen = {}
    def f(x, config):
        seen.update(config)
        return x
    RunnableLambda(f).with_config(tags=["t1"], metadata={"m": 1}, configurable={"k": "v"}).invoke(1)
    assert "t1" in seen["tags"]
    assert seen["metadata"]["m"] == 1
    assert seen["configurable"]["k"] == "v"

def test_runnable_config_typeddict():
    keys = set(RunnableConfig.__annotations__)
    assert {"tags", "metadata", "run_name", "run_id", "max_concurrency", "recursion_limit",
            "callbacks", "configurable"} <= keys
    assert RunnableConfig.__total__ is False

# ---------- composition ----------
def test_operator_forms():
    a = RunnableLambda(add1)
    assert (a | RunnableLambda(dbl)).invoke(1) == 4
    assert (a | dbl).invoke(1) == 4
    assert (a | (lambda x: x * 3)).invoke(1) == 6
    assert (dbl | a).invoke(1) == 3
    assert (a | {"x": dbl, "y": RunnableLambda(add1)}).invoke(1) == {"x": 4, "y": 3}
    assert ({"x": dbl, "y": a} | RunnableLambda(lambda d: d["x"] + d["y"])).invoke(1) == 4
    s = a | dbl
    assert isinstance(s, RunnableSequence)
    assert isinstance(a | {"x": dbl}, RunnableSequence)

def test_pipe():
    a = RunnableLambda(add1)
    assert a.pipe(dbl, RunnableLambda(add1)).invoke(1) == 5

def test_nested_dict_in_composition():
    c = RunnableLambda(add1) | {"a": {"b": dbl}}
    assert c.invoke(1) == {"a": {"b": 4}}

def test_map_pick_assign():
    assert RunnableLambda(add1).map().invoke([1, 2, 3]) == [2, 3, 4]
    p = RunnableParallel(a=RunnableLambda(add1), b=RunnableLambda(dbl))
    assert p.pick("a").invoke(1) == 2
    assert p.pick(["a"]).invoke(1) == {"a": 2}
    assert p.pick(["a", "b"]).invoke(1) == {"a": 2, "b": 2}
    assert p.assign(c=lambda d: d["a"] + d["b"]).invoke(1) == {"a": 2, "b": 2, "c": 4}

def test_bind_lambda_kwargs():
    def f(x: int, *, k: int = 0) -> int:
        return x + k
    assert RunnableLambda(f).bind(k=5).invoke(1) == 6

def test_bind_model_stop():
    m = FakeListChatModel(responses=["hello world"])
    out = m.bind(stop=["o"]).invoke("hi")
    assert isinstance(out, AIMessage)
    # LangChain FakeListChatModel ignores stop; contract only says keywords reach the call
    llm = FakeListLLM(responses=["abc"])
    assert isinstance(llm.bind(stop=["x"]).invoke("q"), str)

def test_composing_never_mutates():
    a = RunnableLambda(add1)
    b = RunnableLambda(dbl)
    s1 = a | b
    s2 = s1 | a
    assert s1.invoke(1) == 4
    assert s2.invoke(1) == 5
    w = a.with_config(run_name="z")
    assert a.get_name() == "add1"
    assert w.get_name() == "z"

def test_frozen():
    import attrs
    a = RunnableLambda(add1)
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        a.func = dbl  # type: ignore
    s = a | dbl
    for attr in list(attrs.fields_dict(type(s)))[:1]:
        with pytest.raises(attrs.exceptions.FrozenInstanceError):
            setattr(s, attr, None)
    assert attrs.has(type(StrOutputParser()))
    assert attrs.has(type(FakeListChatModel(responses=["a"])))

def test_equal_trees_hash_equal():
    s1 = RunnableLambda(add1) | RunnableLambda(dbl)
    s2 = RunnableLambda(add1) | RunnableLambda(dbl)
    assert s1 == s2 and hash(s1) == hash(s2)
    p1 = ChatPromptTemplate.from_template("a {x}") | StrOutputParser()
    p2 = ChatPromptTemplate.from_template("a {x}") | StrOutputParser()
    assert p1 == p2 and hash(p1) == hash(p2)
    assert (RunnableLambda(add1) | RunnableLambda(add1)) != s1
    d1 = RunnableLambda(add1) | {"a": RunnableLambda(dbl)}
    d2 = RunnableLambda(add1) | {"a": RunnableLambda(dbl)}
    assert d1 == d2 and hash(d1) == hash(d2)

# ---------- lambdas ----------
def test_lambda_async_sync_and_config():
    async def af(x):
        return x + 10
    r = RunnableLambda(af)
    assert run(r.ainvoke(1)) == 11
    assert r.invoke(1) == 11  # sync invoke of async fn
    def f(x, config):
        return config.get("metadata", {}).get("v")
    assert RunnableLambda(f).invoke(1, {"metadata": {"v": 3}}) == 3

def test_chain_decorator():
    @chain
    def my_fn(x: int) -> int:
        return x + 1
    assert isinstance(my_fn, Runnable)
    assert my_fn.invoke(1) == 2
    assert my_fn.get_name() == "my_fn"

def test_lambda_returning_runnable():
    r = RunnableLambda(lambda x: RunnableLambda(dbl))
    assert r.invoke(3) == 6
    assert run(r.ainvoke(3)) == 6

def test_recursion_limit():
    def rec(x):
        return RunnableLambda(rec)
    with pytest.raises(RecursionLimitError) as ei:
        RunnableLambda(rec).invoke(1)
    assert isinstance(ei.value, LcelError) and isinstance(ei.value, RecursionError)
    with pytest.raises(RecursionLimitError):
        run(RunnableLambda(rec).ainvoke(1))

def test_recursion_limit_default_25_and_config():
    def make(n):
        def f(x):
            if x <= 0:
                return "done"
            return RunnableLambda(lambda y: y - 1) | RunnableLambda(make(n))
        return f
    # depth counting: chain of hops
    def hop(x: int):
        if x == 0:
            return 0
        return RunnableLambda(hop).with_config(run_name="hop").bind() if False else _Hop(x - 1)
    # simpler: lambda returns runnable that returns runnable ... k times
    def mk(k):
        if k == 0:
            return RunnableLambda(lambda x: x)
        return RunnableLambda(lambda x, k=k: mk(k - 1))
    assert mk(10).invoke(7) == 7
    with pytest.raises(RecursionLimitError):
        mk(40).invoke(7)
    with pytest.raises(RecursionLimitError):
        mk(10).invoke(7, {"recursion_limit": 5})

class _Hop:  # placeholder
    pass

def test_generator_lambda_combines_input():
    def g(s):
        for ch in s:
            yield ch.upper()
    r = RunnableLambda(g)
    assert r.invoke("abc") == "ABC"
    assert list(r.stream("abc")) == ["A", "B", "C"]
    def upg(it):
        for x in ["ab", "c"]:
            yield x
    up = RunnableGenerator(upg)
    c = up | r
    assert list(c.stream(None)) == ["A", "B", "C"]

def test_async_generator_lambda():
    async def g(s):
        for ch in s:
            yield ch
    r = RunnableLambda(g)
    assert run(r.ainvoke("ab")) == "ab"
    assert run(acollect(r.astream("ab"))) == ["a", "b"]

def test_runnable_generator():
    seen = []
    def g(it):
        for x in it:
            seen.append(x)
            yield x.upper()
    r = RunnableGenerator(g)
    assert list(r.stream("ab")) == ["AB"]
    assert r.invoke("ab") == "AB"
    c = FakeListChatModel(responses=["xyz"]) | StrOutputParser() | r
    assert list(c.stream("q")) == ["X", "Y", "Z"]
    async def ag(ait):
        async for x in ait:
            yield x + "!"
    ar = RunnableGenerator(ag)
    c2 = FakeListChatModel(responses=["xy"]) | StrOutputParser() | ar
    assert run(acollect(c2.astream("q"))) == ["x!", "y!"]

# ---------- parallel / passthrough / branch ----------
def test_parallel_concurrency_sync_async():
    def slow(x):
        time.sleep(0.2); return x
    p = RunnableParallel(a=RunnableLambda(slow), b=RunnableLambda(slow), c=RunnableLambda(slow))
    t0 = time.monotonic()
    assert p.invoke(1) == {"a": 1, "b": 1, "c": 1}
    assert time.monotonic() - t0 < 0.45
    async def aslow(x):
        await asyncio.sleep(0.2); return x
    ap = RunnableParallel(a=RunnableLambda(aslow), b=RunnableLambda(aslow))
    t0 = time.monotonic()
    assert run(ap.ainvoke(2)) == {"a": 2, "b": 2}
    assert time.monotonic() - t0 < 0.35

def test_parallel_dict_constructor():
    p = RunnableParallel({"a": RunnableLambda(add1), "b": dbl})
    assert p.invoke(1) == {"a": 2, "b": 2}

def test_parallel_stream():
    p = RunnableParallel(a=FakeListChatModel(responses=["ab"]) | StrOutputParser())
    chunks = list(p.stream("x"))
    assert chunks == [{"a": "a"}, {"a": "b"}]

def test_passthrough():
    assert RunnablePassthrough().invoke(5) == 5
    assert RunnablePassthrough.assign(b=lambda d: d["a"] * 2).invoke({"a": 2}) == {"a": 2, "b": 4}
    c = RunnablePassthrough() | RunnablePassthrough.assign(c=lambda d: 1)
    assert c.invoke({"x": 0}) == {"x": 0, "c": 1}
    assert list(RunnablePassthrough().stream("a")) == ["a"]

def test_branch():
    b = RunnableBranch((lambda x: x > 0, RunnableLambda(lambda x: "pos")),
                       (lambda x: x < 0, lambda x: "neg"),
                       RunnableLambda(lambda x: "zero"))
    assert b.invoke(1) == "pos"
    assert b.invoke(-1) == "neg"
    assert b.invoke(0) == "zero"
    assert run(b.ainvoke(-3)) == "neg"

# ---------- retry / fallbacks ----------
def test_with_retry(monkeypatch):
    monkeypatch.setattr(time, "sleep", lambda s: None)
    calls = {"n": 0}
    def flaky(x):
        calls["n"] += 1
        if calls["n"] < 3:
            raise ValueError("nope")
        return x
    r = RunnableLambda(flaky).with_retry(stop_after_attempt=3, wait_exponential_jitter=False)
    assert r.invoke(1) == 1 and calls["n"] == 3
    calls["n"] = -10
    with pytest.raises(ValueError):
        RunnableLambda(flaky).with_retry(stop_after_attempt=2, wait_exponential_jitter=False).invoke(1)
    calls["n"] = 0
    with pytest.raises(ValueError):
        RunnableLambda(flaky).with_retry(retry_if_exception_type=(KeyError,), wait_exponential_jitter=False).invoke(1)
    assert calls["n"] == 1

def test_with_retry_jitter_params(monkeypatch):
    slept = []
    monkeypatch.setattr(time, "sleep", lambda s: slept.append(s))
    calls = {"n": 0}
    def flaky(x):
        calls["n"] += 1
        if calls["n"] < 3:
            raise ValueError("nope")
        return x
    r = RunnableLambda(flaky).with_retry(
        exponential_jitter_params={"initial": 0.01, "max": 0.02, "jitter": 0})
    assert r.invoke(1) == 1
    assert all(s <= 0.021 for s in slept)

def test_with_retry_async():
    calls = {"n": 0}
    async def flaky(x):
        calls["n"] += 1
        if calls["n"] < 2:
            raise ValueError("nope")
        return x
    r = RunnableLambda(flaky).with_retry(wait_exponential_jitter=False)
    assert run(r.ainvoke(4)) == 4

def test_with_fallbacks():
    def bad(x):
        raise ValueError("bad")
    r = RunnableLambda(bad).with_fallbacks([RunnableLambda(lambda x: "fb")])
    assert r.invoke(1) == "fb"
    assert run(r.ainvoke(1)) == "fb"
    r2 = RunnableLambda(bad).with_fallbacks([RunnableLambda(lambda x: "fb")], exceptions_to_handle=(KeyError,))
    with pytest.raises(ValueError):
        r2.invoke(1)

def test_with_fallbacks_exception_key():
    def bad(x):
        raise ValueError("bad")
    r = RunnableLambda(bad).with_fallbacks([RunnableLambda(lambda d: type(d["err"]).__name__ + d["q"])], exception_key="err")
    assert r.invoke({"q": "!"}) == "ValueError!"

def test_fallback_streaming_rule():
    def bad_gen(x):
        raise ValueError("early")
        yield "never"
    r = RunnableLambda(bad_gen).with_fallbacks([RunnableLambda(lambda x: "fb")])
    assert list(r.stream("q")) == ["fb"]
    def late(x):
        yield "a"
        raise ValueError("late")
    r2 = RunnableLambda(late).with_fallbacks([RunnableLambda(lambda x: "fb")])
    got = []
    with pytest.raises(ValueError):
        for c in r2.stream("q"):
            got.append(c)
    assert got == ["a"]

def test_with_types():
    r = RunnableLambda(lambda x: x).with_types(input_type=int, output_type=str)
    assert r.input_type is int and r.output_type is str
    assert r.input_schema["type"] == "integer"
    assert r.output_schema["type"] == "string"

# ---------- errors ----------
def test_step_exception_propagates_unchanged():
    class MyErr(Exception):
        pass
    def f(x):
        raise MyErr("x")
    c = RunnableLambda(add1) | RunnableLambda(f)
    with pytest.raises(MyErr):
        c.invoke(1)
    with pytest.raises(MyErr):
        run(c.ainvoke(1))
    with pytest.raises(MyErr):
        list(c.stream(1))

def test_missing_prompt_variable():
    p = PromptTemplate.from_template("{a} and {b}")
    with pytest.raises(InputValidationError) as ei:
        p.invoke({"a": 1, "c": 2})
    e = ei.value
    assert isinstance(e, ValueError) and isinstance(e, KeyError) and isinstance(e, LcelError)
    msg = str(e)
    assert "b" in msg and "c" in msg
    with pytest.raises(KeyError):
        ChatPromptTemplate.from_template("{q}").invoke({})
    with pytest.raises(ValueError):
        run(ChatPromptTemplate.from_template("{q}").ainvoke({}))

def test_output_parser_error():
    with pytest.raises(OutputParserError) as ei:
        JsonOutputParser().invoke("not json at all")
    assert "not json at all" in str(ei.value)
    assert isinstance(ei.value, LcelError)

def test_errors_hierarchy():
    assert issubclass(InputValidationError, LcelError) and issubclass(InputValidationError, ValueError)
    assert issubclass(OutputParserError, LcelError)
    assert issubclass(RecursionLimitError, LcelError) and issubclass(RecursionLimitError, RecursionError)
