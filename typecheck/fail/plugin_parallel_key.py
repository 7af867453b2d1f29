from lcel import RunnableLambda, RunnableParallel


def tell_joke(topic: str) -> str:
    return f"a joke about {topic}"


def count(topic: str) -> int:
    return len(topic)


par = RunnableParallel(joke=RunnableLambda(tell_joke), n=count)
out = par.invoke("bears")
out["punchline"]  # E: [typeddict-item]
wrong: int = out["joke"]  # E: [assignment]
