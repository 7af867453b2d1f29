"""A consumer typed with the user's own TypedDict fits after a parallel or an assign, with or
without the plugin (layer 1 types keyed outputs as ``Any``, the plugin as a TypedDict)."""

from typing import TypedDict

from lcel import RunnableLambda, RunnableParallel, RunnablePassthrough


class JokeAndSize(TypedDict):
    joke: str
    n: int


def joke(topic: str) -> str:
    return f"a joke about {topic}"


def size(topic: str) -> int:
    return len(topic)


def render(d: JokeAndSize) -> str:
    return f"{d['joke']} ({d['n']})"


pipeline = RunnableParallel(joke=RunnableLambda(joke), n=RunnableLambda(size)) | render
literal = RunnableLambda(joke) | {"joke": RunnableLambda(joke), "n": RunnableLambda(size)} | render
text: str = pipeline.invoke("bears")


class Counted(TypedDict):
    joke: str
    extra: int


def show(d: Counted) -> str:
    return d["joke"]


assigned = (
    RunnableParallel(joke=RunnableLambda(joke))
    | RunnablePassthrough.assign(extra=lambda d: 1)
    | show
)
