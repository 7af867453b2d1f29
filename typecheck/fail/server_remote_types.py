from lcel import RunnableLambda
from lcel.server import RemoteRunnable

joke = RemoteRunnable[str, str]("http://127.0.0.1:8000/joke")
joke.invoke(3)  # E: [arg-type]
n: int = joke.invoke("bears")  # E: [assignment]


def count(items: list[int]) -> int:
    return len(items)


bad = joke | RunnableLambda(count)  # E: [arg-type]
