from collections.abc import Iterator

from lcel import RunnableGenerator


def upper(chunks: Iterator[str]) -> Iterator[str]:
    for c in chunks:
        yield c.upper()


RunnableGenerator(upper).invoke(1)  # E: [arg-type]
