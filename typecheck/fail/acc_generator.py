from collections.abc import Iterator
from lcel import RunnableGenerator, RunnableLambda


def tr(it: Iterator[str]) -> Iterator[int]:
    for s in it:
        yield len(s)


def f(s: str) -> int:
    return 1


x = RunnableLambda(f) | RunnableGenerator(tr)  # E: [arg-type]
