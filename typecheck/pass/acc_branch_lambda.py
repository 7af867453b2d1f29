# RunnableBranch with lambda conditions (the usual LangChain form)
from typing import reveal_type

from lcel import RunnableBranch, RunnableLambda


def f(s: str) -> int:
    return 1


def g(s: str) -> str:
    return s


b = RunnableBranch((lambda s: len(s) > 1, RunnableLambda(f)), RunnableLambda(g))
reveal_type(b)  # R: lcel._branch.RunnableBranch[str, int | str]
