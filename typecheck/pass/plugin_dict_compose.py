"""Plugin: dict literals on either side of ``|`` (and in ``pipe``) are keyed parallels."""



from collections.abc import Mapping
from typing import Any, TypedDict, reveal_type

from lcel import RunnableLambda, RunnablePassthrough


def parse(s: str) -> int:
    return int(s)


def shout(s: str) -> str:
    return s.upper()


class Report(TypedDict):
    double: int
    text: str


def render(r: Report) -> str:
    return f"{r['text']}: {r['double']}"


def size(m: Mapping[str, Any]) -> int:
    return len(m)


def keys(d: dict[str, Any]) -> list[str]:
    return sorted(d)


a = RunnableLambda(parse)
# `a | {...}`: lambdas get `a`'s output; a passthrough is typed as `a`'s output
right = a | {"double": lambda n: n * 2, "text": lambda n: str(n), "orig": RunnablePassthrough()}
reveal_type(right)  # R: lcel._runnable.Runnable[str, TypedDict(lcel._keyed.ParallelOutput, {'double': int, 'text': str, 'orig': int})]
reveal_type(right.invoke("2")["orig"])  # R: int
piped = a.pipe({"double": lambda n: n * 2, "text": str})  # `str` is overloaded: stays Any
reveal_type(piped)  # R: lcel._runnable.Runnable[str, TypedDict(lcel._keyed.ParallelOutput, {'double': int, 'text': Any})]

# a keyed output fits a consumer taking a TypedDict with those keys (extra keys are fine);
# layer 1 accepts the next line too (keyed outputs are `Any` there); the plugin checks keys
reveal_type(right | render)  # R: lcel._runnable.Runnable[str, str]
reveal_type(right | RunnableLambda(size))  # R: lcel._runnable.Runnable[str, int]

# `{...} | b`: the input is the meet of the branch inputs
left = {"double": a | (lambda n: n * 2), "text": RunnableLambda(shout)} | RunnableLambda(render)
reveal_type(left)  # R: lcel._runnable.Runnable[str, str]
# a consumer typed with a plain dict still accepts the dict a parallel returns
reveal_type({"text": shout} | RunnableLambda(keys))  # R: lcel._runnable.Runnable[str, list[str]]
# only passthroughs: the input is not constrained
reveal_type({"x": RunnablePassthrough()} | RunnableLambda(size))  # R: lcel._runnable.Runnable[Any, int]
