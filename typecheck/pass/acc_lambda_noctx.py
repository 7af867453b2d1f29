# a RunnableLambda of an unannotated lambda, outside any composition context
from lcel import RunnableLambda


def j(s: str) -> str:
    return s


r = RunnableLambda(lambda x: x + 1)
s = RunnableLambda(lambda s: s + "!") | RunnableLambda(j)
