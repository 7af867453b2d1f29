"""RemoteRunnable is typed by its user and composes like any runnable."""

from lcel import Runnable, RunnableLambda
from lcel.server import RemoteRunnable, add_routes, create_app


def shout(text: str) -> str:
    return text.upper()


joke: RemoteRunnable[str, str] = RemoteRunnable[str, str]("http://127.0.0.1:8000/joke")
as_runnable: Runnable[str, str] = joke
chain: Runnable[str, int] = RunnableLambda(shout) | joke | RunnableLambda(len)
remote_len = RemoteRunnable[dict[str, str], int]("http://127.0.0.1:8000/len", timeout=5.0)
n: int = remote_len.invoke({"topic": "bears"})
outs: list[str] = joke.batch(["a", "b"])
maybe: list[str | Exception] = joke.batch(["a"], return_exceptions=True)

app = create_app({"/shout": RunnableLambda(shout)})
add_routes(app, joke, "/proxy", config_keys=("configurable",), max_batch=10, run_timeout=30.0)
