"""Streaming through wrapped / composite steps (LangChain streams through all of these)."""
from conftest import acollect, run

from lcel import RunnablePassthrough
from lcel.models import FakeListChatModel
from lcel.parsers import StrOutputParser

M = lambda: FakeListChatModel(responses=["abc"])


def test_stream_parser_with_retry_after_model():
    c = M() | StrOutputParser().with_retry()
    assert "".join(c.stream("q")) == "abc"

def test_astream_parser_with_retry_after_model():
    c = M() | StrOutputParser().with_retry()
    assert "".join(run(acollect(c.astream("q")))) == "abc"

def test_events_parser_with_retry_after_model():
    c = M() | StrOutputParser().with_retry()
    evs = run(acollect(c.astream_events("q")))
    assert evs[-1]["data"]["output"] == "abc"

def test_log_parser_with_retry_after_model():
    c = M() | StrOutputParser().with_retry()
    ps = run(acollect(c.astream_log("q")))
    assert sum(ps[1:], ps[0]).state["final_output"] == "abc"

def test_transform_on_retry():
    assert "".join(StrOutputParser().with_retry().transform(iter(["a", "b"]))) == "ab"

def test_stream_parser_with_fallbacks_after_model():
    c = M() | StrOutputParser().with_fallbacks([StrOutputParser()])
    assert "".join(c.stream("q")) == "abc"

def test_parallel_streams_its_input():
    # LangChain: [{'a': 'a'}, {'a': 'b'}, {'a': 'c'}]
    c = M() | {"a": StrOutputParser()}
    chunks = list(c.stream("q"))
    assert len(chunks) == 3

def test_pick_after_stream():
    c = (M() | StrOutputParser() | {"x": RunnablePassthrough()}).pick("x")
    assert list(c.stream("q")) == ["a", "b", "c"]

def test_assign_after_stream():
    c = M() | StrOutputParser() | {"x": RunnablePassthrough()} | RunnablePassthrough.assign(y=lambda d: 1)
    chunks = list(c.stream("q"))
    assert len(chunks) > 1
