"""as_tool keeps the output type; get_prompts lists prompt templates."""

from typing import Any, TypedDict, reveal_type

from lcel import RunnableLambda
from lcel.prompts import BasePromptTemplate, ChatPromptTemplate


class Args(TypedDict):
    a: int
    b: int


def add(args: Args) -> int:
    return args["a"] + args["b"]


as_tool = RunnableLambda(add).as_tool(name="add", description="Adds a and b")
reveal_type(as_tool.invoke({"a": 1, "b": 2}))  # R: int
untyped = RunnableLambda(lambda d: str(d)).as_tool(name="s", arg_types={"x": int})
reveal_type(untyped.invoke({"x": 1}))  # R: str
prompts: list[BasePromptTemplate[Any, Any]] = (
    ChatPromptTemplate.from_template("{q}") | RunnableLambda(str)
).get_prompts()
