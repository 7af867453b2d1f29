"""Low-priority LangChain-compat probes (API.md silent; LangChain 1.5 behaviour is the reference)."""
import copy

import pytest

from lcel import RunnableLambda
from lcel.messages import AIMessage
from lcel.models import FakeListChatModel
from lcel.prompts import ChatPromptTemplate


def test_generator_lambda_gets_plus_combined_chunks():
    # API.md: "receives the whole input (upstream chunks combined with + first)"
    got = []
    def g(msg):
        got.append(msg)
        yield msg.content
    list((FakeListChatModel(responses=["abc"]) | RunnableLambda(g)).stream("q"))
    # lcel runs the model whole when the next step needs its whole output: the generator
    # gets the complete message (chunks add up to the same content, as an AIMessageChunk)
    assert isinstance(got[0], AIMessage)
    assert got[0].content == "abc"

def test_bind_on_sequence_is_a_clear_error():
    # LangChain silently ignores keywords bound to a sequence; lcel says where they belong
    c = ChatPromptTemplate.from_template("{t}") | FakeListChatModel(responses=["x"])
    with pytest.raises(TypeError, match="bind the keywords on the step that takes them|bind them"):
        c.bind(stop=["z"])

def test_config_has_default_recursion_limit():
    seen = {}
    def f(x, config):
        seen.update(config)
        return x
    RunnableLambda(f).invoke(1)
    assert seen.get("recursion_limit") == 25

def test_model_deepcopy():
    m = FakeListChatModel(responses=["a"])
    assert copy.deepcopy(m).invoke("q").content == "a"
