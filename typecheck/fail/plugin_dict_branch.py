# ruff: noqa: E501  (revealed types are compared whole)
from lcel import RunnableLambda


def upper(s: str) -> str:
    return s.upper()


def double(n: int) -> int:
    return n * 2


def show(d: object) -> str:
    return str(d)


a = RunnableLambda(upper)
bad_branch = a | {"x": double}  # E: [dict-item]
clash = {"s": RunnableLambda(upper), "n": RunnableLambda(double)} | RunnableLambda(show)  # E: [operator]
