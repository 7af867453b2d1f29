"""RunnableBranch's output is the union of its branches."""

from typing import reveal_type

from lcel import RunnableBranch, RunnableLambda


def pos(x: int) -> str:
    return "pos"


def neg(x: int) -> str:
    return "neg"


def positive(x: int) -> bool:
    return x > 0


b = RunnableBranch((positive, RunnableLambda(pos)), RunnableLambda(neg))
reveal_type(b)  # R: lcel._branch.RunnableBranch[int, str]
looser = RunnableBranch((lambda x: x > 0, RunnableLambda(pos)), RunnableLambda(neg))
reveal_type(b.invoke(1))  # R: str
