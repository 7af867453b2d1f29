# **{literal} into RunnableParallel (same positional-or-keyword steps__ clash as **steps)
from lcel import RunnableParallel


def f(s: str) -> int:
    return 1


p1 = RunnableParallel(a=f)
