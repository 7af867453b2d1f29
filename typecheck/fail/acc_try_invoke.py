from returns.result import Result
from lcel import RunnableLambda


def f(s: str) -> int:
    return 1


x: Result[str, Exception] = RunnableLambda(f).try_invoke("a")  # E: [assignment]
