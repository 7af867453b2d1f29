# ruff: noqa: E501  (revealed types are compared whole)
from typing import TypedDict

from lcel import RunnableLambda


class Need(TypedDict):
    x: str
    y: int


def use(d: Need) -> str:
    return d["x"] * d["y"]


def upper(s: str) -> str:
    return s.upper()


def parse(s: str) -> int:
    return int(s)


ok = {"x": RunnableLambda(upper), "y": RunnableLambda(parse)} | RunnableLambda(use)
missing = {"x": RunnableLambda(upper)} | RunnableLambda(use)  # E: [operator]
wrong = {"x": RunnableLambda(upper), "y": RunnableLambda(upper)} | RunnableLambda(use)  # E: [operator]
