"""Plugin: code it does not recognise keeps the layer-1 type (no error, no crash)."""



from typing import Any, reveal_type

from lcel import RunnableLambda, RunnableParallel, RunnablePassthrough
from lcel.prompts import ChatPromptTemplate, PromptTemplate


def upper(s: str) -> str:
    return s.upper()


a = RunnableLambda(upper)
steps: dict[str, Any] = {"x": a}
reveal_type(RunnableParallel(steps))  # R: lcel._parallel.RunnableParallel[Any, Any]
reveal_type(RunnableParallel(**steps))  # R: lcel._parallel.RunnableParallel[Any, Any]
reveal_type(RunnableParallel({"y": a, **steps}))  # R: lcel._parallel.RunnableParallel[Any, Any]
reveal_type(a | steps)  # R: lcel._runnable.Runnable[str, Any]
reveal_type(steps | a)  # R: lcel._runnable.Runnable[Any, str]

par = RunnableParallel(x=a)
key = "x"
reveal_type(par.pick(key))  # R: lcel._runnable.Runnable[str, Any]
keys = ["x"]
reveal_type(par.pick(keys))  # R: lcel._runnable.Runnable[str, Any]
reveal_type(par.assign(**steps))  # R: lcel._runnable.Runnable[str, Any]
reveal_type(RunnablePassthrough.assign(**steps))  # R: lcel._passthrough.RunnableAssign[typing.Mapping[str, Any], Any]
# a non-keyed output: assign and pick stay wide


def to_dict(s: str) -> dict[str, int]:
    return {"x": len(s)}


plain = RunnableLambda(to_dict)
reveal_type(plain.pick("x"))  # R: lcel._runnable.Runnable[str, Any]
reveal_type(plain.assign(y=lambda d: 1))  # R: lcel._runnable.Runnable[str, Any]

template = "tell me about {topic}"
reveal_type(PromptTemplate.from_template(template))  # R: lcel.prompts.PromptTemplate[typing.Mapping[str, Any]]
partial = PromptTemplate.from_template("{a} {b}", partial_variables={"a": "x"})
reveal_type(partial)  # R: lcel.prompts.PromptTemplate[typing.Mapping[str, Any]]
messages: list[tuple[str, str]] = [("human", "{q}")]
reveal_type(ChatPromptTemplate.from_messages(messages))  # R: lcel.prompts.ChatPromptTemplate[typing.Mapping[str, Any]]
