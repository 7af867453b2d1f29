from typing import TypedDict, reveal_type

from lcel import RunnableLambda, RunnableParallel, RunnablePassthrough


def joke(t: str) -> str:
    return t


def n(t: str) -> int:
    return 1


par = RunnableParallel(joke=RunnableLambda(joke), n=n)
out = par.invoke("x")
reveal_type(out["joke"])  # R: str
reveal_type(out["n"])  # R: int
i: int = out["n"]


class JN(TypedDict):
    joke: str
    n: int


def consume(d: JN) -> str:
    return d["joke"]


# dict literal after a runnable
d = RunnableLambda(joke) | {"double": lambda s: s * 2, "len": n}
reveal_type(d.invoke("x")["len"])  # R: int
reveal_type(d.invoke("x")["double"])  # R: str
d2 = RunnableLambda(n) | {"orig": RunnablePassthrough(), "s": lambda k: str(k)}
reveal_type(d2.invoke("x")["orig"])  # R: int
reveal_type(d2.invoke("x")["s"])  # R: str
# dict literal first

# pipe with dict
d5 = RunnableLambda(joke).pipe({"x": n})
reveal_type(d5.invoke("s")["x"])  # R: int
# streaming the parallel gives partial dicts
for chunk in par.stream("x"):
    pass
