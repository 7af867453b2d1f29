"""Plugin: ``pick("a")`` is that key's type, ``pick([...])`` a TypedDict of those keys."""



from typing import reveal_type

from lcel import RunnableParallel


def count(s: str) -> int:
    return len(s)


def upper(s: str) -> str:
    return s.upper()


par = RunnableParallel(a=upper, b=count, c=lambda s: [s])
reveal_type(par.pick("b"))  # R: lcel._runnable.Runnable[str, int]
two = par.pick(["a", "c"])
reveal_type(two)  # R: lcel._runnable.Runnable[str, TypedDict(lcel._keyed.PickOutput, {'a': str, 'c': list[str]})]
reveal_type(two.invoke("x")["c"])  # R: list[str]
reveal_type(par.pick(("b",)))  # R: lcel._runnable.Runnable[str, TypedDict(lcel._keyed.PickOutput, {'b': int})]
reveal_type(two.pick("a"))  # R: lcel._runnable.Runnable[str, str]
