from lcel import Runnable, RunnableLambda


def f(s: object) -> str:
    return ""


x: Runnable[str, object] = RunnableLambda(f)
def g(s: str) -> str:
    return ""
z: Runnable[object, str] = RunnableLambda(g)  # E: [arg-type]
