from lcel import RunnableLambda


def f(s: str) -> int:
    return 1


x = RunnableLambda(f).with_config(tags="x")  # E: [arg-type]
