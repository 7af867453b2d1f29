from lcel import chain


@chain
def f(s: str) -> int:
    return 1


f.invoke(1)  # E: [arg-type]
