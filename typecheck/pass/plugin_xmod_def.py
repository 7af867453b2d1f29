"""Plugin, cross-module: a keyed output defined here is read in ``plugin_xmod_use``."""



from typing import reveal_type

from lcel import RunnableLambda, RunnableParallel


def upper(s: str) -> str:
    return s.upper()


def count(s: str) -> int:
    return len(s)


analysis = RunnableParallel(text=RunnableLambda(upper), n=count)
reveal_type(analysis)  # R: lcel._parallel.RunnableParallel[str, TypedDict(lcel._keyed.ParallelOutput, {'text': str, 'n': int})]
